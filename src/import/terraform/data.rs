//! Data resources of a Terraform input: RDS instances and clusters,
//! ElastiCache replication groups, S3 buckets with their lifecycle rules,
//! and AWS Backup plans with the databases their selections name.

use super::super::ImportError;
use super::super::inventory::*;
use super::super::schedule;
use super::values::*;
use super::{Res, Tf};
use serde_json::Value;

impl Tf<'_> {
    pub(super) fn db_instance(&self, r: &Res<'_>, id: Id, inv: &mut Inventory) -> Result<Database, ImportError> {
        let at = |attr: &str| format!("{}: {attr}", r.address);
        let multi_az = match opt_bool(self, r, "multi_az")? {
            Some(b) => Val::input(b, at("multi_az")),
            None => Val::assumed(false, "multi_az not set: the provider's default is false", None),
        };
        let mut zones = Vec::new();
        if let Some(z) = opt_str(self, r, "availability_zone")? {
            zones.push(inv.zone(Val::input(z, at("availability_zone"))));
        }
        let group_zones = self.db_subnet_zones(r, "db_subnet_group_name", &["aws_db_subnet_group"]);
        for z in group_zones {
            if !zones.iter().any(|k: &Val<String>| k.value == z.value) {
                zones.push(inv.zone(z));
            }
        }
        Ok(Database {
            id,
            kind: DbKind::Instance,
            engine: opt_str(self, r, "engine")?.map(|v| Val::input(v, at("engine"))),
            class: opt_str(self, r, "instance_class")?.map(|v| Val::input(v, at("instance_class"))),
            multi_az,
            zones,
            storage_gib: opt_int(self, r, "allocated_storage")?.map(|v| Val::input(v, at("allocated_storage"))),
            storage_type: opt_str(self, r, "storage_type")?.map(|v| Val::input(v, at("storage_type"))),
            backup_retention_days: backup_retention(self, r, "backup_retention_period")?,
            backup_window: opt_str(self, r, "backup_window")?.map(|v| Val::input(v, at("backup_window"))),
        })
    }

    /// Zones of a DB or cache subnet group's subnets, after the group.
    pub(super) fn db_subnet_zones(&self, r: &Res<'_>, attr: &str, kinds: &[&str]) -> Vec<Val<String>> {
        let mut out: Vec<Val<String>> = Vec::new();
        for g in self.linked(r, attr, kinds) {
            let grp = &self.res[g];
            for z in self.subnet_zones(grp, "subnet_ids") {
                if !out.iter().any(|k| k.value == z.value) {
                    out.push(Val::input(
                        z.value.clone(),
                        format!("a zone of {}: {attr} → {} (AWS chooses which)", r.address, z.origin.text()),
                    ));
                }
            }
        }
        out
    }

    pub(super) fn rds_cluster(&self, r: &Res<'_>, id: Id, inv: &mut Inventory) -> Result<Database, ImportError> {
        let at = |attr: &str| format!("{}: {attr}", r.address);
        let engine = opt_str(self, r, "engine")?.map(|v| Val::input(v, at("engine")));
        let aurora = engine.as_ref().is_none_or(|e| e.value.starts_with("aurora"));
        let members: Vec<usize> = (0..self.res.len())
            .filter(|&i| {
                let m = &self.res[i];
                m.kind == "aws_rds_cluster_instance"
                    && self.linked(m, "cluster_identifier", &["aws_rds_cluster"]).contains(&self.index_of(r))
            })
            .collect();
        let mut zones: Vec<Val<String>> = Vec::new();
        let mut class =
            opt_str(self, r, "db_cluster_instance_class")?.map(|v| Val::input(v, at("db_cluster_instance_class")));
        for &m in &members {
            let mr = &self.res[m];
            if let Some(z) = opt_str(self, mr, "availability_zone")? {
                if !zones.iter().any(|k| k.value == z) {
                    zones.push(inv.zone(Val::input(z, format!("{}: availability_zone", mr.address))));
                }
            }
            if class.is_none() {
                class = opt_str(self, mr, "instance_class")?
                    .map(|v| Val::input(v, format!("{}: instance_class", mr.address)));
            }
        }
        for z in strs(self, r, "availability_zones")? {
            if !zones.iter().any(|k| k.value == z) {
                zones.push(inv.zone(Val::input(z, at("availability_zones"))));
            }
        }
        let kind = if aurora {
            let n = members.len() as i64;
            DbKind::Aurora {
                instances: Val::input(
                    n,
                    format!("aws_rds_cluster_instance resources whose cluster_identifier is {}", r.address),
                ),
            }
        } else {
            DbKind::MultiAzCluster
        };
        let multi_az = match &kind {
            DbKind::Aurora { instances } => Val::input(instances.value > 1, instances.origin.text()),
            _ => Val::input(true, at("engine (a Multi-AZ DB cluster: a writer and two readable standbys)")),
        };
        Ok(Database {
            id,
            kind,
            engine,
            class,
            multi_az,
            zones,
            // Aurora storage grows by itself (its state reports 1 GiB).
            storage_gib: match aurora {
                true => None,
                false => opt_int(self, r, "allocated_storage")?.map(|v| Val::input(v, at("allocated_storage"))),
            },
            storage_type: opt_str(self, r, "storage_type")?.map(|v| Val::input(v, at("storage_type"))),
            backup_retention_days: backup_retention(self, r, "backup_retention_period")?,
            backup_window: opt_str(self, r, "preferred_backup_window")?
                .map(|v| Val::input(v, at("preferred_backup_window"))),
        })
    }

    pub(super) fn cache(&self, r: &Res<'_>, id: Id, inv: &mut Inventory) -> Result<Cache, ImportError> {
        let at = |attr: &str| format!("{}: {attr}", r.address);
        let nodes = if let Some(n) = opt_int(self, r, "num_cache_clusters")? {
            Val::input(n, at("num_cache_clusters"))
        } else if let Some(n) = opt_int(self, r, "number_cache_clusters")? {
            Val::input(n, at("number_cache_clusters"))
        } else if let (Some(groups), Some(replicas)) =
            (opt_int(self, r, "num_node_groups")?, opt_int(self, r, "replicas_per_node_group")?)
        {
            Val::input(groups * (replicas + 1), at("num_node_groups × (replicas_per_node_group + 1)"))
        } else {
            Val::assumed(1, "the number of nodes is not in the input: one node assumed", None)
        };
        let automatic_failover = match opt_bool(self, r, "automatic_failover_enabled")? {
            Some(b) => Val::input(b, at("automatic_failover_enabled")),
            None => Val::assumed(false, "automatic_failover_enabled not set: the provider's default is false", None),
        };
        let mut zones: Vec<Val<String>> = strs(self, r, "preferred_cache_cluster_azs")?
            .into_iter()
            .map(|z| Val::input(z, at("preferred_cache_cluster_azs")))
            .collect();
        if zones.is_empty() {
            zones = self.db_subnet_zones(r, "subnet_group_name", &["aws_elasticache_subnet_group"]);
        }
        let zones = zones.into_iter().map(|z| inv.zone(z)).collect();
        Ok(Cache {
            id,
            node_type: opt_str(self, r, "node_type")?.map(|v| Val::input(v, at("node_type"))),
            nodes,
            automatic_failover,
            zones,
        })
    }

    pub(super) fn bucket(&self, r: &Res<'_>, id: Id) -> Result<Bucket, ImportError> {
        let mut class = Val::assumed(
            "STANDARD".to_owned(),
            "no lifecycle transition: S3 stores objects in STANDARD unless told otherwise",
            Some("https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html"),
        );
        let mut days = None;
        let mut best: Option<i64> = None;
        // Provider v4 and later: a separate lifecycle configuration resource.
        for l in self.res.iter().filter(|l| l.kind == "aws_s3_bucket_lifecycle_configuration") {
            if !self.linked(l, "bucket", &["aws_s3_bucket"]).contains(&self.index_of(r)) {
                continue;
            }
            let rules = getm(l.values, "rule").and_then(Value::as_array).cloned().unwrap_or_default();
            for (ri, rule) in rules.iter().enumerate() {
                if rule.get("status").and_then(Value::as_str) != Some("Enabled") {
                    continue;
                }
                let rid =
                    rule.get("id").and_then(Value::as_str).map_or(format!("rule[{ri}]"), |s| format!("rule {s:?}"));
                for t in rule.get("transition").and_then(Value::as_array).into_iter().flatten() {
                    let (Some(sc), Some(d)) =
                        (t.get("storage_class").and_then(Value::as_str), t.get("days").and_then(int_of))
                    else {
                        continue;
                    };
                    if best.is_none_or(|b| d > b) {
                        best = Some(d);
                        let at = format!("{}: {rid} transition", l.address);
                        class = Val::input(sc.to_owned(), format!("{at}.storage_class"));
                        days = Some(Val::input(d, format!("{at}.days")));
                    }
                }
            }
        }
        // Provider v3: inline lifecycle_rule blocks.
        let inline = getm(r.values, "lifecycle_rule").and_then(Value::as_array).cloned().unwrap_or_default();
        for (ri, rule) in inline.iter().enumerate() {
            if rule.get("enabled").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            for t in rule.get("transition").and_then(Value::as_array).into_iter().flatten() {
                let (Some(sc), Some(d)) =
                    (t.get("storage_class").and_then(Value::as_str), t.get("days").and_then(int_of))
                else {
                    continue;
                };
                if best.is_none_or(|b| d > b) {
                    best = Some(d);
                    let at = format!("{}: lifecycle_rule[{ri}].transition", r.address);
                    class = Val::input(sc.to_owned(), format!("{at}.storage_class"));
                    days = Some(Val::input(d, format!("{at}.days")));
                }
            }
        }
        let region = opt_str(self, r, "region")?.map(|v| Val::input(v, format!("{}: region", r.address)));
        Ok(Bucket { id, class, transition_days: days, region })
    }

    pub(super) fn backup_plan(&self, r: &Res<'_>, id: Id, inv: &Inventory) -> Result<BackupPlan, ImportError> {
        let mut rules = Vec::new();
        let list = getm(r.values, "rule").and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, rule) in list.iter().enumerate() {
            let name = rule.get("rule_name").and_then(Value::as_str).map_or(format!("rule[{i}]"), str::to_owned);
            let at = format!("{}: rule {name:?}", r.address);
            let schedule = match rule.get("schedule").and_then(Value::as_str) {
                Some(s) => {
                    schedule::cron(s).map_err(|e| self.err(&format!("{at}.schedule"), e))?;
                    Val::input(s.to_owned(), format!("{at}.schedule"))
                }
                None => Val::assumed(
                    "cron(0 5 ? * * *)".to_owned(),
                    "no schedule: AWS Backup's default, daily at 05:00 UTC",
                    Some(
                        "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/backup/aws.sdk.kotlin.services.backup.model/-backup-rule/schedule-expression.html",
                    ),
                ),
            };
            let retention_days = get(rule, "lifecycle.0.delete_after")
                .and_then(int_of)
                .map(|d| Val::input(d, format!("{at}.lifecycle.delete_after")));
            let mut copies = Vec::new();
            for (ci, c) in rule.get("copy_action").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let cat = format!("{at}.copy_action[{ci}]");
                if let Some(region) = c.get("destination_vault_arn").and_then(Value::as_str).and_then(region_of_arn) {
                    copies.push(BackupCopy {
                        region: Val::input(region, format!("{cat}.destination_vault_arn")),
                        retention_days: get(c, "lifecycle.0.delete_after")
                            .and_then(int_of)
                            .map(|d| Val::input(d, format!("{cat}.lifecycle.delete_after"))),
                    });
                }
            }
            rules.push(BackupRule { name, schedule, retention_days, copies });
        }
        let mut targets = Vec::new();
        let db_kinds = ["aws_db_instance", "aws_rds_cluster"];
        for s in self.res.iter().filter(|s| s.kind == "aws_backup_selection") {
            if !self.linked(s, "plan_id", &["aws_backup_plan"]).contains(&self.index_of(r)) {
                continue;
            }
            for i in self.linked(s, "resources", &db_kinds) {
                let addr = &self.res[i].address;
                if let Some(d) = inv.databases.iter().position(|d| &d.id.address == addr) {
                    if !targets.iter().any(|(t, _)| *t == d) {
                        targets.push((d, s.address.clone()));
                    }
                }
            }
        }
        Ok(BackupPlan { id, rules, targets })
    }
}

pub(super) fn backup_retention(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Val<i64>, ImportError> {
    Ok(match opt_int(tf, r, key)? {
        Some(d) => Val::input(d, format!("{}: {key}", r.address)),
        None => Val::assumed(
            1,
            format!("{key} not set: RDS keeps automated backups 1 day by default (API)"),
            Some(
                "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html",
            ),
        ),
    })
}
