//! An [`Inventory`] as a commented scenario skeleton.
//!
//! Every value says where it came from, in a comment on its line: the
//! resource address and attribute it was read from, or `ASSUMPTION:` with
//! the reason and, where the figure has one, its source URL (figures come
//! from the sourced presets). Resources left out are listed at the end.
//! What the input cannot say (how the parts depend on each other, how
//! often things fail) is assumed and marked, so the skeleton runs as it
//! is and every guess is visible.

mod compute;
mod data;

use super::inventory::*;
use compute::{cache, group, instance, load_balancers};
use data::{bucket, database};
use std::collections::HashSet;
use std::fmt::Write;
use std::path::Path;

/// RDS: single-AZ recovery "can vary from 10 minutes to hours".
const RDS_RECOVERY_SOURCE: &str =
    "https://aws.amazon.com/blogs/database/amazon-rds-under-the-hood-single-az-instance-recovery/";

/// RDS: transaction logs uploaded to S3 every five minutes.
const RDS_PITR_SOURCE: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html";

/// Aurora failover times.
const AURORA_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html";

/// The first URL of a preset's source text (sources may carry remarks).
fn url(source: &str) -> &str {
    source.split_whitespace().find(|w| w.starts_with("http")).unwrap_or(source).trim_end_matches([',', ';', ')'])
}

/// A TOML string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A TOML key: bare when it can be.
fn key(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        s.to_owned()
    } else {
        q(s)
    }
}

/// A comment for an origin.
fn note<T>(v: &Val<T>) -> String {
    origin_note(&v.origin)
}

fn origin_note(o: &Origin) -> String {
    match o {
        Origin::Input(at) => at.clone(),
        Origin::Assumed { why, source: Some(s) } => format!("ASSUMPTION: {why}: {s}"),
        Origin::Assumed { why, source: None } => format!("ASSUMPTION: {why}"),
    }
}

fn assumption(why: &str, source: Option<&str>) -> String {
    origin_note(&Origin::Assumed { why: why.to_owned(), source: source.map(str::to_owned) })
}

/// Scenario text under construction, and the names already taken.
struct Out {
    text: String,
    names: HashSet<String>,
    /// Every zone the scenario uses, with its origin, region's first.
    zones: Vec<Val<String>>,
    region: String,
    /// Extra regions (backup copies).
    other_regions: Vec<Val<String>>,
    /// Parts the service needs.
    members: Vec<String>,
    /// Remarks for the end.
    remarks: Vec<String>,
}

impl Out {
    fn line(&mut self, k: &str, value: &str, comment: &str) {
        let _ = writeln!(self.text, "{k} = {value}  # {comment}");
    }

