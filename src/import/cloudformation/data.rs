//! Data resources of a template: RDS instances and clusters, ElastiCache
//! replication groups, S3 buckets with lifecycle rules, AWS Backup plans
//! with the databases their selections name.

use super::super::ImportError;
use super::super::inventory::*;
use super::super::schedule;
use super::{Cfn, int_of};
use serde_json::Value;

impl Cfn<'_> {
    pub(super) fn retention(&self, id: &str) -> Result<Val<i64>, ImportError> {
        Ok(self.int(id, "BackupRetentionPeriod")?.unwrap_or_else(|| {
            Val::assumed(
                1,
                "BackupRetentionPeriod not set: RDS keeps automated backups 1 day by default",
                Some("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html"),
            )
        }))
    }

    pub(super) fn db_instance(
        &self,
        id: &str,
        ident: Id,
        inv: &mut Inventory,
        region: &str,
    ) -> Result<Database, ImportError> {
        let multi_az = self
            .flag(id, "MultiAZ")?
            .unwrap_or_else(|| Val::assumed(false, "MultiAZ not set: RDS creates a Single-AZ instance", None));
        let mut zones: Vec<Val<String>> = self.zone(id, "AvailabilityZone", region).into_iter().collect();
        for g in self.linked(id, "DBSubnetGroupName", &["AWS::RDS::DBSubnetGroup"]) {
            for z in self.subnet_zones(&g, "SubnetIds", region) {
                if !zones.iter().any(|k| k.value == z.value) {
                    zones.push(z);
                }
            }
        }
        let zones = zones.into_iter().map(|z| inv.zone(z)).collect();
        Ok(Database {
            id: ident,
            kind: DbKind::Instance,
            engine: self.text(id, "Engine")?,
            class: self.text(id, "DBInstanceClass")?,
            multi_az,
            zones,
            storage_gib: self.int(id, "AllocatedStorage")?,
            storage_type: self.text(id, "StorageType")?,
            backup_retention_days: self.retention(id)?,
            backup_window: self.text(id, "PreferredBackupWindow")?,
        })
    }

    pub(super) fn db_cluster(
        &self,
        id: &str,
        ident: Id,
        inv: &mut Inventory,
        region: &str,
    ) -> Result<Database, ImportError> {
        let engine = self.text(id, "Engine")?;
        let aurora = engine.as_ref().is_none_or(|e| e.value.starts_with("aurora"));
        let members: Vec<String> = self
            .resources
            .keys()
            .filter(|k| {
                self.kind(k) == "AWS::RDS::DBInstance"
                    && self.linked(k, "DBClusterIdentifier", &["AWS::RDS::DBCluster"]).iter().any(|c| c == id)
            })
            .cloned()
            .collect();
        let mut class = self.text(id, "DBClusterInstanceClass")?;
        let mut zones: Vec<Val<String>> = Vec::new();
        for m in &members {
            if class.is_none() {
                class = self.text(m, "DBInstanceClass")?;
            }
            if let Some(z) = self.zone(m, "AvailabilityZone", region) {
                if !zones.iter().any(|k| k.value == z.value) {
                    zones.push(z);
                }
            }
        }
        if let Some(Value::Array(list)) = self.prop(id, "AvailabilityZones") {
            for i in 0..list.len() {
                if let Some(z) = self.zone(id, &format!("AvailabilityZones.{i}"), region) {
                    if !zones.iter().any(|k| k.value == z.value) {
                        zones.push(z);
                    }
                }
            }
        }
        let zones = zones.into_iter().map(|z| inv.zone(z)).collect();
        let (kind, multi_az) = if aurora {
            let n = members.len() as i64;
            let at = format!("AWS::RDS::DBInstance resources whose DBClusterIdentifier is {id}");
            (DbKind::Aurora { instances: Val::input(n, at.clone()) }, Val::input(n > 1, at))
        } else {
            (DbKind::MultiAzCluster, Val::input(true, format!("{id}: Engine (a Multi-AZ DB cluster)")))
        };
        Ok(Database {
            id: ident,
            kind,
            engine,
            class,
            multi_az,
            zones,
            storage_gib: if aurora { None } else { self.int(id, "AllocatedStorage")? },
            storage_type: self.text(id, "StorageType")?,
            backup_retention_days: self.retention(id)?,
            backup_window: self.text(id, "PreferredBackupWindow")?,
        })
    }

    pub(super) fn cache(&self, id: &str, ident: Id, inv: &mut Inventory, region: &str) -> Result<Cache, ImportError> {
        let nodes = match (
            self.int(id, "NumCacheClusters")?,
            self.int(id, "NumNodeGroups")?,
            self.int(id, "ReplicasPerNodeGroup")?,
        ) {
            (Some(n), _, _) => n,
            (None, Some(g), Some(r)) => {
                Val::input(g.value * (r.value + 1), format!("{id}: NumNodeGroups × (ReplicasPerNodeGroup + 1)"))
            }
            _ => Val::assumed(1, "the number of nodes is not in the template: one node assumed", None),
        };
        let automatic_failover = self
            .flag(id, "AutomaticFailoverEnabled")?
            .unwrap_or_else(|| Val::assumed(false, "AutomaticFailoverEnabled not set: the default is false", None));
        let mut zones = Vec::new();
        if let Some(Value::Array(list)) = self.prop(id, "PreferredCacheClusterAZs") {
            for i in 0..list.len() {
                zones.extend(self.zone(id, &format!("PreferredCacheClusterAZs.{i}"), region));
            }
        }
        if zones.is_empty() {
            for g in self.linked(id, "CacheSubnetGroupName", &["AWS::ElastiCache::SubnetGroup"]) {
                zones.extend(self.subnet_zones(&g, "SubnetIds", region));
            }
        }
        let zones = zones.into_iter().map(|z| inv.zone(z)).collect();
        Ok(Cache { id: ident, node_type: self.text(id, "CacheNodeType")?, nodes, automatic_failover, zones })
    }

    pub(super) fn bucket(&self, id: &str, ident: Id) -> Result<Bucket, ImportError> {
        let mut class = Val::assumed(
            "STANDARD".to_owned(),
            "no lifecycle transition: S3 stores objects in STANDARD unless told otherwise",
            Some("https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html"),
        );
        let mut days: Option<Val<i64>> = None;
        let rules =
            self.prop(id, "LifecycleConfiguration.Rules").and_then(Value::as_array).cloned().unwrap_or_default();
        for (ri, rule) in rules.iter().enumerate() {
            if rule.get("Status").and_then(Value::as_str) != Some("Enabled") {
                continue;
            }
            let mut transitions: Vec<(String, &Value)> = Vec::new();
            for (ti, t) in rule.get("Transitions").and_then(Value::as_array).into_iter().flatten().enumerate() {
                transitions.push((format!("Transitions[{ti}]"), t));
            }
            if let Some(t) = rule.get("Transition") {
                transitions.push(("Transition".to_owned(), t));
            }
            for (name, t) in transitions {
                let (Some(sc), Some(d)) =
                    (t.get("StorageClass").and_then(Value::as_str), t.get("TransitionInDays").and_then(int_of))
                else {
                    continue;
                };
                if days.as_ref().is_none_or(|b| d > b.value) {
                    let at = format!("{id}: LifecycleConfiguration.Rules[{ri}].{name}");
                    class = Val::input(sc.to_owned(), format!("{at}.StorageClass"));
                    days = Some(Val::input(d, format!("{at}.TransitionInDays")));
                }
            }
        }
        Ok(Bucket { id: ident, class, transition_days: days, region: None })
    }

    pub(super) fn backup_plan(&self, id: &str, ident: Id, inv: &Inventory) -> Result<BackupPlan, ImportError> {
        let mut rules = Vec::new();
        let list = self.prop(id, "BackupPlan.BackupPlanRule").and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, rule) in list.iter().enumerate() {
            let name = rule.get("RuleName").and_then(Value::as_str).map_or(format!("rule[{i}]"), str::to_owned);
            let at = format!("{id}: BackupPlan.BackupPlanRule[{i}]");
            let schedule = match rule.get("ScheduleExpression").and_then(Value::as_str) {
                Some(s) => {
                    schedule::cron(s).map_err(|e| {
                        self.err(
                            &format!("Resources.{id}.Properties.BackupPlan.BackupPlanRule[{i}].ScheduleExpression"),
                            e,
                        )
                    })?;
                    Val::input(s.to_owned(), format!("{at}.ScheduleExpression"))
                }
                None => Val::assumed(
                    "cron(0 5 ? * * *)".to_owned(),
                    "no ScheduleExpression: AWS Backup's default, daily at 05:00 UTC",
                    Some(
                        "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/backup/aws.sdk.kotlin.services.backup.model/-backup-rule/schedule-expression.html",
                    ),
                ),
            };
            let retention_days = rule
                .pointer("/Lifecycle/DeleteAfterDays")
                .and_then(int_of)
                .map(|d| Val::input(d, format!("{at}.Lifecycle.DeleteAfterDays")));
            let mut copies = Vec::new();
            for (ci, c) in rule.get("CopyActions").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let arn = c.get("DestinationBackupVaultArn");
                let text =
                    arn.and_then(Value::as_str).or_else(|| arn.and_then(|a| a.get("Fn::Sub")).and_then(Value::as_str));
                if let Some(region) = text.and_then(region_of_arn).filter(|r| !r.contains("${")) {
                    let cat = format!("{at}.CopyActions[{ci}]");
                    copies.push(BackupCopy {
                        region: Val::input(region, format!("{cat}.DestinationBackupVaultArn")),
                        retention_days: c
                            .pointer("/Lifecycle/DeleteAfterDays")
                            .and_then(int_of)
                            .map(|d| Val::input(d, format!("{cat}.Lifecycle.DeleteAfterDays"))),
                    });
                }
            }
            rules.push(BackupRule { name, schedule, retention_days, copies });
        }
        let mut targets = Vec::new();
        for s in self.resources.keys().filter(|k| self.kind(k) == "AWS::Backup::BackupSelection") {
            if !self.linked(s, "BackupPlanId", &["AWS::Backup::BackupPlan"]).iter().any(|p| p == id) {
                continue;
            }
            for db in self.linked(s, "BackupSelection.Resources", &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]) {
                if let Some(d) = inv.databases.iter().position(|x| x.id.address == db) {
                    if !targets.iter().any(|(t, _)| *t == d) {
                        targets.push((d, s.clone()));
                    }
                }
            }
        }
        Ok(BackupPlan { id: ident, rules, targets })
    }
}
