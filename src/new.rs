//! `nines new NAME [--from TEMPLATE]`: a commented starting scenario,
//! either a small starter or a copy of a bundled scenario, named NAME and
//! checked to load before it is written. May use: `scenario`, `error`.

use crate::error::Error;

/// The templates: name, what it is, text.
pub const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "starter",
        "two servers over two zones, with a one-zone variant (the default)",
        include_str!("templates/starter.toml"),
    ),
    (
        "two-of-three",
        "three servers, the service needs two: the textbook example",
        include_str!("../scenarios/two-of-three.toml"),
    ),
    (
        "lab-web-app",
        "the course lab: ALB, auto-scaling group over two zones, RDS Multi-AZ",
        include_str!("../scenarios/lab-web-app.toml"),
    ),
    (
        "multi-az-web",
        "a web tier over zones with zone and region outages",
        include_str!("../scenarios/multi-az-web.toml"),
    ),
    ("four-by-five", "four zones of five instances", include_str!("../scenarios/four-by-five.toml")),
    (
        "s3-standard-vs-one-zone-ia",
        "one bucket in S3 Standard or One Zone-IA",
        include_str!("../scenarios/s3-standard-vs-one-zone-ia.toml"),
    ),
    (
        "dr-strategies",
        "backup & restore, pilot light, warm standby, multi-site",
        include_str!("../scenarios/dr-strategies.toml"),
    ),
    (
        "backups",
        "a database's backup schedules against an RPO (workshop step 5)",
        include_str!("../scenarios/workshop/05-backups-rpo.toml"),
    ),
];

/// The template names, for messages and `--help`.
pub fn names() -> String {
    TEMPLATES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
}

/// The text of a new scenario called `name` from `template`: the
/// template's `[scenario] name` (or the starter's placeholder) becomes
/// `name`.
pub fn scenario(name: &str, template: &str) -> Result<String, Error> {
    let Some((_, _, text)) = TEMPLATES.iter().find(|t| t.0 == template) else {
        return Err(Error::Usage(format!("--from {template}: no such template (templates: {})", names())));
    };
    if name.is_empty() || name.contains(['"', '\\', '\n']) {
        return Err(Error::Usage(format!("{name:?}: a scenario name needs at least one character and no quotes")));
    }
    let mut out = String::with_capacity(text.len());
    let mut in_meta = false;
    let mut named = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_meta = trimmed.starts_with("[scenario]");
        }
        if in_meta && !named && trimmed.starts_with("name") && trimmed.contains('=') {
            out.push_str(&format!("name = \"{name}\"\n"));
            named = true;
            continue;
        }
        out.push_str(&line.replace("NAME.toml", &format!("{name}.toml")));
        out.push('\n');
    }
    Ok(out)
}