    fn comment(&mut self, text: &str) {
        let _ = writeln!(self.text, "{}", format!("# {text}").trim_end());
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A name no component, group, bucket, store or service has yet.
    fn unique(&mut self, hint: &str) -> String {
        let mut name = hint.to_owned();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{hint}-{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    /// A list of zones, one per line with its origin.
    fn zone_list(&mut self, k: &str, zones: &[Val<String>]) {
        let _ = writeln!(self.text, "{k} = [");
        for z in zones {
            let _ = writeln!(self.text, "  {},  # {}", q(&z.value), note(z));
        }
        let _ = writeln!(self.text, "]");
    }

    /// `wanted` zones, completed to `n` distinct ones from the others the
    /// scenario knows (or an assumed one), each marked.
    fn spread(&mut self, wanted: &[Val<String>], n: usize, why: &str) -> Vec<Val<String>> {
        let mut out: Vec<Val<String>> = Vec::new();
        for z in wanted {
            if !out.iter().any(|o| o.value == z.value) {
                out.push(z.clone());
            }
        }
        out.truncate(n.max(1));
        let mut i = 0;
        while out.len() < n {
            let candidate = self.zones.iter().map(|z| z.value.clone()).find(|z| !out.iter().any(|o| &o.value == z));
            let zone = match candidate {
                Some(z) => z,
                None => {
                    let letters = "abcdefghijklmnopqrstuvwxyz";
                    let mut z;
                    loop {
                        z = format!("{}{}", self.region, letters.chars().nth(i % 26).unwrap_or('a'));
                        i += 1;
                        if !out.iter().any(|o| o.value == z) && !self.zones.iter().any(|o| o.value == z) {
                            break;
                        }
                    }
                    self.zones.push(Val::assumed(
                        z.clone(),
                        "a zone the input does not name, for the placement below",
                        None,
                    ));
                    z
                }
            };
            out.push(Val::assumed(zone, why.to_owned(), None));
        }
        out
    }
}

/// Writes the scenario for `inv`, read from `input`.
pub fn write(inv: &Inventory, input: &Path) -> String {
    let region = inv.region.clone().unwrap_or_else(|| {
        Val::assumed("us-east-1".to_owned(), "the input names no region: us-east-1, where the price presets are", None)
    });
    let mut out = Out {
        text: String::new(),
        names: HashSet::new(),
        zones: inv.zones.clone(),
        region: region.value.clone(),
        other_regions: Vec::new(),
        members: Vec::new(),
        remarks: inv.notes.clone(),
    };
    let file_name = input.file_name().map_or_else(|| input.display().to_string(), |n| n.to_string_lossy().into_owned());
    let stem = input.file_stem().map_or("imported".to_owned(), |s| kebab(&s.to_string_lossy()));
    // The body first (it decides which zones and regions are needed), then
    // the header and topology in front of it.
    body_sections(inv, &mut out);
    let body = std::mem::take(&mut out.text);

    header(&mut out, inv, &file_name);
    let _ = writeln!(out.text, "[scenario]");
    out.line("name", &q(&stem), "the input file's name");
    out.line("description", &q(&format!("imported from {file_name}")), &inv.format);
    out.blank();
    out.comment("How long and how often to simulate: choices, not figures; change them freely.");
    let _ = writeln!(out.text, "[simulation]\nhorizon = \"1y\"\ntrials = 10000\nseed = 1\n");
    out.comment("No targets in the input: add slo = \"99.9%\", rto, rpo or downtime_cost_per_hour to [targets].");
    out.blank();
    let _ = writeln!(out.text, "[regions.{}]  # {}", key(&region.value), note(&region));
    let zones = out.zones.clone();
    out.zone_list("zones", &zones);
    out.line(
        "zone_outage",
        "{ rate = \"0.2/y\", duration = { type = \"lognormal\", median = \"3h\", p90 = \"10h\" } }",
        &assumption(
            "unsourced estimate: AWS publishes no per-zone outage rate; 0.2 a zone-year lasting a median 3 h (p90 10 h) \
             is the estimate of the bundled lab scenario, from the few single-zone events AWS summarised in 2011-2021 \
             (e.g. https://aws.amazon.com/message/65648/): replace it with your own",
            None,
        ),
    );
    for r in out.other_regions.clone() {
        out.blank();
        let _ = writeln!(out.text, "[regions.{}]  # {}", key(&r.value), note(&r));
        out.line("zones", "[]", "only backup copies live there: no zone is needed");
    }
    out.blank();
    out.text.push_str(&body);

    // Structure.
    let service = out.unique("service");
    let members: Vec<String> = out.members.iter().map(|m| q(m)).collect();
    out.comment(
        "ASSUMPTION: the service needs every part found, in series (the input does not say how the parts depend on",
    );
    out.comment("each other): edit up_when, e.g. { any = [...] } for parts that stand in for each other.");
    let _ = writeln!(out.text, "[services.{service}]\nup_when = {{ all = [{}] }}\n", members.join(", "));
    footer(&mut out, inv);
    out.text
}

fn header(out: &mut Out, inv: &Inventory, file_name: &str) {
    out.comment(&format!("Imported by `nines import` from {file_name}: {}.", inv.format));
    out.comment("");
    out.comment("A skeleton to check and complete, not a finished model. On each line, the comment says");
    out.comment("where the value came from:");
    out.comment("  - a resource address and attribute: read from the input (→ follows a link between resources);");
    out.comment("  - ASSUMPTION: not in the input. nines assumed it, with the source of the figure where one exists");
    out.comment("    (`nines presets` lists every sourced preset). Replace assumptions with your own figures.");
    out.comment("Resources left out are listed at the end. Check it with `nines check`, run it with `nines run`.");
    out.blank();
}

fn footer(out: &mut Out, inv: &Inventory) {
    if !inv.skipped.is_empty() {
        out.comment("Not modelled: resources nines did not understand (left out of the scenario):");
        for s in &inv.skipped {
            out.comment(&format!("  {} ({}): {}", s.address, s.kind, s.why));
        }
        out.blank();
    }
    if !inv.links.is_empty() {
        out.comment("Read only to connect or place the resources above:");
        for s in &inv.links {
            out.comment(&format!("  {} ({}): {}", s.address, s.kind, s.why));
        }
        out.blank();
    }
    if !out.remarks.is_empty() {
        out.comment("Notes:");
        for r in out.remarks.clone() {
            out.comment(&format!("  {r}"));
        }
        out.blank();
    }
    while out.text.ends_with("\n\n") {
        out.text.pop();
    }
}

/// Load balancers, groups, components, buckets and stores.
fn body_sections(inv: &Inventory, out: &mut Out) {
    let lb_names = load_balancers(inv, out);
    for g in &inv.groups {
        group(g, &lb_names, inv, out);
    }
    for i in &inv.instances {
        instance(i, out);
    }
    for (di, d) in inv.databases.iter().enumerate() {
        database(di, d, inv, out);
    }
    for c in &inv.caches {
        cache(c, out);
    }
    for b in &inv.buckets {
        bucket(b, out);
    }
    for p in &inv.backup_plans {
        if p.targets.is_empty() {
            out.remarks.push(format!(
                "{} ({}): no backup selection names a database nines modelled, so its rules are not applied",
                p.id.address, p.id.kind
            ));
        }
    }
}
