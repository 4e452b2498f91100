//! The page's assumptions: every preset figure the scenario draws on (with
//! its source and quality flag, estimates marked), every value the
//! scenario sets (the base, then each variant's overrides), what the model
//! leaves out, and the scenario file itself.

use super::{Page, esc, open_section};
use crate::presets::{aws, storage};
use std::fmt::Write;
use toml::{Table, Value};

/// One preset figure used: what, value, quality flag, source.
struct Used {
    key: String,
    what: String,
    value: String,
    quality: String,
    source: String,
}

fn from_preset(p: &aws::Preset) -> Used {
    Used {
        key: p.key.to_owned(),
        what: p.what.to_owned(),
        value: format!("{} {}", p.value, p.unit),
        quality: p.quality.to_owned(),
        source: p.source.to_owned(),
    }
}

fn quality_letter(q: &str) -> &str {
    match q {
        "primary" => "P",
        "secondary" => "S",
        "derived" => "D",
        "unsourced_estimate" => "U",
        other => other,
    }
}

fn from_figure(class: &storage::StorageClass, key: &str, what: &str, f: &storage::Figure) -> Used {
    Used {
        key: format!("{} {key}", class.key.replace('_', "-")),
        what: format!("{}: {what}", class.name),
        value: format!("{} {}", f.value, f.unit),
        quality: quality_letter(&f.quality).to_owned(),
        source: f.source.clone(),
    }
}

fn tables<'a>(doc: &'a Table, key: &str) -> Vec<(&'a String, &'a Table)> {
    doc.get(key)
        .and_then(Value::as_table)
        .map(|t| t.iter().filter_map(|(k, v)| v.as_table().map(|v| (k, v))).collect())
        .unwrap_or_default()
}

fn str_of<'a>(t: &'a Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(Value::as_str)
}

/// The presets a document (the base, or a variant's overrides) draws on.
fn presets_in(doc: &Table, base: bool, out: &mut Vec<Used>) {
    let mut add = |u: Used| {
        if !out.iter().any(|x| x.key == u.key) {
            out.push(u);
        }
    };
    for section in ["components", "groups"] {
        for (_, t) in tables(doc, section) {
            if let Some(p) = str_of(t, "instance_type").and_then(aws::instance_price) {
                if !t.contains_key("hourly_usd") {
                    add(from_preset(p));
                }
            }
            if let Some(name) = str_of(t, "failover") {
                if let Some(f) = aws::FAILOVER.iter().find(|f| f.0 == name) {
                    add(Used {
                        key: format!("failover = \"{}\"", f.0),
                        what: format!("{} (uniform over the range)", f.1),
                        value: format!("{}-{} s", f.2, f.3),
                        quality: "P".into(),
                        source: f.4.into(),
                    });
                }
            }
            if let Some(band) = str_of(t, "spot") {
                add(from_preset(&aws::SPOT_NOTICE_S));
                if !t.contains_key("hourly_usd") {
                    add(from_preset(&aws::SPOT_PRICE_RATIO));
                }
                if let Some(m) = aws::spot_band_monthly(band) {
                    let open = band.replace(' ', "") == ">20%";
                    add(Used {
                        key: format!("spot = \"{band}\""),
                        what: "Spot interruption-frequency band: its midpoint".into(),
                        value: format!("{}% a month", m * 100.0),
                        quality: if open { "U".into() } else { "S".into() },
                        source: aws::SPOT_BANDS_SOURCE.into(),
                    });
                }
            }
        }
    }
    if base {
        for (_, g) in tables(doc, "groups") {
            if !g.contains_key("launch") {
                add(from_preset(&aws::AUTO_SCALING[0]));
            }
            if !g.contains_key("warmup") {
                add(from_preset(&aws::AUTO_SCALING[1]));
            }
        }
        for (_, lb) in tables(doc, "load_balancers") {
            if !lb.contains_key("hourly_usd") {
                add(from_preset(&aws::LOAD_BALANCER[0]));
            }
            if !lb.contains_key("interval") {
                add(from_preset(&aws::LOAD_BALANCER[1]));
            }
            if !lb.contains_key("unhealthy_threshold") {
                add(from_preset(&aws::LOAD_BALANCER[2]));
            }
        }
    }
    for (_, b) in tables(doc, "buckets") {
        let Some(class) = str_of(b, "class").and_then(storage::find) else { continue };
        if !b.contains_key("availability") {
            add(from_figure(class, "availability", "designed availability", &class.designed_availability_pct));
        }
        add(from_figure(class, "durability", "designed durability", &class.designed_durability_pct));
        add(from_figure(class, "sla", "SLA: credits start below", &class.sla_monthly_uptime_pct));
        if !b.contains_key("price_per_gb_month") {
            add(from_figure(class, "price", "storage price", &class.storage_price_usd_per_gb_month));
        }
    }
}

