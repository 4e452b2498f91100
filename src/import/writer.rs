//! An [`Inventory`] as a commented scenario skeleton.
//!
//! Every value says where it came from, in a comment on its line: the
//! resource address and attribute it was read from, or `ASSUMPTION:` with
//! the reason and, where the figure has one, its source URL (figures come
//! from the sourced presets). Resources left out are listed at the end.
//! What the input cannot say (how the parts depend on each other, how
//! often things fail) is assumed and marked, so the skeleton runs as it
//! is and every guess is visible.

use super::inventory::*;
use super::schedule::{self, Schedule};
use crate::presets::{aws, storage};
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
    let mut body = Out { text: String::new(), ..out_clone(&out) };
    body_sections(inv, &mut body);
    out.zones = body.zones.clone();
    out.other_regions = body.other_regions.clone();
    out.remarks = body.remarks.clone();

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
    out.text.push_str(&body.text);

    // Structure.
    let service = body.unique("service");
    let members: Vec<String> = body.members.iter().map(|m| q(m)).collect();
    out.comment(
        "ASSUMPTION: the service needs every part found, in series (the input does not say how the parts depend on",
    );
    out.comment("each other): edit up_when, e.g. { any = [...] } for parts that stand in for each other.");
    let _ = writeln!(out.text, "[services.{service}]\nup_when = {{ all = [{}] }}\n", members.join(", "));
    footer(&mut out, inv);
    out.text
}

fn out_clone(o: &Out) -> Out {
    Out {
        text: String::new(),
        names: o.names.clone(),
        zones: o.zones.clone(),
        region: o.region.clone(),
        other_regions: o.other_regions.clone(),
        members: Vec::new(),
        remarks: o.remarks.clone(),
    }
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

fn load_balancers(inv: &Inventory, out: &mut Out) -> Vec<String> {
    let mut names = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for lb in &inv.load_balancers {
        let mut name = lb.id.name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{}-{n}", lb.id.name);
            n += 1;
        }
        taken.insert(name.clone());
        let _ = writeln!(
            out.text,
            "[load_balancers.{name}]  # {} ({}), health check of {}",
            lb.id.address, lb.id.kind, lb.health.target_group
        );
        let price = &aws::LOAD_BALANCER[0];
        let priced =
            format!("price preset {} ${}/h [{}]: {}", price.key, price.value, price.quality, url(price.source));
        if lb.kind.value == "application" {
            out.line("type", "\"alb\"", &format!("{}; {priced}", note(&lb.kind)));
        } else {
            out.comment(&format!(
                "{} load balancer ({}): {}",
                lb.kind.value,
                note(&lb.kind),
                assumption("nines has presets for Application Load Balancers only; priced and timed as one", None)
            ));
        }
        let interval = &aws::LOAD_BALANCER[1];
        match &lb.health.interval_s {
            Some(v) => out.line("interval", &q(&format!("{}s", v.value)), &note(v)),
            None => out.line(
                "interval",
                &q(&format!("{}s", interval.value)),
                &assumption(&format!("{} not in the input: AWS's default", interval.what), Some(url(interval.source))),
            ),
        }
        let threshold = &aws::LOAD_BALANCER[2];
        match &lb.health.unhealthy_threshold {
            Some(v) => out.line("unhealthy_threshold", &v.value.to_string(), &note(v)),
            None => out.line(
                "unhealthy_threshold",
                &format!("{}", threshold.value),
                &assumption(
                    &format!("{} not in the input: AWS's default", threshold.what),
                    Some(url(threshold.source)),
                ),
            ),
        }
        out.comment(&format!("linked: {}", lb.via));
        out.blank();
        names.push(name);
    }
    names
}

/// The instance-failure assumption.
fn mttf(out: &mut Out) {
    let p = aws::AUTO_SCALING.iter().find(|p| p.key == "node.mttf").expect("preset node.mttf");
    out.line(
        "mttf",
        &q(&format!("{}mo", p.value)),
        &assumption(
            "AWS publishes no EC2 failure rate; preset node.mttf, the server MTTF Google measured (Ford et al., OSDI 2010)",
            Some(url(p.source)),
        ),
    );
}

