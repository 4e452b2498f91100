//! `nines check`: the compiled model as text, so a user can see what nines
//! understood — placements, the structure tree, every distribution and its
//! mean — before spending time on a run.

use crate::model::{BackupDuration, Model, NONE, Node, OutageProcess, Place, Retention, Role, Store};
use crate::scenario::Scenario;
use crate::units::format_duration;
use std::fmt::Write;

/// Children listed per gate before the rest are summarised.
const MAX_LISTED: usize = 12;

fn outage(m: &Model, o: &OutageProcess) -> String {
    let destroy = if o.destroy_p > 0.0 {
        format!("; {}% of outages destroy its data", o.destroy_p * 100.0)
    } else {
        String::new()
    };
    format!("between outages {}; lasting {}{destroy}", m.dists[o.between as usize], m.dists[o.duration as usize])
}

/// A unit as `web#2 @use1-az1` (no `#` when the component has one replica).
pub(crate) fn unit_name(m: &Model, u: u32) -> String {
    m.unit_name(u)
}

/// Structure levels shown by indentation; deeper levels keep this indent
/// and print their level, so a chain of thousands of services prints one
/// short line each instead of lines as wide as the chain is deep.
const MAX_INDENT: usize = 24;

/// The indentation of a tree line `depth` levels under the service.
fn indent(depth: usize) -> String {
    if depth <= MAX_INDENT {
        "  ".repeat(depth + 2)
    } else {
        format!("{}(level {depth}) ", "  ".repeat(MAX_INDENT + 2))
    }
}

/// One line still to print in the structure tree.
enum Line {
    /// A member at a depth.
    Member(Node, usize),
    /// "… and N more" under a gate at a depth.
    More(usize, usize),
}

/// The structure tree under `node`. Walked with its own stack (a chain of
/// services can be far deeper than the call stack allows). A service used
/// in several places is spelled out the first time and named after that:
/// a shared structure would otherwise print once per path to it, which
/// grows exponentially with the depth of the sharing.
fn tree(m: &Model, node: Node, out: &mut String) {
    let mut shown = vec![false; m.gates.len()];
    let mut todo = vec![Line::Member(node, 0)];
    while let Some(line) = todo.pop() {
        let (node, depth) = match line {
            Line::Member(node, depth) => (node, depth),
            Line::More(depth, n) => {
                let _ = writeln!(out, "{}  … and {n} more", indent(depth));
                continue;
            }
        };
        let pad = indent(depth);
        match node {
            Node::Unit(u) => {
                if let Role::Standby(p) = m.units[u as usize].role {
                    let pair = &m.standbys[p as usize];
                    let members: Vec<String> = pair.members.iter().map(|&x| unit_name(m, x)).collect();
                    let _ = writeln!(
                        out,
                        "{pad}{}: active/passive over {}, failover {}{}",
                        pair.name,
                        members.join(", "),
                        m.dists[pair.failover as usize],
                        if pair.needs_control_plane { " (needs the target region's control plane)" } else { "" }
                    );
                } else {
                    let _ = writeln!(out, "{pad}{}", unit_name(m, u));
                }
            }
            Node::Gate(g) if m.groups.iter().any(|x| x.gate == g) => {
                let group = m.groups.iter().find(|x| x.gate == g).expect("found");
                let zones: Vec<&str> = group.zones.iter().map(|&z| m.zones[z as usize].name.as_str()).collect();
                let _ = writeln!(
                    out,
                    "{pad}{}: auto-scaling group, {} instances (max {}) over {}, up while at least {} healthy",
                    group.name,
                    group.desired,
                    group.max,
                    zones.join(", "),
                    group.min_healthy
                );
            }
            Node::Gate(g) if shown[g as usize] => {
                let _ = writeln!(out, "{pad}{}: as above", m.gates[g as usize].label);
            }
            Node::Gate(g) => {
                shown[g as usize] = true;
                let gate = &m.gates[g as usize];
                let n = gate.children.len();
                let rule = match gate.k as usize {
                    k if k == n => "all of".to_owned(),
                    1 => "any of".to_owned(),
                    k => format!("at least {k} of"),
                };
                let label = if gate.label.contains(" of ") { String::new() } else { format!("{}: ", gate.label) };
                let _ = writeln!(out, "{pad}{label}{rule} {n}");
                if n > MAX_LISTED {
                    todo.push(Line::More(depth, n - MAX_LISTED));
                }
                for &c in gate.children.iter().take(MAX_LISTED).rev() {
                    todo.push(Line::Member(c, depth + 1));
                }
            }
        }
    }
}

