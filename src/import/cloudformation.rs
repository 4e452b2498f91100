//! CloudFormation templates (JSON, or YAML after [`super::yaml`] turned
//! the short tags into long forms) into an [`Inventory`].
//!
//! A template's `Resources` map logical IDs to `{Type, Properties}`.
//! Links between resources are intrinsic functions: `Ref`, `Fn::GetAtt`,
//! and the `${Name}` variables of `Fn::Sub`; a `Ref` to a parameter takes
//! the parameter's `Default`. Every intrinsic is checked first: an unknown
//! function, or a `Ref`/`Fn::GetAtt` to a name the template does not
//! declare, is an error (CloudFormation would refuse the template too).

use super::ImportError;
use super::inventory::*;
use super::schedule;
use super::yaml::{INTRINSICS, Lines};
use serde_json::{Map, Value};
use std::path::Path;

const GETAZS_DOC: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getavailabilityzones.html";

/// The template with its lookups.
struct Cfn<'a> {
    file: &'a Path,
    lines: Option<&'a Lines>,
    resources: &'a Map<String, Value>,
    parameters: Map<String, Value>,
}

/// Reads a template; `syntax` (JSON or YAML) goes into the header.
pub fn read(file: &Path, doc: &Value, lines: Option<&Lines>, syntax: &str) -> Result<Inventory, ImportError> {
    let obj = doc.as_object().ok_or_else(|| {
        ImportError::new(file, None, "", "expected a mapping with \"Resources\": a CloudFormation template")
    })?;
    let resources = match obj.get("Resources") {
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(ImportError::new(
                file,
                line(lines, "Resources"),
                "Resources",
                "must be a mapping of logical IDs to resources",
            ));
        }
        None => return Err(ImportError::new(file, None, "", "no \"Resources\": not a CloudFormation template")),
    };
    let parameters = obj.get("Parameters").and_then(Value::as_object).cloned().unwrap_or_default();
    let cfn = Cfn { file, lines, resources, parameters };
    cfn.check_intrinsics(doc, "")?;
    let mut inv = Inventory { format: format!("CloudFormation template ({syntax})"), ..Inventory::default() };
    cfn.inventory(&mut inv)?;
    Ok(inv)
}

fn line(lines: Option<&Lines>, path: &str) -> Option<usize> {
    let lines = lines?;
    let mut p = path;
    loop {
        if let Some(&l) = lines.get(p) {
            return Some(l);
        }
        let cut = p.rfind(['.', '['])?;
        p = &p[..cut];
    }
}

impl<'a> Cfn<'a> {
    fn err(&self, path: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(self.file, line(self.lines, path), path, message)
    }

    fn declared(&self, name: &str) -> bool {
        self.resources.contains_key(name) || self.parameters.contains_key(name) || name.starts_with("AWS::")
    }