/// `instance_type = ...` when a price preset exists, else a comment.
fn instance_type(out: &mut Out, t: &Option<Val<String>>) {
    match t {
        Some(v) => match aws::instance_price(&v.value) {
            Some(p) => out.line(
                "instance_type",
                &q(&v.value),
                &format!("{}; price preset ${}/h [{}]: {}", note(v), p.value, p.quality, url(p.source)),
            ),
            None => out.comment(&format!(
                "instance type {} ({}) has no price preset in nines: set hourly_usd to price it",
                v.value,
                note(v)
            )),
        },
        None => out.comment("instance type: not in the input (no price): set instance_type or hourly_usd"),
    }
}

fn group(g: &Group, lb_names: &[String], inv: &Inventory, out: &mut Out) {
    if g.desired.value < 1 || g.max.value < 1 {
        out.remarks.push(format!(
            "{} runs no instances (desired {}, max {}): left out",
            g.id.address, g.desired.value, g.max.value
        ));
        return;
    }
    let name = out.unique(&g.id.name);
    let _ = writeln!(out.text, "[groups.{name}]  # {} ({})", g.id.address, g.id.kind);
    instance_type(out, &g.instance_type);
    out.line("desired", &g.desired.value.to_string(), &note(&g.desired));
    out.line("max", &g.max.value.max(g.desired.value).to_string(), &note(&g.max));
    if let Some(min) = &g.min {
        out.comment(&format!(
            "min_size {} ({}): not modelled; the group keeps `desired` running",
            min.value,
            note(min)
        ));
    }
    out.line(
        "min_healthy",
        "1",
        &assumption("one healthy instance carries the load (the input does not say what the load needs)", None),
    );
    let zones = if g.zones.is_empty() {
        out.spread(&[], 1, "the group's subnets are not known from the input")
    } else {
        g.zones.clone()
    };
    out.zone_list("zones", &zones);
    if let Some(spot) = &g.spot {
        if spot.value {
            out.line(
                "spot",
                "\"5-10%\"",
                &format!(
                    "{}; {}",
                    note(spot),
                    assumption(
                        "the interruption band of your type and zones is on the Spot Instance Advisor; 5-10% is an example",
                        Some(url(aws::SPOT_BANDS_SOURCE))
                    )
                ),
            );
        }
    }
    if let Some(li) = g.load_balancer {
        let lb = &inv.load_balancers[li];
        out.line("load_balancer", &q(&lb_names[li]), &format!("{}: {}", g.id.address, lb.via));
        let hc = &lb.health;
        if let (Some(h), Some(i)) = (&hc.healthy_threshold, &hc.interval_s) {
            out.line(
                "warmup",
                &q(&format!("{}s", h.value * i.value)),
                &format!(
                    "healthy threshold × interval, until the load balancer admits a new instance: {} × {}",
                    note(h),
                    note(i)
                ),
            );
        }
    }
    mttf(out);
    out.blank();
    out.members.push(name);
}

fn instance(i: &Instance, out: &mut Out) {
    let name = out.unique(&i.id.name);
    let _ = writeln!(out.text, "[components.{name}]  # {} ({})", i.id.address, i.id.kind);
    instance_type(out, &i.instance_type);
    match &i.zone {
        Some(z) => out.line("zone", &q(&z.value), &note(z)),
        None => {
            let z = out.spread(&[], 1, "the instance's zone is not known from the input").remove(0);
            out.line("zone", &q(&z.value), &note(&z));
        }
    }
    mttf(out);
    out.line(
        "repair",
        "{ type = \"lognormal\", median = \"30m\", p90 = \"3h\" }",
        &assumption("unsourced estimate of the time to replace a failed instance by hand (no AWS figure)", None),
    );
    out.blank();
    out.members.push(name);
}

