//! Compute resources of a template: auto-scaling groups with their launch
//! templates, Spot options and load balancers (target groups, listeners).

use super::super::ImportError;
use super::super::inventory::*;
use super::Cfn;
use serde_json::Value;

impl Cfn<'_> {
    /// The instance type of the launch template a property names.
    pub(super) fn launch_template_type(&self, id: &str, path: &str) -> Result<Option<Val<String>>, ImportError> {
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
        let via = |t: Val<String>| Val::input(t.value, format!("{id}: {path} → {}", t.origin.text()));
        Ok(self.text(lt, "LaunchTemplateData.InstanceType")?.map(via))
    }

    pub(super) fn group(&self, id: &str, ident: Id, inv: &mut Inventory, region: &str) -> Result<Group, ImportError> {
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

    pub(super) fn group_load_balancer(&self, id: &str, inv: &mut Inventory) -> Result<Option<usize>, ImportError> {
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
}
