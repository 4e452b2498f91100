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

mod compute;
mod data;
mod values;

use super::ImportError;
use super::inventory::*;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;
use values::*;

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
                    .map(|r| Val::input(r, format!("the region of {}: {}", z.value, z.origin.text())))
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

    fn index_of(&self, r: &Res<'_>) -> usize {
        self.res.iter().position(|x| x.address == r.address).unwrap_or(usize::MAX)
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
