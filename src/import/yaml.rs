//! CloudFormation YAML as the JSON form of the same template: the short
//! intrinsic tags (`!Ref X`, `!GetAtt A.B`, `!Sub "..."`, …) become their
//! long forms (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, …), so one
//! reader serves both. The line of every mapping entry is kept by its
//! dotted path (`Resources.WebGroup.Properties.MinSize`) for messages.
//!
//! YAML is parsed by `saphyr`, a YAML 1.2 parser in pure Rust that keeps
//! application tags on the nodes (and the position of every node), which
//! CloudFormation's short forms need.

use super::ImportError;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The short-form tags CloudFormation defines, by tag name, and the
/// long-form key each stands for.
pub const INTRINSICS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
];

/// Lines of mapping entries, by dotted path.
pub type Lines = HashMap<String, usize>;

/// Parses a YAML template into its JSON form and the lines of its entries.
pub fn parse(file: &Path, text: &str) -> Result<(Value, Lines), ImportError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let (line, col) = (e.marker().line(), e.marker().col() + 1);
        ImportError::new(file, Some(line), "", format!("not valid YAML: {} (column {col})", e.info()))
    })?;
    let mut docs = docs.into_iter();
    let Some(doc) = docs.next() else {
        return Err(ImportError::new(file, None, "", "the file holds no YAML document"));
    };
    if let Some(second) = docs.next() {
        return Err(ImportError::new(
            file,
            Some(second.span.start.line()),
            "",
            "a CloudFormation template is one YAML document; this file holds several",
        ));
    }
    let mut lines = Lines::new();
    let value = convert(file, &doc, "", &mut lines)?;
    Ok((value, lines))
}

fn convert(file: &Path, node: &MarkedYaml<'_>, at: &str, lines: &mut Lines) -> Result<Value, ImportError> {
    let line = node.span.start.line();
    let err = |message: String| ImportError::new(file, Some(line), at, message);
    Ok(match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| convert(file, item, &format!("{at}[{i}]"), lines))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(s) => match scalar(s) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                    YamlData::Representation(text, _, _) => text.to_string(),
                    _ => {
                        return Err(ImportError::new(
                            file,
                            Some(k.span.start.line()),
                            at,
                            "a mapping key must be a plain name",
                        ));
                    }
                };
                let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                lines.insert(path.clone(), k.span.start.line());
                let value = convert(file, v, &path, lines)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        YamlData::Tagged(tag, inner) => {
            if tag.is_yaml_core_schema() {
                return convert(file, inner, at, lines);
            }
            let name = tag.suffix.as_str();
            let Some((_, long)) = INTRINSICS.iter().find(|(short, _)| *short == name && tag.handle == "!") else {
                let known: Vec<String> = INTRINSICS.iter().map(|(s, _)| format!("!{s}")).collect();
                return Err(err(format!(
                    "unknown intrinsic function tag {}{}: CloudFormation knows {}",
                    tag.handle,
                    tag.suffix,
                    known.join(", ")
                )));
            };
            let mut arg = convert(file, inner, at, lines)?;
            if *long == "Fn::GetAtt" {
                // `!GetAtt Resource.Attribute` is the list form's short hand.
                if let Value::String(s) = &arg {
                    match s.split_once('.') {
                        Some((res, attr)) => arg = Value::from(vec![res.to_owned(), attr.to_owned()]),
                        None => return Err(err(format!("!GetAtt takes \"Resource.Attribute\" (got {s:?})"))),
                    }
                }
            }
            let mut out = Map::new();
            out.insert((*long).to_owned(), arg);
            Value::Object(out)
        }
        YamlData::Alias(_) => return Err(err("YAML aliases (*name) are not supported in templates".to_owned())),
        YamlData::BadValue => return Err(err("a value that does not match its tag".to_owned())),
    })
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => serde_json::Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        parse(Path::new("t.yaml"), text).unwrap().0
    }

    #[test]
    fn short_forms_become_long_forms() {
        let v = json(
            "A: !Ref Subnet\nB: !GetAtt LT.LatestVersionNumber\nC: !Sub \"${AWS::StackName}-web\"\n\
             D: !Select [0, !GetAZs \"\"]\nE: { \"Fn::GetAtt\": [X, Y] }\nF: 3\nG: true\n",
        );
        assert_eq!(v["A"], serde_json::json!({"Ref": "Subnet"}));
        assert_eq!(v["B"], serde_json::json!({"Fn::GetAtt": ["LT", "LatestVersionNumber"]}));
        assert_eq!(v["C"], serde_json::json!({"Fn::Sub": "${AWS::StackName}-web"}));
        assert_eq!(v["D"], serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
        assert_eq!(v["E"], serde_json::json!({"Fn::GetAtt": ["X", "Y"]}));
        assert_eq!(v["F"], serde_json::json!(3));
        assert_eq!(v["G"], serde_json::json!(true));
    }

    #[test]
    fn lines_and_errors() {
        let (_, lines) = parse(Path::new("t.yaml"), "Resources:\n  Web:\n    Type: X\n").unwrap();
        assert_eq!(lines.get("Resources.Web"), Some(&2));
        assert_eq!(lines.get("Resources.Web.Type"), Some(&3));
        let e = parse(Path::new("t.yaml"), "A: 1\nB: !Reff X\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.starts_with("unknown intrinsic function tag !Reff"), "{}", e.message);
        let e = parse(Path::new("t.yaml"), "A: [1, 2\nB: 3\n").unwrap_err();
        assert!(e.message.starts_with("not valid YAML"), "{}", e.message);
        // saphyr refuses duplicate keys itself.
        let e = parse(Path::new("t.yaml"), "A: 1\nA: 2\n").unwrap_err();
        assert!(e.message.contains("duplicated key"), "{}", e.message);
    }
}
