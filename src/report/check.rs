//! `nines check`: the compiled model as text, so a user can see what nines
//! understood — placements, the structure tree, every distribution and its
//! mean — before spending time on a run.

use crate::model::{Model, NONE, Node, OutageProcess, Role};
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
    let unit = &m.units[u as usize];
    let c = &m.components[unit.component as usize];
    let place = if unit.zone != NONE {
        format!(" @{}", m.zones[unit.zone as usize].name)
    } else if unit.region != NONE {
        format!(" @{}", m.regions[unit.region as usize].name)
    } else {
        String::new()
    };
    if c.count == 1 { format!("{}{place}", c.name) } else { format!("{}#{}{place}", c.name, u - c.first_unit) }
}

fn tree(m: &Model, node: Node, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match node {
        Node::Unit(u) => {
            if let Role::Standby(p) = m.units[u as usize].role {
                let pair = &m.standbys[p as usize];
                let members: Vec<String> = pair.members.iter().map(|&x| unit_name(m, x)).collect();
                let _ = writeln!(
                    out,
                    "{pad}{}: active/passive over {}, failover {}",
                    pair.name,
                    members.join(", "),
                    m.dists[pair.failover as usize]
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
        Node::Gate(g) => {
            let gate = &m.gates[g as usize];
            let n = gate.children.len();
            let rule = match gate.k as usize {
                k if k == n => "all of".to_owned(),
                1 => "any of".to_owned(),
                k => format!("at least {k} of"),
            };
            let label = if gate.label.contains(" of ") { String::new() } else { format!("{}: ", gate.label) };
            let _ = writeln!(out, "{pad}{label}{rule} {n}");
            for &c in gate.children.iter().take(MAX_LISTED) {
                tree(m, c, depth + 1, out);
            }
            if n > MAX_LISTED {
                let _ = writeln!(out, "{pad}  … and {} more", n - MAX_LISTED);
            }
        }
    }
}

/// Describes one compiled variant.
pub fn describe(m: &Model) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "variant {:?}{}", m.variant, m.description.as_ref().map_or(String::new(), |d| format!(": {d}")));
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
            for &z in &r.zones {
                let zone = &m.zones[z as usize];
                if let Some(o) = &zone.outage {
                    let _ = writeln!(out, "      zone {} outages: {}", zone.name, outage(m, o));
                }
            }
        }
    }
    let _ = writeln!(out, "  components:");
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
    for c in m.components.iter().filter(|c| !m.groups.iter().any(|g| m.components[g.component as usize].name == c.name))
    {
        let units = c.first_unit..c.first_unit + c.count;
        let places: Vec<String> = units
            .map(|u| {
                let unit = &m.units[u as usize];
                if unit.zone != NONE {
                    m.zones[unit.zone as usize].name.clone()
                } else if unit.region != NONE {
                    m.regions[unit.region as usize].name.clone()
                } else {
                    "anywhere".into()
                }
            })
            .collect();
        let mut uniq = places.clone();
        uniq.dedup();
        let _ = writeln!(
            out,
            "    {} ×{} in {}",
            c.name,
            c.count,
            if uniq.len() == 1 { uniq[0].clone() } else { places.join(", ") }
        );
        let _ = writeln!(out, "      time to failure: {}", m.dists[c.failure as usize]);
        let _ = writeln!(out, "      time to repair:  {}", m.dists[c.repair as usize]);
    }
    let _ = writeln!(out, "  service {:?} is up while:", m.service);
    tree(m, Node::Gate(m.root), 2, &mut out);
    out
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