fn place_name(m: &Model, p: Place) -> String {
    if p.zone != NONE {
        m.zones[p.zone as usize].name.clone()
    } else if p.region != NONE {
        m.regions[p.region as usize].name.clone()
    } else {
        "no zone or region".into()
    }
}

/// "t3.micro at $0.0104/h each, $15.18 a month for 2", when priced by the hour.
fn priced(c: &crate::model::Component, count: u32) -> Option<String> {
    let what = c.instance_type.as_deref().unwrap_or("instance");
    let hourly = c.hourly_usd?;
    Some(format!(
        "{what} at ${}/h each, ${:.2} a month for {count}",
        hourly,
        hourly * crate::units::HOURS_PER_MONTH * f64::from(count)
    ))
}

/// Where a store's copies live: a bucket (and where it stands), or a place.
fn copies_name(m: &Model, place: Place, bucket: u32) -> String {
    if bucket == NONE {
        place_name(m, place)
    } else {
        let b = &m.buckets[bucket as usize];
        format!("bucket {} ({}, {})", b.name, b.class.name, place_name(m, place))
    }
}

fn store(m: &Model, st: &Store, out: &mut String) {
    let d = |i: u32| m.dists[i as usize].to_string();
    let per_year = |r: f64| format!("{:.3}/y", r * crate::units::HOURS_PER_YEAR);
    let _ = writeln!(
        out,
        "    store {}: {}, writes {}/h, primary copy in {}",
        st.name,
        crate::units::format_bytes(st.size_bytes),
        crate::units::format_bytes(st.change_rate),
        place_name(m, st.place)
    );
    if st.loss_rate > 0.0 {
        let _ = writeln!(out, "      physical loss: {}", per_year(st.loss_rate));
    }
    if st.corruption_rate > 0.0 {
        let _ = writeln!(
            out,
            "      corruption: {}, noticed after {}",
            per_year(st.corruption_rate),
            d(st.corruption_detection)
        );
    }
    for r in &st.replicas {
        let mode = r.lag.map_or("sync".to_owned(), |l| format!("async, lag {}", d(l)));
        let _ = writeln!(out, "      replica in {} ({mode})", place_name(m, r.place));
    }
    for b in &st.backups {
        let took = match b.duration {
            BackupDuration::Hours(h) => format_duration(h),
            BackupDuration::Dist(i) => d(i),
        };
        let kept = match b.retention {
            Retention::Age(h) => format!("kept {}", format_duration(h)),
            Retention::Count(n) => format!("newest {n} kept"),
            Retention::Forever => "kept for ever".into(),
        };
        let _ = writeln!(
            out,
            "      backup {}, takes {took}, succeeds {}%{}, {kept}, stored in {}",
            if b.every == 24.0 && b.offset < 24.0 {
                let minutes = (b.offset * 60.0).floor() as u32;
                format!("daily at {:02}:{:02}", minutes / 60, minutes % 60)
            } else {
                format!("every {} from {}", format_duration(b.every), format_duration(b.offset))
            },
            b.success * 100.0,
            if b.verify { " (verified)" } else { " (not verified)" },
            copies_name(m, b.destination, b.bucket)
        );
    }
    if let Some(l) = &st.logs {
        let _ = writeln!(
            out,
            "      logs shipped every {}, kept {}, stored in {}",
            format_duration(l.every),
            format_duration(l.retention),
            copies_name(m, l.destination, l.bucket)
        );
    }
    // Without backups or logs nothing is ever restored (the throughput is
    // left infinite): say so rather than print "inf".
    let restore = if st.throughput.is_finite() && st.cross_region_throughput.is_finite() {
        format!(
            "restore {} + size at {}/h ({}/h across regions)",
            d(st.restore_overhead),
            crate::units::format_bytes(st.throughput),
            crate::units::format_bytes(st.cross_region_throughput)
        )
    } else {
        "no restore (no backups or logs)".to_owned()
    };
    let _ = writeln!(
        out,
        "      recovery: detection {}; decision {}; failover {}; {restore}; validation {}",
        d(st.detection),
        d(st.decision),
        d(st.failover),
        d(st.validation)
    );
}

