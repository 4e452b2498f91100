//! CloudFormation's intrinsic functions: every one checked before reading
//! (an unknown function, or a `Ref`/`Fn::GetAtt`/`Fn::Sub` variable naming
//! nothing the template declares, is an error), and the links they make.

use super::super::ImportError;
use super::super::yaml::INTRINSICS;
use super::Cfn;
use serde_json::Value;

impl Cfn<'_> {
    pub(super) fn declared(&self, name: &str) -> bool {
        self.resources.contains_key(name) || self.parameters.contains_key(name) || name.starts_with("AWS::")
    }

    /// Refuses unknown intrinsic functions and references to undeclared names.
    pub(super) fn check_intrinsics(&self, v: &Value, at: &str) -> Result<(), ImportError> {
        match v {
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.check_intrinsics(x, &format!("{at}[{i}]"))?;
                }
            }
            Value::Object(m) => {
                if m.len() == 1 {
                    let (k, arg) = m.iter().next().expect("one entry");
                    let known = INTRINSICS.iter().any(|(_, long)| long == k);
                    if k.starts_with("Fn::") && !known {
                        let names: Vec<&str> = INTRINSICS.iter().map(|(_, l)| *l).collect();
                        return Err(self.err(
                            at,
                            format!("unknown intrinsic function {k}: CloudFormation knows {}", names.join(", ")),
                        ));
                    }
                    if k == "Ref" {
                        let Some(name) = arg.as_str() else {
                            return Err(self.err(at, format!("Ref takes a name (got {arg})")));
                        };
                        if !self.declared(name) {
                            return Err(self.err(
                                at,
                                format!("Ref to {name:?}: the template declares no such resource or parameter"),
                            ));
                        }
                    }
                    if k == "Fn::GetAtt" {
                        let target = getatt_target(arg);
                        match target {
                            Some(name) if self.resources.contains_key(name) => {}
                            Some(name) => {
                                return Err(self.err(
                                    at,
                                    format!("Fn::GetAtt of {name:?}: the template declares no such resource"),
                                ));
                            }
                            None => {
                                return Err(self.err(
                                    at,
                                    format!(
                                        "Fn::GetAtt takes [Resource, Attribute] or \"Resource.Attribute\" (got {arg})"
                                    ),
                                ));
                            }
                        }
                    }
                    if k == "Fn::Sub" {
                        let text = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str)).unwrap_or("");
                        let locals = arg.get(1).and_then(Value::as_object);
                        for name in sub_vars(text) {
                            let base = name.split('.').next().unwrap_or(&name);
                            if !self.declared(base) && !locals.is_some_and(|l| l.contains_key(&name)) {
                                return Err(self.err(at, format!("Fn::Sub variable ${{{name}}}: the template declares no such resource or parameter")));
                            }
                        }
                    }
                }
                for (k, x) in m {
                    let p = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                    self.check_intrinsics(x, &p)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Logical IDs a value refers to (Ref, Fn::GetAtt, Fn::Sub variables),
    /// at any depth.
    pub(super) fn refs(&self, v: Option<&Value>, out: &mut Vec<String>) {
        match v {
            Some(Value::Array(items)) => items.iter().for_each(|x| self.refs(Some(x), out)),
            Some(Value::Object(m)) => {
                if let Some(Value::String(name)) = m.get("Ref") {
                    if self.resources.contains_key(name) && !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                if let Some(name) = m.get("Fn::GetAtt").and_then(getatt_target) {
                    if !out.iter().any(|o| o == name) {
                        out.push(name.to_owned());
                    }
                }
                if let Some(arg) = m.get("Fn::Sub") {
                    let text = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str)).unwrap_or("");
                    for name in sub_vars(text) {
                        let base = name.split('.').next().unwrap_or(&name).to_owned();
                        if self.resources.contains_key(&base) && !out.contains(&base) {
                            out.push(base);
                        }
                    }
                }
                m.values().for_each(|x| self.refs(Some(x), out));
            }
            _ => {}
        }
    }

    /// Resources of type `kind` that property `path` of `id` refers to.
    pub(super) fn linked(&self, id: &str, path: &str, kinds: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        self.refs(self.prop(id, path), &mut out);
        out.retain(|r| kinds.contains(&self.kind(r)));
        out
    }
}

/// The `${Name}` variables of an `Fn::Sub` string (not `${!Literal}`).
pub(super) fn sub_vars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') && !name.is_empty() {
            out.push(name.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

/// The resource of an `Fn::GetAtt`: `[Resource, Attribute]`, or the
/// `"Resource.Attribute"` string some templates use in the long form too.
fn getatt_target(arg: &Value) -> Option<&str> {
    match arg {
        Value::String(s) => s.split_once('.').map(|(r, _)| r),
        other => other.get(0).and_then(Value::as_str),
    }
}
