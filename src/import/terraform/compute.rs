//! Compute resources of a Terraform input: auto-scaling groups with their
//! launch templates, Spot options and load balancers (target group health
//! checks, listeners).

use super::super::ImportError;
use super::super::inventory::*;
use super::values::*;
use super::{Res, Tf, short_name};
use serde_json::{Map, Value};
use std::collections::HashMap;

impl Tf<'_> {
    /// The instance type of the launch template a block (`launch_template.0`)
    /// names; an error when it names one the input does not hold.
    pub(super) fn launch_template_type(&self, r: &Res<'_>, block: &str) -> Result<Option<Val<String>>, ImportError> {
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

    pub(super) fn group(
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
    pub(super) fn spot(&self, r: &Res<'_>) -> Result<Option<Val<bool>>, ImportError> {
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
    pub(super) fn group_load_balancer(
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
                // Any of its default actions: `target_group_arn`, or `forward`'s target groups.
                if self.linked(l, "default_action", &tg_kinds).contains(&tg) {
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

    pub(super) fn health_check(&self, t: &Res<'_>) -> Result<HealthCheck, ImportError> {
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
}
