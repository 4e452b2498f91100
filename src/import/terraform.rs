//! `terraform show -json` output, state or plan, into an [`Inventory`].
//!
//! The format (Terraform's "JSON Output Format", version 1.x): a state has
//! `values.root_module`, a plan `planned_values.root_module`; a module has
//! `resources[]` (each with `address`, `mode`, `type`, `name`, optional
//! `index`, and `values`, the attributes) and `child_modules[]`. A plan also
//! has `configuration`, whose `expressions` name the resources an attribute
//! refers to: the links (`vpc_zone_identifier`, `launch_template.id`, …)
//! that a state shows as IDs are unknown in a plan until apply, so links
//! are followed by ID in a state and by reference in a plan.

use super::ImportError;
use super::inventory::*;
use super::schedule;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// One resource of the input.
struct Res<'a> {
    address: String,
    kind: String,
    name: String,
    /// `module.a.module.b.` or empty.
    module: String,
    /// `count` or `for_each` key.
    index: Option<&'a Value>,
    data: bool,
    values: &'a Map<String, Value>,
}

impl Res<'_> {
    /// Address without the index: what configuration references name.
    fn base(&self) -> String {
        format!("{}{}{}.{}", self.module, if self.data { "data." } else { "" }, self.kind, self.name)
    }
}

/// The input with its lookups.
struct Tf<'a> {
    file: &'a Path,
    plan: bool,
    res: Vec<Res<'a>>,
    /// `id`, `arn`, `name` and other identifying values → resources.
    by_id: HashMap<String, Vec<usize>>,
    /// Plan only: resource address (no index) → its configuration expressions.
    config: HashMap<String, &'a Value>,
}

/// Reads `terraform show -json` output.
pub fn read(file: &Path, doc: &Value) -> Result<Inventory, ImportError> {
    let err = |at: &str, m: String| ImportError::new(file, None, at, m);
    let version = match doc.get("format_version") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => return Err(err("format_version", format!("expected a string like \"1.0\" (got {other})"))),
        None => return Err(err("", "no \"format_version\": not `terraform show -json` output".into())),
    };
    if version.split('.').next() != Some("1") {
        return Err(err(
            "format_version",
            format!(
                "unsupported version {version:?}: nines reads version 1.x of Terraform's JSON output format (Terraform 1.0 and later)"
            ),
        ));
    }
    let tf_version = doc.get("terraform_version").and_then(Value::as_str).unwrap_or("unknown");
    let (plan, root_key) = if doc.get("planned_values").is_some() {
        (true, "planned_values")
    } else if doc.get("values").is_some() {
        (false, "values")
    } else {
        return Err(err(
            "",
            "neither \"values\" (a state) nor \"planned_values\" (a plan): the state holds no resources".into(),
        ));
    };
    let mut tf = Tf { file, plan, res: Vec::new(), by_id: HashMap::new(), config: HashMap::new() };
    let root = doc[root_key].get("root_module").ok_or_else(|| err(root_key, "no \"root_module\"".into()))?;
    tf.collect(root, &format!("{root_key}.root_module"), "")?;
    if plan {
        if let Some(config) = doc.get("configuration").and_then(|c| c.get("root_module")) {
            tf.collect_config(config, "");
        }
    }
    let mut inv = Inventory {
        format: format!(
            "terraform show -json ({}, format_version {version}, Terraform {tf_version})",
            if plan { "plan" } else { "state" }
        ),
        ..Inventory::default()
    };
    if let Some(region) =
        doc.pointer("/configuration/provider_config/aws/expressions/region/constant_value").and_then(Value::as_str)
    {
        inv.region = Some(Val::input(region.to_owned(), "provider \"aws\": region"));
    }
    tf.inventory(&mut inv)?;
    Ok(inv)
}

impl<'a> Tf<'a> {
    fn err(&self, at: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(self.file, None, at, message)
    }

