//! Reading attribute values of `terraform show -json` resources: dotted
//! paths into nested blocks, numbers that may be strings, and type errors
//! that name the resource.

use super::super::ImportError;
use super::{Res, Tf};
use serde_json::{Map, Value};

/// The attribute at a dotted path of a resource's values.
pub(super) fn getm<'v>(m: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let (first, rest) = match path.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (path, None),
    };
    let v = m.get(first)?;
    match rest {
        Some(r) => get(v, r),
        None => (!v.is_null()).then_some(v),
    }
}

/// The value at a dotted path (`launch_template.0.id`); null counts as absent.
pub(super) fn get<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match seg.parse::<usize>() {
            Ok(i) => cur.get(i)?,
            Err(_) => cur.get(seg)?,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// Strings in a value (one, a list, or a nested block's).
pub(super) fn strings(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::String(s)) => out.push(s.clone()),
        Some(Value::Array(a)) => a.iter().for_each(|x| strings(Some(x), out)),
        // Nested blocks (a listener's `default_action[].forward[]...`).
        Some(Value::Object(m)) => m.values().for_each(|x| strings(Some(x), out)),
        _ => {}
    }
}

/// The `references` of a configuration expression (and of nested blocks).
pub(super) fn references(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::Object(m)) => {
            match m.get("references") {
                Some(Value::Array(refs)) => out.extend(refs.iter().filter_map(Value::as_str).map(str::to_owned)),
                // A nested block: the expressions of its attributes.
                _ if !m.contains_key("constant_value") => m.values().for_each(|x| references(Some(x), out)),
                _ => {}
            }
        }
        Some(Value::Array(a)) => a.iter().for_each(|x| references(Some(x), out)),
        _ => {}
    }
}

pub(super) fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn opt_int(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Option<i64>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            int_of(v).map(Some).ok_or_else(|| tf.err(&r.address, format!("{key}: expected a whole number (got {v})")))
        }
    }
}

pub(super) fn req_int(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<i64, ImportError> {
    opt_int(tf, r, key)?.ok_or_else(|| {
        let when = if tf.plan { " (a value known only after apply cannot be imported from a plan)" } else { "" };
        tf.err(&r.address, format!("{key}: missing{when}"))
    })
}

pub(super) fn opt_bool(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Option<bool>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(tf.err(&r.address, format!("{key}: expected true or false (got {v})"))),
    }
}

pub(super) fn opt_str(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Option<String>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(tf.err(&r.address, format!("{key}: expected a string (got {v})"))),
    }
}

pub(super) fn strs(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Vec<String>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| tf.err(&r.address, format!("{key}: expected a list of strings (got {v})")))
            })
            .collect(),
        Some(v) => Err(tf.err(&r.address, format!("{key}: expected a list of strings (got {v})"))),
    }
}