/// Failover preset and instance count of a database.
fn db_shape(d: &Database) -> (i64, Option<&'static str>, String) {
    match &d.kind {
        DbKind::Instance if d.multi_az.value => {
            (2, Some("rds-multi-az"), format!("{} (a primary and a standby)", note(&d.multi_az)))
        }
        DbKind::Instance => (1, None, note(&d.multi_az)),
        DbKind::MultiAzCluster => {
            (3, Some("rds-multi-az-cluster"), format!("{} (a writer and two readable standbys)", note(&d.multi_az)))
        }
        DbKind::Aurora { instances } if instances.value > 1 => {
            (instances.value, Some("aurora-replica"), format!("{} (a writer and replicas)", note(instances)))
        }
        DbKind::Aurora { instances } => (1, None, format!("{} (no replica)", note(instances))),
    }
}

fn database(di: usize, d: &Database, inv: &Inventory, out: &mut Out) {
    let name = out.unique(&d.id.name);
    let (count, failover, count_note) = db_shape(d);
    let engine = d.engine.as_ref().map_or(String::new(), |e| format!(", engine {}", e.value));
    let _ = writeln!(out.text, "[components.{name}]  # the database hosts of {} ({}{engine})", d.id.address, d.id.kind);
    instance_type(out, &d.class);
    let zones = out.spread(
        &d.zones,
        count as usize,
        "AWS places the instances in zones of the subnet group it chooses; taken from the zones the input names",
    );
    if count > 1 {
        out.line("count", &count.to_string(), &count_note);
        out.zone_list("zones", &zones);
    } else {
        out.line("zone", &q(&zones[0].value), &note(&zones[0]));
    }
    if let Some(preset) = failover {
        let (lo, hi, source) = aws::failover(preset).expect("failover preset");
        out.line("failover", &q(preset), &format!("{count_note} → preset {preset}, {lo}-{hi} s: {}", url(source)));
    }
    mttf(out);
    match &d.kind {
        DbKind::Aurora { instances } if instances.value <= 1 => out.line(
            "repair",
            "{ type = \"uniform\", min = \"0s\", max = \"10m\" }",
            &format!("Aurora without a replica recreates the primary, typically in under 10 minutes: {AURORA_SOURCE}"),
        ),
        _ => out.line(
            "repair",
            "{ type = \"lognormal\", median = \"30m\", p90 = \"3h\" }",
            &assumption(
                "replacing a failed DB host; AWS says recovery of a single-AZ instance takes \"10 minutes to hours\"",
                Some(RDS_RECOVERY_SOURCE),
            ),
        ),
    }
    out.blank();
    out.members.push(name.clone());
    store(di, d, &name, &zones, inv, out);
}

/// Where a backup plan's recovery points live (another region for a copy)
/// and how many days they are kept.
type Copy<'a> = (Option<&'a Val<String>>, Option<&'a Val<i64>>);

