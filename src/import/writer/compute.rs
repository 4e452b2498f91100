//! Compute parts of the scenario: load balancers, auto-scaling groups,
//! standalone instances and caches.

use super::super::inventory::*;
use super::{Out, assumption, note, q, url};
use crate::presets::aws;
use std::collections::HashSet;
use std::fmt::Write;

pub(super) fn load_balancers(inv: &Inventory, out: &mut Out) -> Vec<String> {
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
pub(super) fn mttf(out: &mut Out) {
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
pub(super) fn instance_type(out: &mut Out, t: &Option<Val<String>>) {
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

pub(super) fn group(g: &Group, lb_names: &[String], inv: &Inventory, out: &mut Out) {
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

pub(super) fn instance(i: &Instance, out: &mut Out) {
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

pub(super) fn cache(c: &Cache, out: &mut Out) {
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