    /// Refuses unknown intrinsic functions and references to undeclared names.
    fn check_intrinsics(&self, v: &Value, at: &str) -> Result<(), ImportError> {
        match v {
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.check_intrinsics(x, &format!("{at}[{i}]"))?;
                }
            }
            Value::Object(m) => {
                if m.len() == 1 {
                    let (k, arg) = m.iter().next().expect("one entry");
                    let known = INTRINSICS.iter().any(|(_, long)| long == k);
                    if k.starts_with("Fn::") && !known {
                        let names: Vec<&str> = INTRINSICS.iter().map(|(_, l)| *l).collect();
                        return Err(self.err(
                            at,
                            format!("unknown intrinsic function {k}: CloudFormation knows {}", names.join(", ")),
                        ));
                    }
                    if k == "Ref" {
                        let Some(name) = arg.as_str() else {
                            return Err(self.err(at, format!("Ref takes a name (got {arg})")));
                        };
                        if !self.declared(name) {
                            return Err(self.err(
                                at,
                                format!("Ref to {name:?}: the template declares no such resource or parameter"),
                            ));
                        }
                    }
                    if k == "Fn::GetAtt" {
                        let target = arg.get(0).and_then(Value::as_str);
                        match target {
                            Some(name) if self.resources.contains_key(name) => {}
                            Some(name) => {
                                return Err(self.err(
                                    at,
                                    format!("Fn::GetAtt of {name:?}: the template declares no such resource"),
                                ));
                            }
                            None => {
                                return Err(self.err(at, format!("Fn::GetAtt takes [Resource, Attribute] (got {arg})")));
                            }
                        }
                    }
                    if k == "Fn::Sub" {
                        let text = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str)).unwrap_or("");
                        let locals = arg.get(1).and_then(Value::as_object);
                        for name in sub_vars(text) {
                            let base = name.split('.').next().unwrap_or(&name);
                            if !self.declared(base) && !locals.is_some_and(|l| l.contains_key(&name)) {
                                return Err(self.err(at, format!("Fn::Sub variable ${{{name}}}: the template declares no such resource or parameter")));
                            }
                        }
                    }
                }
                for (k, x) in m {
                    let p = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                    self.check_intrinsics(x, &p)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Logical IDs a value refers to (Ref, Fn::GetAtt, Fn::Sub variables),
    /// at any depth.
    fn refs(&self, v: Option<&Value>, out: &mut Vec<String>) {
        match v {
            Some(Value::Array(items)) => items.iter().for_each(|x| self.refs(Some(x), out)),
            Some(Value::Object(m)) => {
                if let Some(Value::String(name)) = m.get("Ref") {
                    if self.resources.contains_key(name) && !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                if let Some(name) = m.get("Fn::GetAtt").and_then(|a| a.get(0)).and_then(Value::as_str) {
                    if !out.iter().any(|o| o == name) {
                        out.push(name.to_owned());
                    }
                }
                if let Some(arg) = m.get("Fn::Sub") {
                    let text = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str)).unwrap_or("");
                    for name in sub_vars(text) {
                        let base = name.split('.').next().unwrap_or(&name).to_owned();
                        if self.resources.contains_key(&base) && !out.contains(&base) {
                            out.push(base);
                        }
                    }
                }
                m.values().for_each(|x| self.refs(Some(x), out));
            }
            _ => {}
        }
    }

    /// Resources of type `kind` that property `path` of `id` refers to.
    fn linked(&self, id: &str, path: &str, kinds: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        self.refs(self.prop(id, path), &mut out);
        out.retain(|r| kinds.contains(&self.kind(r)));
        out
    }

    fn kind(&self, id: &str) -> &str {
        self.resources.get(id).and_then(|r| r.get("Type")).and_then(Value::as_str).unwrap_or("")
    }

    /// Property at a dotted path (`LaunchTemplate.LaunchTemplateId`).
    fn prop(&self, id: &str, path: &str) -> Option<&'a Value> {
        let mut cur = self.resources.get(id)?.get("Properties")?;
        for seg in path.split('.') {
            cur = match seg.parse::<usize>() {
                Ok(i) => cur.get(i)?,
                Err(_) => cur.get(seg)?,
            };
        }
        (!cur.is_null()).then_some(cur)
    }

    /// A literal value of a property, or its parameter's `Default`; `None`
    /// when it is only known at deploy time.
    fn literal(&self, id: &str, path: &str) -> Option<(Value, String)> {
        let v = self.prop(id, path)?;
        let at = format!("{id}: {path}");
        match v {
            Value::Object(m) => {
                let name = m.get("Ref").and_then(Value::as_str)?;
                let default = self.parameters.get(name)?.get("Default")?;
                Some((default.clone(), format!("{at} (parameter {name}'s Default)")))
            }
            other => Some((other.clone(), at)),
        }
    }

    fn int(&self, id: &str, path: &str) -> Result<Option<Val<i64>>, ImportError> {
        match self.literal(id, path) {
            None => Ok(None),
            Some((v, at)) => match int_of(&v) {
                Some(n) => Ok(Some(Val::input(n, at))),
                None => Err(self
                    .err(&format!("Resources.{id}.Properties.{path}"), format!("expected a whole number (got {v})"))),
            },
        }
    }

    fn text(&self, id: &str, path: &str) -> Result<Option<Val<String>>, ImportError> {
        match self.literal(id, path) {
            None => Ok(None),
            Some((Value::String(s), at)) => Ok((!s.is_empty()).then(|| Val::input(s, at))),
            Some((v, _)) => {
                Err(self.err(&format!("Resources.{id}.Properties.{path}"), format!("expected a string (got {v})")))
            }
        }
    }

    fn flag(&self, id: &str, path: &str) -> Result<Option<Val<bool>>, ImportError> {
        match self.literal(id, path) {
            None => Ok(None),
            Some((Value::Bool(b), at)) => Ok(Some(Val::input(b, at))),
            Some((Value::String(s), at)) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                Ok(Some(Val::input(s.eq_ignore_ascii_case("true"), at)))
            }
            Some((v, _)) => {
                Err(self.err(&format!("Resources.{id}.Properties.{path}"), format!("expected true or false (got {v})")))
            }
        }
    }

    /// A zone: a name, a parameter's default, or the i-th of `Fn::GetAZs`.
    fn zone(&self, id: &str, path: &str, region: &str) -> Option<Val<String>> {
        let v = self.prop(id, path)?;
        if let Some(sel) = v.get("Fn::Select") {
            let i = sel.get(0).and_then(int_of)?;
            sel.get(1)?.get("Fn::GetAZs")?;
            let letter = char::from(b'a' + u8::try_from(i).ok().filter(|&i| i < 26)?);
            return Some(Val::assumed(
                format!("{region}{letter}"),
                format!(
                    "{id}: {path} is Fn::Select [{i}, Fn::GetAZs]: taken as {region}{letter} (Fn::GetAZs lists zones alphabetically, the order not guaranteed)"
                ),
                Some(GETAZS_DOC),
            ));
        }
        let (value, at) = self.literal(id, path)?;
        value.as_str().filter(|s| !s.is_empty()).map(|s| Val::input(s.to_owned(), at))
    }

    fn inventory(&self, inv: &mut Inventory) -> Result<(), ImportError> {
        for (id, r) in self.resources {
            if !r.is_object() {
                return Err(
                    self.err(&format!("Resources.{id}"), "a resource must be a mapping with Type and Properties")
                );
            }
            if r.get("Type").and_then(Value::as_str).is_none() {
                return Err(self.err(&format!("Resources.{id}"), "a resource needs its Type, e.g. AWS::EC2::Instance"));
            }
            if let Some(c) = r.get("Condition").and_then(Value::as_str) {
                inv.notes.push(format!("{id} is created only when condition {c} holds: imported as if it does"));
            }
        }
        // The region: from literal zone names, else assumed.
        let literal_zone = self
            .resources
            .keys()
            .filter(|id| self.kind(id) == "AWS::EC2::Subnet")
            .find_map(|id| self.zone(id, "AvailabilityZone", "").filter(|z| matches!(z.origin, Origin::Input(_))));
        inv.region = Some(match literal_zone.and_then(|z| region_of_zone(&z.value).map(|r| (r, z.origin))) {
            Some((r, origin)) => {
                Val::input(r, format!("the region of the zones, e.g. {}", super::terraform::origin_text(&origin)))
            }
            None => Val::assumed(
                "us-east-1".to_owned(),
                "a template names no region (it is chosen at deploy time): us-east-1, where the price presets are",
                None,
            ),
        });
        let region = inv.region.as_ref().map(|r| r.value.clone()).unwrap_or_default();
        for id in self.resources.keys().filter(|id| self.kind(id) == "AWS::EC2::Subnet") {
            let z = self.zone(id, "AvailabilityZone", &region).or_else(|| self.zone(id, "AvailabilityZoneId", &region));
            if let Some(z) = z {
                inv.zone(z);
            }
        }
        let mut plans = Vec::new();
        for (id, _) in self.resources {
            let kind = self.kind(id).to_owned();
            let ident = Id { address: id.clone(), kind: kind.clone(), name: kebab(id) };
            match kind.as_str() {
                "AWS::EC2::Instance" => {
                    let zone = self
                        .zone(id, "AvailabilityZone", &region)
                        .or_else(|| self.subnet_zones(id, "SubnetId", &region).into_iter().next());
                    let zone = zone.map(|z| inv.zone(z));
                    let instance_type = match self.text(id, "InstanceType")? {
                        Some(t) => Some(t),
                        None => self.launch_template_type(id, "LaunchTemplate")?,
                    };
                    inv.instances.push(Instance { id: ident, instance_type, zone });
                }
                "AWS::AutoScaling::AutoScalingGroup" => {
                    let g = self.group(id, ident, inv, &region)?;
                    inv.groups.push(g);
                }
                "AWS::RDS::DBInstance" => {
                    if self.prop(id, "DBClusterIdentifier").is_some() {
                        inv.links.push(Skipped {
                            address: id.clone(),
                            kind,
                            why: "read as an instance of its cluster".into(),
                        });
                    } else if self.prop(id, "SourceDBInstanceIdentifier").is_some() {
                        inv.skipped.push(Skipped {
                            address: id.clone(),
                            kind,
                            why: "a read replica: replicas are not imported yet".into(),
                        });
                    } else {
                        let db = self.db_instance(id, ident, inv, &region)?;
                        inv.databases.push(db);
                    }
                }
                "AWS::RDS::DBCluster" => {
                    let db = self.db_cluster(id, ident, inv, &region)?;
                    inv.databases.push(db);
                }
                "AWS::ElastiCache::ReplicationGroup" => {
                    let c = self.cache(id, ident, inv, &region)?;
                    inv.caches.push(c);
                }
                "AWS::S3::Bucket" => inv.buckets.push(self.bucket(id, ident)?),
                "AWS::Backup::BackupPlan" => plans.push((id.clone(), ident)),
                other => match link_role(other) {
                    Some(why) => inv.links.push(Skipped { address: id.clone(), kind, why: why.into() }),
                    None => inv.skipped.push(Skipped { address: id.clone(), kind, why: "not understood".into() }),
                },
            }
        }
        for (id, ident) in plans {
            let plan = self.backup_plan(&id, ident, inv)?;
            inv.backup_plans.push(plan);
        }
        Ok(())
    }

    fn subnet_zones(&self, id: &str, path: &str, region: &str) -> Vec<Val<String>> {
        self.linked(id, path, &["AWS::EC2::Subnet"])
            .into_iter()
            .filter_map(|s| {
                let z = self
                    .zone(&s, "AvailabilityZone", region)
                    .or_else(|| self.zone(&s, "AvailabilityZoneId", region))?;
                let origin = match z.origin {
                    Origin::Input(at) => Origin::Input(format!("{id}: {path} → {at}")),
                    other => other,
                };
                Some(Val { value: z.value, origin })
            })
            .collect()
    }

    /// The instance type of the launch template a property names.
    fn launch_template_type(&self, id: &str, path: &str) -> Result<Option<Val<String>>, ImportError> {
        let Some(spec) = self.prop(id, path) else { return Ok(None) };
        let mut found = self.linked(id, path, &["AWS::EC2::LaunchTemplate"]);
        if found.is_empty() {
            if let Some(name) = spec.get("LaunchTemplateName").and_then(Value::as_str) {
                found = self
                    .resources
                    .keys()
                    .filter(|k| self.kind(k) == "AWS::EC2::LaunchTemplate")
                    .filter(|k| self.prop(k, "LaunchTemplateName").and_then(Value::as_str) == Some(name))
                    .cloned()
                    .collect();
            }
        }
        let Some(lt) = found.first() else {
            return Err(self.err(
                &format!("Resources.{id}.Properties.{path}"),
                "names no AWS::EC2::LaunchTemplate of this template (nines needs its instance type): declare it in the template",
            ));
        };
        Ok(self.text(lt, "LaunchTemplateData.InstanceType")?.map(|t| Val {
            value: t.value,
            origin: Origin::Input(format!(
                "{id}: {path} → {}",
                match t.origin {
                    Origin::Input(at) => at,
                    Origin::Assumed { why, .. } => why,
                }
            )),
        }))
    }

    fn group(&self, id: &str, ident: Id, inv: &mut Inventory, region: &str) -> Result<Group, ImportError> {
        let max = self
            .int(id, "MaxSize")?
            .ok_or_else(|| self.err(&format!("Resources.{id}.Properties"), "MaxSize is required"))?;
        let min = self.int(id, "MinSize")?;
        let desired = match self.int(id, "DesiredCapacity")? {
            Some(d) => d,
            None => match &min {
                Some(m) => {
                    Val::input(m.value, format!("{id}: MinSize (DesiredCapacity not set: the group starts at MinSize)"))
                }
                None => return Err(self.err(&format!("Resources.{id}.Properties"), "MinSize is required")),
            },
        };
        let mut zones = self.subnet_zones(id, "VPCZoneIdentifier", region);
        if zones.is_empty() {
            if let Some(Value::Array(list)) = self.prop(id, "AvailabilityZones") {
                for (i, _) in list.iter().enumerate() {
                    if let Some(z) = self.zone(id, &format!("AvailabilityZones.{i}"), region) {
                        zones.push(z);
                    }
                }
            }
        }
        let zones = zones.into_iter().map(|z| inv.zone(z)).collect();
        let mut instance_type = self.launch_template_type(id, "LaunchTemplate")?;
        if instance_type.is_none() {
            instance_type =
                self.launch_template_type(id, "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification")?;
        }
        if let Some(t) = self.text(id, "MixedInstancesPolicy.LaunchTemplate.Overrides.0.InstanceType")? {
            instance_type = Some(t);
        }
        if instance_type.is_none() {
            if let Some(lc) =
                self.linked(id, "LaunchConfigurationName", &["AWS::AutoScaling::LaunchConfiguration"]).first()
            {
                instance_type = self.text(lc, "InstanceType")?;
            }
        }
        let spot = self
            .linked(id, "LaunchTemplate", &["AWS::EC2::LaunchTemplate"])
            .first()
            .and_then(|lt| self.text(lt, "LaunchTemplateData.InstanceMarketOptions.MarketType").ok().flatten())
            .map(|m| Val { value: m.value == "spot", origin: m.origin });
        let load_balancer = self.group_load_balancer(id, inv)?;
        Ok(Group { id: ident, instance_type, spot, min, max, desired, zones, load_balancer })
    }

    fn group_load_balancer(&self, id: &str, inv: &mut Inventory) -> Result<Option<usize>, ImportError> {
        let tg_kind = ["AWS::ElasticLoadBalancingV2::TargetGroup"];
        let Some(tg) = self.linked(id, "TargetGroupARNs", &tg_kind).into_iter().next() else { return Ok(None) };
        let mut lb = None;
        let mut via = format!("TargetGroupARNs → {tg}");
        for l in self.resources.keys().filter(|k| self.kind(k) == "AWS::ElasticLoadBalancingV2::Listener") {
            if self.linked(l, "DefaultActions", &tg_kind).contains(&tg) {
                if let Some(found) =
                    self.linked(l, "LoadBalancerArn", &["AWS::ElasticLoadBalancingV2::LoadBalancer"]).into_iter().next()
                {
                    via = format!("{via} ← {l}");
                    lb = Some(found);
                    break;
                }
            }
        }
        let address = lb.clone().unwrap_or_else(|| tg.clone());
        if let Some(existing) =
            inv.load_balancers.iter().position(|x| x.id.address == address && x.health.target_group == tg)
        {
            return Ok(Some(existing));
        }
        let health = HealthCheck {
            target_group: tg.clone(),
            interval_s: self.int(&tg, "HealthCheckIntervalSeconds")?,
            unhealthy_threshold: self.int(&tg, "UnhealthyThresholdCount")?,
            healthy_threshold: self.int(&tg, "HealthyThresholdCount")?,
        };
        let kind = match &lb {
            Some(l) => self.text(l, "Type")?.unwrap_or_else(|| {
                Val::assumed("application".to_owned(), format!("{l}: Type not set: AWS's default is application"), None)
            }),
            None => Val::assumed(
                "application".to_owned(),
                format!("no load balancer found for {tg}: taken as an Application Load Balancer"),
                None,
            ),
        };
        let ident = Id { address: address.clone(), kind: self.kind(&address).to_owned(), name: kebab(&address) };
        inv.load_balancers.push(LoadBalancer { id: ident, kind, health, via });
        Ok(Some(inv.load_balancers.len() - 1))
    }

    fn retention(&self, id: &str) -> Result<Val<i64>, ImportError> {
        Ok(self.int(id, "BackupRetentionPeriod")?.unwrap_or_else(|| {
            Val::assumed(
                1,
                "BackupRetentionPeriod not set: RDS keeps automated backups 1 day by default",
                Some("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html"),
            )
        }))
    }

    fn db_instance(&self, id: &str, ident: Id, inv: &mut Inventory, region: &str) -> Result<Database, ImportError> {
        let multi_az = self
            .flag(id, "MultiAZ")?
            .unwrap_or_else(|| Val::assumed(false, "MultiAZ not set: CloudFormation's default is false", None));
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

    fn db_cluster(&self, id: &str, ident: Id, inv: &mut Inventory, region: &str) -> Result<Database, ImportError> {
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

    fn cache(&self, id: &str, ident: Id, inv: &mut Inventory, region: &str) -> Result<Cache, ImportError> {
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

    fn bucket(&self, id: &str, ident: Id) -> Result<Bucket, ImportError> {
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

    fn backup_plan(&self, id: &str, ident: Id, inv: &Inventory) -> Result<BackupPlan, ImportError> {
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

fn link_role(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "AWS::EC2::Subnet" => "read for its availability zone",
        "AWS::EC2::LaunchTemplate" | "AWS::AutoScaling::LaunchConfiguration" => {
            "read for the instance type of the groups using it"
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => "read as the load balancer of the groups behind it",
        "AWS::ElasticLoadBalancingV2::TargetGroup" => "read for its health check",
        "AWS::ElasticLoadBalancingV2::Listener" => "read to tie load balancers, target groups and groups together",
        "AWS::RDS::DBSubnetGroup" | "AWS::ElastiCache::SubnetGroup" => "read for the zones of its subnets",
        "AWS::Backup::BackupSelection" => "read for the resources its plan backs up",
        _ => return None,
    })
}

/// The `${Name}` variables of an `Fn::Sub` string (not `${!Literal}`).
fn sub_vars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') && !name.is_empty() {
            out.push(name.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