/// `a.b.c = value` for every setting of `t`: sections and their named
/// entries (`components.web`) are opened, anything deeper (an outage
/// process, a distribution) is shown whole as TOML.
fn flatten(prefix: &str, depth: usize, t: &Table, out: &mut Vec<(String, String)>) {
    for (k, v) in t {
        let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            Value::Table(inner) if depth < 2 => flatten(&path, depth + 1, inner, out),
            other => out.push((path, other.to_string())),
        }
    }
}

/// What nines does not model, whatever the scenario.
const LEFT_OUT: &[&str] = &[
    "Failures that are correlated in ways the scenario does not write down: only the zone, region and control-plane outages it declares (and a store's logical corruption, which reaches every replica) take several parts down together; a bad deploy or a shared dependency that takes all replicas down is not there unless modelled.",
    "Degraded service: every part is either up or down. Slow or partial failures (a disk at 10% of its speed, an overloaded instance) count as up.",
    "Load: the capacity a group needs (min_healthy) is fixed; traffic peaks and scaling on demand are not simulated.",
    "Costs the scenario does not give: data transfer, requests, load-balancer capacity units, support plans and people are not in the bill unless priced.",
    "People: detection, decision and repair times are the distributions written in the scenario; on-call fatigue, mistakes during recovery and runbooks that do not work are not modelled (except a backup that fails its restore).",
    "Designed figures: storage-class availability and durability are AWS design targets, not measured uptime; SLA credits are computed only for buckets.",
];

/// The assumptions section.
pub(super) fn section(out: &mut String, p: &Page<'_>) {
    open_section(out, "assumptions");
    let doc: Table = toml::from_str(p.text).unwrap_or_default();
    let mut used = Vec::new();
    let mut base = doc.clone();
    let variants = match base.remove("variants") {
        Some(Value::Table(t)) => t,
        _ => Table::new(),
    };
    presets_in(&base, true, &mut used);
    for (_, v) in &variants {
        if let Some(t) = v.as_table() {
            presets_in(t, false, &mut used);
        }
    }
    let _ = writeln!(out, "<h3>Preset figures used</h3>");
    if used.is_empty() {
        let _ = writeln!(out, "<p>None: every figure is written in the scenario (below).</p>");
    } else {
        let _ = writeln!(
            out,
            "<p class=\"note\">Quality: [P] primary (AWS), [S] secondary, [D] derived, <span class=\"estimate\">[U] unsourced estimate</span> — an assumption to replace with your own figure.</p><table><tr><th>preset</th><th>what</th><th>value</th><th>quality</th><th>source</th></tr>"
        );
        for u in &used {
            let q = if u.quality == "U" {
                "<span class=\"estimate\">[U] estimate</span>".to_owned()
            } else {
                format!("[{}]", esc(&u.quality))
            };
            let source = if u.source.starts_with("http") {
                let url = u.source.split_whitespace().next().unwrap_or("");
                let rest = &u.source[url.len()..];
                format!("<a href=\"{}\">{}</a>{}", esc(url), esc(url), esc(rest))
            } else {
                esc(&u.source)
            };
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td>{q}</td><td>{source}</td></tr>",
                esc(&u.key),
                esc(&u.what),
                esc(&u.value)
            );
        }
        let _ = writeln!(out, "</table>");
    }
    let _ = writeln!(out, "<h3>Values set in the scenario</h3>");
    let mut rows = Vec::new();
    flatten("", 0, &base, &mut rows);
    let _ = writeln!(out, "<table><tr><th>setting</th><th>value</th></tr>");
    for (k, v) in &rows {
        let _ = writeln!(out, "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>", esc(k), esc(v));
    }
    let _ = writeln!(out, "</table>");
    for (name, v) in &variants {
        let Some(t) = v.as_table() else { continue };
        let mut rows = Vec::new();
        flatten("", 0, t, &mut rows);
        let _ = writeln!(out, "<p>Variant <b>{}</b> changes:</p><table>", esc(name));
        for (k, v) in &rows {
            let _ = writeln!(out, "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>", esc(k), esc(v));
        }
        let _ = writeln!(out, "</table>");
    }
    let _ = writeln!(out, "<h3>What the model leaves out</h3><ul>");
    for l in LEFT_OUT {
        let _ = writeln!(out, "<li>{}</li>", esc(l));
    }
    let _ = writeln!(out, "</ul>");
    let _ = writeln!(
        out,
        "<details><summary>The scenario file, with its comments and sources</summary><pre>{}</pre></details>",
        esc(p.text)
    );
    let _ = writeln!(out, "</section>");
}