/// Describes one compiled variant.
pub fn describe(m: &Model) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "variant {:?}{}", m.variant, m.description.as_ref().map_or(String::new(), |d| format!(": {d}")));
    for note in &m.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    if !m.uncertain.is_empty() {
        let _ =
            writeln!(out, "  uncertain inputs (run at their central value; `nines run --uncertainty N` draws them):");
        for u in &m.uncertain {
            let _ = writeln!(out, "    {}: {} from {} to {}, central {}", u.path, u.law, u.low, u.high, u.central);
        }
    }
    let _ = writeln!(
        out,
        "  horizon {}, {} trials, seed {}, SLO {}",
        format_duration(m.horizon),
        m.trials,
        m.seed,
        m.slo.map_or("none".into(), |s| format!("{}%", s * 100.0))
    );
    if !m.regions.is_empty() {
        let _ = writeln!(out, "  regions:");
        for r in &m.regions {
            let zones: Vec<&str> = r.zones.iter().map(|&z| m.zones[z as usize].name.as_str()).collect();
            let _ = writeln!(out, "    {}: zones {}", r.name, zones.join(", "));
            if let Some(o) = &r.outage {
                let _ = writeln!(out, "      region outages: {}", outage(m, o));
            }
            if let Some(o) = &r.control_plane {
                let _ = writeln!(
                    out,
                    "      control-plane impairments (launches and control-plane failovers wait): between {}; lasting {}",
                    m.dists[o.between as usize], m.dists[o.duration as usize]
                );
            }
            for &z in &r.zones {
                let zone = &m.zones[z as usize];
                if let Some(o) = &zone.outage {
                    let _ = writeln!(out, "      zone {} outages: {}", zone.name, outage(m, o));
                }
            }
        }
    }
    let _ = writeln!(out, "  components, groups, buckets and stores:");
    for group in &m.groups {
        let c = &m.components[group.component as usize];
        let d = |i: u32| m.dists[i as usize].to_string();
        let zones: Vec<&str> = group.zones.iter().map(|&z| m.zones[z as usize].name.as_str()).collect();
        let _ = writeln!(
            out,
            "    {} group: {} desired, max {}, needs {} healthy, zones {}",
            group.name,
            group.desired,
            group.max,
            group.min_healthy,
            zones.join(", ")
        );
        if let Some(p) = priced(c, group.desired) {
            let _ = writeln!(out, "      instances: {p}");
        }
        let _ = writeln!(out, "      instance time to failure: {}", d(c.failure));
        let _ = writeln!(
            out,
            "      detection {}, launch {}, warm-up {}",
            format_duration(group.detection),
            d(group.launch),
            d(group.warmup)
        );
        if group.spot_rate > 0.0 {
            let _ = writeln!(
                out,
                "      Spot: {:.2} interruptions per instance-year, notice {}",
                group.spot_rate * crate::units::HOURS_PER_YEAR,
                format_duration(group.spot_notice)
            );
        }
    }
    let special = |name: &str| {
        m.groups.iter().any(|g| m.components[g.component as usize].name == name)
            || m.buckets.iter().any(|b| b.name == name)
            || m.stores.iter().any(|st| st.name == name)
    };
    for b in &m.buckets {
        let unit = &m.units[b.unit as usize];
        let c = &m.components[unit.component as usize];
        let _ = writeln!(
            out,
            "    bucket {}: {}, {} ({} objects) in {}",
            b.name,
            b.class.name,
            crate::units::format_bytes(b.size_bytes),
            b.objects,
            place_name(m, Place { zone: unit.zone, region: unit.region })
        );
        let _ = writeln!(
            out,
            "      own outages calibrated to {}%: up {}, down {}",
            b.availability * 100.0,
            m.dists[c.failure as usize],
            m.dists[c.repair as usize]
        );
    }
    for st in &m.stores {
        store(m, st, &mut out);
    }
    for c in m.components.iter().filter(|c| !special(&c.name)) {
        let units = c.first_unit..c.first_unit + c.count;
        let places: Vec<String> = units
            .map(|u| {
                let unit = &m.units[u as usize];
                if unit.zone != NONE {
                    m.zones[unit.zone as usize].name.clone()
                } else if unit.region != NONE {
                    m.regions[unit.region as usize].name.clone()
                } else {
                    String::new()
                }
            })
            .collect();
        let mut uniq = places.clone();
        uniq.dedup();
        let placed = if uniq.len() == 1 && uniq[0].is_empty() {
            ", not placed in a zone or region (only its own failures reach it)".to_owned()
        } else if uniq.len() == 1 {
            format!(" in {}", uniq[0])
        } else {
            format!(" in {}", places.join(", "))
        };
        let _ = writeln!(out, "    {} ×{}{placed}", c.name, c.count);
        if let Some(p) = priced(c, c.count) {
            let _ = writeln!(out, "      priced as {p}");
        }
        let _ = writeln!(out, "      time to failure: {}", m.dists[c.failure as usize]);
        let _ = writeln!(out, "      time to repair:  {}", m.dists[c.repair as usize]);
    }
    for g in &m.data_groups {
        dataset(m, g, &mut out);
    }
    super::operations::describe(m, &mut out);
    let _ = writeln!(out, "  service {:?} is up while:", m.service);
    tree(m, Node::Gate(m.root), &mut out);
    precision(m, &mut out);
    out
}