/// The data of a database: a store with its replicas and backups.
fn store(di: usize, d: &Database, host: &str, zones: &[Val<String>], inv: &Inventory, out: &mut Out) {
    let name = out.unique(&format!("{host}-data"));
    let _ = writeln!(out.text, "[stores.{name}]  # the data of {} ({})", d.id.address, d.id.kind);
    match &d.storage_gib {
        Some(s) => out.line("size", &q(&format!("{}GiB", s.value)), &format!("{} (GiB)", note(s))),
        None => out.line(
            "size",
            "\"100GB\"",
            &assumption("the input does not say how much data there is; restores take size ÷ throughput", None),
        ),
    }
    out.line("zone", &q(&zones[0].value), &format!("the primary's zone, as above: {}", note(&zones[0])));
    let aurora = matches!(d.kind, DbKind::Aurora { .. });
    if aurora {
        out.comment("no `loss`: Aurora keeps six copies of the data over three zones; add one if you have a figure");
    } else {
        let io2 = d.storage_type.as_ref().is_some_and(|t| t.value == "io2");
        let p = aws::EBS.iter().find(|p| p.key == if io2 { "ebs.io2" } else { "ebs.gp3" }).expect("EBS preset");
        let on = d.storage_type.as_ref().map_or("storage type not in the input".to_owned(), |t| {
            format!("storage_type {} from {}", t.value, note(t))
        });
        out.line(
            "loss",
            &format!("{{ afr = \"{}%\" }}", p.value),
            &assumption(
                &format!("RDS stores the data on EBS ({on}); preset {}: {}", p.key, p.what),
                Some(url(p.source)),
            ),
        );
    }
    let retention = &d.backup_retention_days;
    let automated = retention.value > 0 && !aurora;
    let plan_rules: Vec<(&BackupPlan, &BackupRule, &String)> = inv
        .backup_plans
        .iter()
        .flat_map(|p| {
            p.targets
                .iter()
                .filter(|(t, _)| *t == di)
                .flat_map(move |(_, sel)| p.rules.iter().map(move |r| (p, r, sel)))
        })
        .collect();
    if automated || aurora && retention.value > 0 {
        out.line(
            "logs",
            &format!("{{ every = \"5m\", retention = \"{}d\" }}", retention.value),
            &format!(
                "RDS uploads transaction logs to S3 every five minutes ({RDS_PITR_SOURCE}); kept {}",
                note(retention)
            ),
        );
    }
    if automated || !plan_rules.is_empty() || aurora && retention.value > 0 {
        out.blank();
        let _ = writeln!(out.text, "[stores.{name}.recovery]");
        if let Some(preset) = db_shape(d).1 {
            let (lo, hi, source) = aws::failover(preset).expect("failover preset");
            out.line(
                "failover",
                &format!("{{ type = \"uniform\", min = \"{lo}s\", max = \"{hi}s\" }}"),
                &format!("promoting the standby, {} → preset {preset}: {}", db_shape(d).2, url(source)),
            );
        }
        out.line(
            "restore_throughput",
            "\"100GB/h\"",
            &assumption("unsourced estimate of restore speed (AWS publishes none): measure your own restores", None),
        );
    }
    // Replicas: the synchronous standbys.
    if d.multi_az.value && !aurora {
        for z in zones.iter().skip(1) {
            out.blank();
            let _ = writeln!(
                out.text,
                "[[stores.{name}.replicas]]  # {}: synchronous standby",
                origin_note(&d.multi_az.origin)
            );
            out.line("zone", &q(&z.value), &note(z));
            out.line("mode", "\"sync\"", &format!("{}: Multi-AZ replicates synchronously", note(&d.multi_az)));
        }
    }
    if automated || aurora && retention.value > 0 {
        out.blank();
        let _ = writeln!(out.text, "[[stores.{name}.backups]]  # automated daily snapshot of {}", d.id.address);
        match &d.backup_window {
            Some(w) => match schedule::window_start(&w.value) {
                Ok(at) => out.line("at", &q(&at), &format!("{} {:?}: its start (UTC)", note(w), w.value)),
                Err(e) => {
                    out.remarks.push(format!("{}: {e}", note(w)));
                    out.line(
                        "every",
                        "\"24h\"",
                        &assumption("the backup window could not be read: daily from the trial's start", None),
                    );
                }
            },
            None => out.line(
                "every",
                "\"24h\"",
                &assumption("no backup window in the input (RDS picks one): daily from the trial's start", None),
            ),
        }
        out.line("retention", &q(&format!("{}d", retention.value)), &note(retention));
    } else if retention.value == 0 {
        out.comment(&format!("no automated backups: {} is 0", note(retention)));
    }
    for (p, r, sel) in plan_rules {
        // The backup in the plan's vault, then each copy: (region, days kept).
        let copies: Vec<Copy<'_>> = std::iter::once((None, r.retention_days.as_ref()))
            .chain(r.copies.iter().map(|c| (Some(&c.region), c.retention_days.as_ref())))
            .collect();
        for (dest, keep) in copies {
            out.blank();
            let what = match dest {
                None => format!("{} rule {:?} (selected by {sel})", p.id.address, r.name),
                Some(region) => format!("{} rule {:?}: its copy to {}", p.id.address, r.name, region.value),
            };
            let _ = writeln!(out.text, "[[stores.{name}.backups]]  # {what}");
            match schedule::cron(&r.schedule.value) {
                Ok(Schedule::Daily(at)) => out.line("at", &q(&at), &note(&r.schedule)),
                Ok(Schedule::Every { every, offset, note: approx }) => {
                    let approx = approx.map_or(String::new(), |a| format!("; {a}"));
                    out.line("every", &q(&format!("{every}h")), &format!("{}{approx}", note(&r.schedule)));
                    out.line("offset", &q(&format!("{}m", (offset * 60.0).round())), &note(&r.schedule));
                }
                Err(e) => out.remarks.push(format!("{}: {e}", note(&r.schedule))),
            }
            match keep {
                Some(k) => out.line("retention", &q(&format!("{}d", k.value)), &note(k)),
                None => out.comment("no retention in the input: kept forever"),
            }
            if let Some(region) = dest {
                if region.value != out.region && !out.other_regions.iter().any(|o| o.value == region.value) {
                    out.other_regions.push(region.clone());
                }
                out.line("destination", &q(&region.value), &note(region));
                out.comment("the copy's own transfer time is not modelled: it counts from the backup's start");
            }
        }
    }
    out.blank();
    out.members.push(name);
}

