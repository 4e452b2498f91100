//! CloudFormation templates (JSON, or YAML after [`super::yaml`] turned
//! the short tags into long forms) into an [`Inventory`].
//!
//! A template's `Resources` map logical IDs to `{Type, Properties}`.
//! Links between resources are intrinsic functions: `Ref`, `Fn::GetAtt`,
//! and the `${Name}` variables of `Fn::Sub`; a `Ref` to a parameter takes
//! the parameter's `Default`. Every intrinsic is checked first: an unknown
//! function, or a `Ref`/`Fn::GetAtt` to a name the template does not
//! declare, is an error (CloudFormation would refuse the template too).

mod compute;
mod data;
mod intrinsics;

use super::ImportError;
use super::inventory::*;
use super::yaml::Lines;
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
        // The region: from the first zone a subnet, then any resource,
        // names literally (or by a parameter's default), else assumed.
        let subnets_first = self.resources.keys().filter(|id| self.kind(id) == "AWS::EC2::Subnet");
        let literal_zone = subnets_first.chain(self.resources.keys()).find_map(|id| {
            self.zone(id, "AvailabilityZone", "")
                .filter(|z| matches!(z.origin, Origin::Input(_)))
                .and_then(|z| region_of_zone(&z.value).map(|r| (r, z.origin)))
        });
        inv.region = Some(match literal_zone {
            Some((r, origin)) => Val::input(r, format!("the region of the zones, e.g. {}", origin.text())),
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

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