    /// Gathers the resources of a module and its children.
    fn collect(&mut self, module: &'a Value, at: &str, prefix: &str) -> Result<(), ImportError> {
        if let Some(list) = module.get("resources") {
            let list = list.as_array().ok_or_else(|| self.err(at, "\"resources\" must be a list"))?;
            for (i, r) in list.iter().enumerate() {
                let rat = format!("{at}.resources[{i}]");
                let text = |key: &str| r.get(key).and_then(Value::as_str);
                let address = text("address").ok_or_else(|| self.err(&rat, "a resource needs its \"address\""))?;
                let kind = text("type").ok_or_else(|| self.err(address, "no \"type\""))?;
                let name = text("name").ok_or_else(|| self.err(address, "no \"name\""))?;
                let empty: &'static Map<String, Value> = empty_map();
                let values = match r.get("values") {
                    None | Some(Value::Null) => empty,
                    Some(Value::Object(m)) => m,
                    Some(_) => return Err(self.err(address, "\"values\" must be an object of attributes")),
                };
                let idx = self.res.len();
                for key in ["id", "arn", "name", "bucket", "cluster_identifier", "identifier"] {
                    if let Some(v) = values.get(key).and_then(Value::as_str) {
                        self.by_id.entry(v.to_owned()).or_default().push(idx);
                    }
                }
                self.res.push(Res {
                    address: address.to_owned(),
                    kind: kind.to_owned(),
                    name: name.to_owned(),
                    module: prefix.to_owned(),
                    index: r.get("index"),
                    data: text("mode") == Some("data"),
                    values,
                });
            }
        }
        if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
            for (i, child) in children.iter().enumerate() {
                let addr = child.get("address").and_then(Value::as_str).unwrap_or("");
                let child_prefix = if addr.is_empty() { prefix.to_owned() } else { format!("{addr}.") };
                self.collect(child, &format!("{at}.child_modules[{i}]"), &child_prefix)?;
            }
        }
        Ok(())
    }

    /// Gathers the configuration's expressions, by absolute address.
    fn collect_config(&mut self, module: &'a Value, prefix: &str) {
        for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(addr), Some(expr)) = (r.get("address").and_then(Value::as_str), r.get("expressions")) {
                self.config.insert(format!("{prefix}{addr}"), expr);
            }
        }
        for (name, call) in module.get("module_calls").and_then(Value::as_object).into_iter().flatten() {
            if let Some(m) = call.get("module") {
                self.collect_config(m, &format!("{prefix}module.{name}."));
            }
        }
    }

    /// The resources of the given types that attribute `path` of `r` points
    /// to: by the IDs in its values, and in a plan by its configuration's
    /// references.
    fn linked(&self, r: &Res<'_>, path: &str, kinds: &[&str]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut ids = Vec::new();
        strings(getm(r.values, path), &mut ids);
        for id in &ids {
            for &i in self.by_id.get(id.as_str()).into_iter().flatten() {
                if kinds.contains(&self.res[i].kind.as_str()) && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        if let Some(expr) = self.config.get(&r.base()) {
            let mut refs = Vec::new();
            references(get(expr, path), &mut refs);
            for reference in refs {
                for i in self.resolve(&r.module, &reference) {
                    if kinds.contains(&self.res[i].kind.as_str()) && !out.contains(&i) {
                        out.push(i);
                    }
                }
            }
        }
        out
    }

    /// Resources a configuration reference (`aws_subnet.a.id`,
    /// `aws_subnet.a[0]`, `data.aws_launch_template.x.id`) names, from
    /// within module `module`.
    fn resolve(&self, module: &str, reference: &str) -> Vec<usize> {
        let (data, rest) = match reference.strip_prefix("data.") {
            Some(r) => (true, r),
            None => (false, reference),
        };
        let mut parts = rest.splitn(3, '.');
        let (Some(kind), Some(name_idx)) = (parts.next(), parts.next()) else { return Vec::new() };
        let (name, index) = match name_idx.split_once('[') {
            Some((n, i)) => (n, Some(i.trim_end_matches(']').trim_matches('"'))),
            None => (name_idx, None),
        };
        let base = format!("{module}{}{kind}.{name}", if data { "data." } else { "" });
        (0..self.res.len())
            .filter(|&i| {
                let r = &self.res[i];
                r.base() == base
                    && index.is_none_or(|want| {
                        r.index.is_some_and(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned) == want)
                    })
            })
            .collect()
    }

    /// Turns every resource into the inventory, links followed.
    fn inventory(&self, inv: &mut Inventory) -> Result<(), ImportError> {
        let mut data_sources = 0;
        // Subnets first: everything else is placed through them.
        for r in self.res.iter().filter(|r| !r.data && r.kind == "aws_subnet") {
            if let Some(z) = opt_str(self, r, "availability_zone")? {
                inv.zone(Val::input(z, format!("{}: availability_zone", r.address)));
            }
        }
        let mut lbs: HashMap<(usize, usize), usize> = HashMap::new();
        for r in &self.res {
            if r.data {
                data_sources += 1;
                continue;
            }
            let id = Id { address: r.address.clone(), kind: r.kind.clone(), name: short_name(r) };
            match r.kind.as_str() {
                "aws_instance" => {
                    let zone = match opt_str(self, r, "availability_zone")? {
                        Some(z) => Some(Val::input(z, format!("{}: availability_zone", r.address))),
                        None => self.subnet_zones(r, "subnet_id").into_iter().next(),
                    };
                    let zone = zone.map(|z| inv.zone(z));
                    let instance_type = opt_str(self, r, "instance_type")?
                        .map(|t| Val::input(t, format!("{}: instance_type", r.address)))
                        .or(self.launch_template_type(r, "launch_template.0")?);
                    inv.instances.push(Instance { id, instance_type, zone });
                }
                "aws_autoscaling_group" => {
                    let g = self.group(r, id, inv, &mut lbs)?;
                    inv.groups.push(g);
                }
                "aws_db_instance" => {
                    if let Some(src) = opt_str(self, r, "replicate_source_db")? {
                        inv.skipped.push(Skipped {
                            address: r.address.clone(),
                            kind: r.kind.clone(),
                            why: format!("a read replica of {src}: replicas are not imported yet"),
                        });
                        continue;
                    }
                    let db = self.db_instance(r, id, inv)?;
                    inv.databases.push(db);
                }
                "aws_rds_cluster" => {
                    let db = self.rds_cluster(r, id, inv)?;
                    inv.databases.push(db);
                }
                "aws_elasticache_replication_group" => {
                    let c = self.cache(r, id, inv)?;
                    inv.caches.push(c);
                }
                "aws_s3_bucket" => {
                    let b = self.bucket(r, id)?;
                    inv.buckets.push(b);
                }
                kind => {
                    if let Some(why) = link_role(kind) {
                        inv.links.push(Skipped {
                            address: r.address.clone(),
                            kind: kind.to_owned(),
                            why: why.to_owned(),
                        });
                    } else if kind != "aws_backup_plan" {
                        inv.skipped.push(Skipped {
                            address: r.address.clone(),
                            kind: kind.to_owned(),
                            why: "not understood".to_owned(),
                        });
                    }
                }
            }
        }
        // Backup plans last: their selections name the databases.
        for r in self.res.iter().filter(|r| !r.data && r.kind == "aws_backup_plan") {
            let id = Id { address: r.address.clone(), kind: r.kind.clone(), name: short_name(r) };
            let plan = self.backup_plan(r, id, inv)?;
            inv.backup_plans.push(plan);
        }
        if data_sources > 0 {
            inv.notes.push(format!("{data_sources} data source(s) read only where a resource refers to one"));
        }
        if inv.region.is_none() {
            inv.region = inv.zones.iter().find_map(|z| {
                region_of_zone(&z.value)
                    .map(|r| Val::input(r, format!("the region of {}: {}", z.value, origin_text(&z.origin))))
            });
        }
        Ok(())
    }

    /// Zones of the subnets an attribute lists.
    fn subnet_zones(&self, r: &Res<'_>, path: &str) -> Vec<Val<String>> {
        self.linked(r, path, &["aws_subnet"])
            .into_iter()
            .filter_map(|i| {
                let s = &self.res[i];
                s.values.get("availability_zone").and_then(Value::as_str).map(|z| {
                    Val::input(z.to_owned(), format!("{}: {path} → {}: availability_zone", r.address, s.address))
                })
            })
            .collect()
    }

    /// The instance type of the launch template a block (`launch_template.0`)
    /// names; an error when it names one the input does not hold.
    fn launch_template_type(&self, r: &Res<'_>, block: &str) -> Result<Option<Val<String>>, ImportError> {
        let Some(spec) = getm(r.values, block)
            .cloned()
            .or_else(|| self.config.get(&r.base()).and_then(|e| get(e, block)).map(|_| Value::Object(Map::new())))
        else {
            return Ok(None);
        };
        let kinds = ["aws_launch_template"];
        let mut found = self.linked(r, &format!("{block}.id"), &kinds);
        found.extend(self.linked(r, &format!("{block}.name"), &kinds));
        found.extend(self.linked(r, &format!("{block}.launch_template_id"), &kinds));
        found.extend(self.linked(r, &format!("{block}.launch_template_name"), &kinds));
        let Some(&lt) = found.first() else {
            let named = ["id", "name", "launch_template_id", "launch_template_name"]
                .iter()
                .find_map(|k| spec.get(*k).and_then(Value::as_str).map(|v| format!("{k} {v:?}")))
                .unwrap_or_else(|| "a launch template".to_owned());
            return Err(self.err(
                &r.address,
                format!(
                    "{block}: {named} names no aws_launch_template in the input (nines needs its instance type: \
                     add the launch template to the configuration, or import the plan)"
                ),
            ));
        };
        let t = &self.res[lt];
        let via = format!("{}: {block} → {}: instance_type", r.address, t.address);
        Ok(opt_str(self, t, "instance_type")?.map(|v| Val::input(v, via)))
    }

    fn group(
        &self,
        r: &Res<'_>,
        id: Id,
        inv: &mut Inventory,
        lbs: &mut HashMap<(usize, usize), usize>,
    ) -> Result<Group, ImportError> {
        let at = |attr: &str| format!("{}: {attr}", r.address);
        let max = Val::input(req_int(self, r, "max_size")?, at("max_size"));
        let min = opt_int(self, r, "min_size")?.map(|v| Val::input(v, at("min_size")));
        let desired = match opt_int(self, r, "desired_capacity")? {
            Some(d) => Val::input(d, at("desired_capacity")),
            None => match &min {
                Some(m) => Val::input(m.value, at("min_size (desired_capacity not set: the group starts at min_size)")),
                None => return Err(self.err(&r.address, "neither desired_capacity nor min_size is known")),
            },
        };
        let mut zones: Vec<Val<String>> = self.subnet_zones(r, "vpc_zone_identifier");
        if zones.is_empty() {
            for z in strs(self, r, "availability_zones")? {
                zones.push(Val::input(z, at("availability_zones")));
            }
        }
        let zones: Vec<Val<String>> = zones.into_iter().map(|z| inv.zone(z)).collect();
        let mut instance_type = None;
        for block in ["launch_template.0", "mixed_instances_policy.0.launch_template.0.launch_template_specification.0"]
        {
            if instance_type.is_none() {
                instance_type = self.launch_template_type(r, block)?;
            }
        }
        if let Some(t) = getm(r.values, "mixed_instances_policy.0.launch_template.0.override.0.instance_type")
            .and_then(Value::as_str)
        {
            instance_type = Some(Val::input(t.to_owned(), at("mixed_instances_policy…override[0].instance_type")));
        }
        if instance_type.is_none() {
            if let Some(&lc) = self.linked(r, "launch_configuration", &["aws_launch_configuration"]).first() {
                let c = &self.res[lc];
                let via = format!("{}: launch_configuration → {}: instance_type", r.address, c.address);
                instance_type = opt_str(self, c, "instance_type")?.map(|v| Val::input(v, via));
            }
        }
        let spot = self.spot(r)?;
        let load_balancer = self.group_load_balancer(r, inv, lbs)?;
        Ok(Group { id, instance_type, spot, min, max, desired, zones, load_balancer })
    }

    /// Spot instances: the launch template's market type.
    fn spot(&self, r: &Res<'_>) -> Result<Option<Val<bool>>, ImportError> {
        for i in self.linked(r, "launch_template.0.id", &["aws_launch_template"]) {
            let t = &self.res[i];
            let market = getm(t.values, "instance_market_options.0.market_type");
            if let Some(m) = market.and_then(Value::as_str) {
                return Ok(Some(Val::input(
                    m == "spot",
                    format!("{}: instance_market_options.market_type", t.address),
                )));
            }
        }
        Ok(None)
    }

    /// The load balancer in front of a group: its target groups (attribute,
    /// or `aws_autoscaling_attachment`), and the `aws_lb` a listener or the
    /// target group's `load_balancer_arns` ties them to.
    fn group_load_balancer(
        &self,
        r: &Res<'_>,
        inv: &mut Inventory,
        lbs: &mut HashMap<(usize, usize), usize>,
    ) -> Result<Option<usize>, ImportError> {
        let tg_kinds = ["aws_lb_target_group", "aws_alb_target_group"];
        let mut tgs = self.linked(r, "target_group_arns", &tg_kinds);
        for (i, a) in self.res.iter().enumerate() {
            if a.kind == "aws_autoscaling_attachment"
                && self.linked(a, "autoscaling_group_name", &[&r.kind]).contains(&self.index_of(r))
            {
                let _ = i;
                for tg in self.linked(a, "lb_target_group_arn", &tg_kinds) {
                    if !tgs.contains(&tg) {
                        tgs.push(tg);
                    }
                }
            }
        }
        let Some(&tg) = tgs.first() else { return Ok(None) };
        let t = &self.res[tg];
        let mut lb = self.linked(t, "load_balancer_arns", &["aws_lb", "aws_alb"]).first().copied();
        let mut via = format!("target_group_arns → {}", t.address);
        if lb.is_none() {
            for l in self.res.iter().filter(|l| matches!(l.kind.as_str(), "aws_lb_listener" | "aws_alb_listener")) {
                let forwards = self.linked(l, "default_action.0.target_group_arn", &tg_kinds).contains(&tg)
                    || self.linked(l, "default_action.0.forward.0.target_group.0.arn", &tg_kinds).contains(&tg);
                if forwards {
                    if let Some(&found) = self.linked(l, "load_balancer_arn", &["aws_lb", "aws_alb"]).first() {
                        lb = Some(found);
                        via = format!("{via} ← {}", l.address);
                        break;
                    }
                }
            }
        }
        let key = (lb.unwrap_or(usize::MAX), tg);
        if let Some(&existing) = lbs.get(&key) {
            return Ok(Some(existing));
        }
        let health = self.health_check(t)?;
        let (id, kind) = match lb {
            Some(i) => {
                let l = &self.res[i];
                let kind = opt_str(self, l, "load_balancer_type")?
                    .map(|k| Val::input(k, format!("{}: load_balancer_type", l.address)))
                    .unwrap_or_else(|| {
                        Val::assumed(
                            "application".to_owned(),
                            "load_balancer_type not set: AWS's default is application",
                            None,
                        )
                    });
                (Id { address: l.address.clone(), kind: l.kind.clone(), name: short_name(l) }, kind)
            }
            None => (
                Id { address: t.address.clone(), kind: t.kind.clone(), name: short_name(t) },
                Val::assumed(
                    "application".to_owned(),
                    format!("no aws_lb found for {}: taken as an Application Load Balancer", t.address),
                    None,
                ),
            ),
        };
        inv.load_balancers.push(LoadBalancer { id, kind, health, via });
        lbs.insert(key, inv.load_balancers.len() - 1);
        Ok(Some(inv.load_balancers.len() - 1))
    }

    fn index_of(&self, r: &Res<'_>) -> usize {
        self.res.iter().position(|x| x.address == r.address).unwrap_or(usize::MAX)
    }

    fn health_check(&self, t: &Res<'_>) -> Result<HealthCheck, ImportError> {
        let hc = getm(t.values, "health_check.0").cloned().unwrap_or(Value::Null);
        let field = |key: &str| -> Result<Option<Val<i64>>, ImportError> {
            match hc.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => {
                    int_of(v).map(|n| Some(Val::input(n, format!("{}: health_check.{key}", t.address)))).ok_or_else(
                        || self.err(&t.address, format!("health_check.{key}: expected a whole number (got {v})")),
                    )
                }
            }
        };
        Ok(HealthCheck {
            target_group: t.address.clone(),
            interval_s: field("interval")?,
            unhealthy_threshold: field("unhealthy_threshold")?,
            healthy_threshold: field("healthy_threshold")?,
        })
    }

    fn db_instance(&self, r: &Res<'_>, id: Id, inv: &mut Inventory) -> Result<Database, ImportError> {
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
    fn db_subnet_zones(&self, r: &Res<'_>, attr: &str, kinds: &[&str]) -> Vec<Val<String>> {
        let mut out: Vec<Val<String>> = Vec::new();
        for g in self.linked(r, attr, kinds) {
            let grp = &self.res[g];
            for z in self.subnet_zones(grp, "subnet_ids") {
                if !out.iter().any(|k| k.value == z.value) {
                    out.push(Val::input(
                        z.value.clone(),
                        format!("a zone of {}: {attr} → {} (AWS chooses which)", r.address, origin_text(&z.origin)),
                    ));
                }
            }
        }
        out
    }

    fn rds_cluster(&self, r: &Res<'_>, id: Id, inv: &mut Inventory) -> Result<Database, ImportError> {
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
            DbKind::Aurora { instances } => Val::input(instances.value > 1, origin_text(&instances.origin)),
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

    fn cache(&self, r: &Res<'_>, id: Id, inv: &mut Inventory) -> Result<Cache, ImportError> {
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

    fn bucket(&self, r: &Res<'_>, id: Id) -> Result<Bucket, ImportError> {
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

    fn backup_plan(&self, r: &Res<'_>, id: Id, inv: &Inventory) -> Result<BackupPlan, ImportError> {
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

/// What a resource type nines reads only to follow links is used for.
fn link_role(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "aws_subnet" => "read for its availability zone",
        "aws_launch_template" | "aws_launch_configuration" => "read for the instance type of the groups using it",
        "aws_lb" | "aws_alb" => "read as the load balancer of the groups behind it",
        "aws_lb_target_group" | "aws_alb_target_group" => "read for its health check",
        "aws_lb_listener" | "aws_alb_listener" | "aws_autoscaling_attachment" => {
            "read to tie load balancers, target groups and groups together"
        }
        "aws_db_subnet_group" | "aws_elasticache_subnet_group" => "read for the zones of its subnets",
        "aws_rds_cluster_instance" => "read as an instance of its cluster",
        "aws_s3_bucket_lifecycle_configuration" => "read for the storage class of its bucket",
        "aws_backup_selection" => "read for the resources its plan backs up",
        _ => return None,
    })
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// The scenario name a resource suggests: its name, with its index.
fn short_name(r: &Res<'_>) -> String {
    let mut name = kebab(&r.name);
    if let Some(i) = r.index {
        let idx = i.as_str().map_or_else(|| i.to_string(), str::to_owned);
        name = format!("{name}-{}", kebab(&idx));
    }
    name
}

/// The attribute at a dotted path of a resource's values.
fn getm<'v>(m: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let (first, rest) = match path.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (path, None),
    };
    let v = m.get(first)?;
    match rest {
        Some(r) => get(v, r),
        None => (!v.is_null()).then_some(v),
    }
}

/// The value at a dotted path (`launch_template.0.id`); null counts as absent.
fn get<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match seg.parse::<usize>() {
            Ok(i) => cur.get(i)?,
            Err(_) => cur.get(seg)?,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// Strings in a value (one, or a list).
fn strings(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::String(s)) => out.push(s.clone()),
        Some(Value::Array(a)) => a.iter().for_each(|x| strings(Some(x), out)),
        _ => {}
    }
}

/// The `references` of a configuration expression (and of nested blocks).
fn references(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::Object(m)) => {
            if let Some(Value::Array(refs)) = m.get("references") {
                out.extend(refs.iter().filter_map(Value::as_str).map(str::to_owned));
            }
        }
        Some(Value::Array(a)) => a.iter().for_each(|x| references(Some(x), out)),
        _ => {}
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn opt_int(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Option<i64>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            int_of(v).map(Some).ok_or_else(|| tf.err(&r.address, format!("{key}: expected a whole number (got {v})")))
        }
    }
}

fn req_int(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<i64, ImportError> {
    opt_int(tf, r, key)?.ok_or_else(|| {
        let when = if tf.plan { " (a value known only after apply cannot be imported from a plan)" } else { "" };
        tf.err(&r.address, format!("{key}: missing{when}"))
    })
}

fn opt_bool(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Option<bool>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(tf.err(&r.address, format!("{key}: expected true or false (got {v})"))),
    }
}

fn opt_str(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Option<String>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(tf.err(&r.address, format!("{key}: expected a string (got {v})"))),
    }
}

fn strs(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Vec<String>, ImportError> {
    match r.values.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| tf.err(&r.address, format!("{key}: expected a list of strings (got {v})")))
            })
            .collect(),
        Some(v) => Err(tf.err(&r.address, format!("{key}: expected a list of strings (got {v})"))),
    }
}

fn backup_retention(tf: &Tf<'_>, r: &Res<'_>, key: &str) -> Result<Val<i64>, ImportError> {
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

/// An origin as text, for chaining links.
pub fn origin_text(o: &Origin) -> String {
    match o {
        Origin::Input(at) => at.clone(),
        Origin::Assumed { why, .. } => why.clone(),
    }
}