/// Whether the variant has an exact answer (and it), else why not, and
/// its exact twin for control variates.
fn precision(m: &Model, out: &mut String) {
    use crate::report::table::sig;
    let start = if m.start == crate::model::Start::SteadyState { "steady-state" } else { "new (everything up)" };
    let _ = writeln!(out, "  trials start: {start}");
    match crate::exact::analyse(m) {
        crate::exact::Route::Exact(e) => {
            let _ = writeln!(
                out,
                "  exact answer: downtime {} h/yr over the horizon, steady state {} h/yr (availability {})",
                sig(e.downtime_hours, 6),
                sig(e.steady_state_downtime_hours, 6),
                crate::report::table::percent_avail(e.steady_state_availability)
            );
        }
        crate::exact::Route::None { reasons } => {
            let _ = writeln!(out, "  exact answer: none, because");
            for r in reasons {
                let _ = writeln!(out, "    - {r}");
            }
            match crate::exact::twin::twin(m) {
                Ok(t) => {
                    let _ = writeln!(
                        out,
                        "  exact twin (for --control-variates): {} h/yr, with {}",
                        sig(t.exact_downtime_hours, 6),
                        t.changes.join("; ")
                    );
                }
                Err(why) => {
                    let _ = writeln!(out, "  exact twin: none ({})", why.join("; "));
                }
            }
        }
    }
}

/// A dataset: its layout, devices, rebuilds and what threatens it.
fn dataset(m: &Model, g: &crate::model::DataGroup, out: &mut String) {
    let d = |i: u32| m.dists[i as usize].to_string();
    let places: Vec<String> = (0..g.devices() as usize)
        .map(|i| place_name(m, Place { zone: g.device_zone[i], region: g.device_region[i] }))
        .collect();
    let mut uniq = places.clone();
    uniq.sort();
    uniq.dedup();
    let _ = writeln!(
        out,
        "    dataset {}: {} groups of {} ({} of {} fragments needed), {} in all, {} fragment{} per device, devices in {}",
        g.name,
        g.count,
        g.scheme,
        g.needed,
        g.fragments,
        crate::units::format_bytes(g.size_bytes),
        g.fragments_per_device,
        if g.fragments_per_device == 1 { "" } else { "s" },
        uniq.join(", ")
    );
    let _ = writeln!(out, "      device time to failure: {}", d(g.device_failure));
    let rebuild = match &g.rebuild {
        crate::model::Rebuild::Dist(i) => d(*i),
        crate::model::Rebuild::Bandwidth { bytes, bytes_per_hour, shared } => format!(
            "{} at {}/h{}",
            crate::units::format_bytes(*bytes),
            crate::units::format_bytes(*bytes_per_hour),
            if *shared { ", shared by a group's rebuilds" } else { "" }
        ),
    };
    let _ = writeln!(
        out,
        "      detection {}; rebuild {rebuild}; a destroyed zone re-protected in {}",
        d(g.detection),
        d(g.zone_rebuild)
    );
    if let Some((rate, q)) = g.common_cause {
        let _ = writeln!(
            out,
            "      common cause {:.3}/y, each device failing with probability {}%",
            rate * crate::units::HOURS_PER_YEAR,
            q * 100.0
        );
    }
}

/// Describes every variant of a scenario.
pub fn render(s: &Scenario, file: &str) -> String {
    let mut out = format!(
        "{file}: scenario {:?} is valid ({} variant{})\n",
        s.name,
        s.variants.len(),
        if s.variants.len() == 1 { "" } else { "s" }
    );
    for m in &s.variants {
        out.push('\n');
        out.push_str(&describe(m));
    }
    out
}