fn cache(c: &Cache, out: &mut Out) {
    let name = out.unique(&c.id.name);
    let _ = writeln!(out.text, "[components.{name}]  # {} ({})", c.id.address, c.id.kind);
    match &c.node_type {
        Some(t) => out.comment(&format!(
            "node type {} ({}): no price preset in nines; set hourly_usd to price it",
            t.value,
            note(t)
        )),
        None => out.comment("node type: not in the input"),
    }
    let n = c.nodes.value.max(1);
    let failover = c.automatic_failover.value && n > 1;
    let zones = out.spread(
        &c.zones,
        if failover { 2 } else { 1 },
        "node zones are not in the input: taken from the zones it names",
    );
    if n > 1 || failover {
        out.line("count", &n.to_string(), &note(&c.nodes));
        out.zone_list("zones", &zones);
    } else {
        out.line("zone", &q(&zones[0].value), &note(&zones[0]));
    }
    if failover {
        out.line(
            "failover",
            "\"1m\"",
            &format!(
                "{}; {}",
                note(&c.automatic_failover),
                assumption("unsourced estimate of promoting a replica (no sourced ElastiCache figure in nines)", None)
            ),
        );
    } else {
        out.comment(&format!(
            "no automatic failover ({}): a failed primary is down until repaired",
            note(&c.automatic_failover)
        ));
    }
    mttf(out);
    out.line(
        "repair",
        "{ type = \"lognormal\", median = \"30m\", p90 = \"3h\" }",
        &assumption("unsourced estimate of the time to replace a failed node", None),
    );
    out.blank();
    out.members.push(name);
}

fn bucket(b: &Bucket, out: &mut Out) {
    let name = out.unique(&b.id.name);
    let _ = writeln!(out.text, "[buckets.{name}]  # {} ({})", b.id.address, b.id.kind);
    let class = match storage::find(&b.class.value) {
        Some(c) => c,
        None => {
            out.remarks.push(format!(
                "{}: storage class {} has no preset; STANDARD used",
                note(&b.class),
                b.class.value
            ));
            storage::find("standard").expect("standard class")
        }
    };
    let when = match &b.transition_days {
        Some(d) => format!(" = {} from day {} on ({}), STANDARD before", b.class.value, d.value, note(d)),
        None => String::new(),
    };
    out.line(
        "class",
        &q(&class.key.replace('_', "-")),
        &format!("{}{when}; figures: `nines presets storage`", note(&b.class)),
    );
    out.line(
        "size",
        "\"1TB\"",
        &assumption("the input does not say how much is stored; set your own (it sets the storage bill)", None),
    );
    if class.single_az() {
        let z = out
            .spread(
                &[],
                1,
                &format!("{} keeps the data in one zone, which S3 chooses: taken as the first zone", class.name),
            )
            .remove(0);
        out.line("zone", &q(&z.value), &note(&z));
    } else {
        let region = b.region.clone().unwrap_or_else(|| {
            Val::assumed(out.region.clone(), "the bucket stands in the region of the other resources", None)
        });
        if region.value != out.region && !out.other_regions.iter().any(|o| o.value == region.value) {
            out.other_regions.push(region.clone());
        }
        out.line("region", &q(&region.value), &note(&region));
    }
    out.blank();
    out.members.push(name);
}
