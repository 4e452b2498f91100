//! Data parts of the scenario: database hosts and their data (stores with
//! replicas, automated backups, logs and AWS Backup rules) and buckets.

use super::super::inventory::*;
use super::super::schedule::{self, Schedule};
use super::compute::{instance_type, mttf};
use super::{AURORA_SOURCE, Out, RDS_PITR_SOURCE, RDS_RECOVERY_SOURCE, assumption, note, origin_note, q, url};
use crate::presets::{aws, storage};
use std::fmt::Write;

/// Failover preset and instance count of a database.
pub(super) fn db_shape(d: &Database) -> (i64, Option<&'static str>, String) {
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

pub(super) fn database(di: usize, d: &Database, inv: &Inventory, out: &mut Out) {
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
pub(super) type Copy<'a> = (Option<&'a Val<String>>, Option<&'a Val<i64>>);

/// The data of a database: a store with its replicas and backups.
pub(super) fn store(di: usize, d: &Database, host: &str, zones: &[Val<String>], inv: &Inventory, out: &mut Out) {
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

pub(super) fn bucket(b: &Bucket, out: &mut Out) {
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
