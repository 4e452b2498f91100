//! What an infrastructure description says, in one shape whatever the
//! source format: the resources nines can model, each value with where it
//! came from (a resource address and attribute of the input, or an
//! assumption with its reason and source), and the resources left out.
//!
//! The readers (`terraform`, `cloudformation`) fill it; the writer
//! (`writer`) turns it into a commented scenario.

/// Where a value came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// Read from the input: a resource address (Terraform) or logical ID
    /// (CloudFormation), and the attribute, possibly followed through links
    /// (`launch_template → aws_launch_template.web: instance_type`).
    Input(String),
    /// Not in the input: what was assumed and why, with the URL of the
    /// figure's source where one exists.
    Assumed {
        /// What was assumed, and why.
        why: String,
        /// Source of the figure, if any.
        source: Option<String>,
    },
}

impl Origin {
    /// The origin as text: the address and attribute, or the assumption's
    /// reason (for chaining links).
    pub fn text(&self) -> String {
        match self {
            Origin::Input(at) => at.clone(),
            Origin::Assumed { why, .. } => why.clone(),
        }
    }
}

/// A value with its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Val<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

impl<T> Val<T> {
    /// A value read from the input at `at` (address and attribute).
    pub fn input(value: T, at: impl Into<String>) -> Self {
        Val { value, origin: Origin::Input(at.into()) }
    }

    /// An assumed value.
    pub fn assumed(value: T, why: impl Into<String>, source: Option<&str>) -> Self {
        Val { value, origin: Origin::Assumed { why: why.into(), source: source.map(str::to_owned) } }
    }
}

/// A resource nines reads: its address in the input and a short name for
/// the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Id {
    /// Terraform address (`module.app.aws_instance.web[0]`) or
    /// CloudFormation logical ID (`WebServerGroup`).
    pub address: String,
    /// The resource type (`aws_instance`, `AWS::EC2::Instance`).
    pub kind: String,
    /// Suggested scenario name, before names are made unique.
    pub name: String,
}

/// A standalone EC2 instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Which resource.
    pub id: Id,
    /// Its instance type.
    pub instance_type: Option<Val<String>>,
    /// Its zone.
    pub zone: Option<Val<String>>,
}

/// A load balancer's target-group health check.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct HealthCheck {
    /// The target group's address.
    pub target_group: String,
    /// Seconds between checks.
    pub interval_s: Option<Val<i64>>,
    /// Failed checks before a target is taken out.
    pub unhealthy_threshold: Option<Val<i64>>,
    /// Passed checks before a target is admitted.
    pub healthy_threshold: Option<Val<i64>>,
}

/// A load balancer in front of groups.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancer {
    /// Which resource (an `aws_lb`, or the target group when no load
    /// balancer is found for it).
    pub id: Id,
    /// `application`, `network` or `gateway`.
    pub kind: Val<String>,
    /// The health check of the target group the groups use.
    pub health: HealthCheck,
    /// Links followed to find it (listener, target group), for comments.
    pub via: String,
}

/// An auto-scaling group.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Which resource.
    pub id: Id,
    /// Instance type, from its launch template or configuration.
    pub instance_type: Option<Val<String>>,
    /// Spot instances (the launch template's market type).
    pub spot: Option<Val<bool>>,
    /// min_size.
    pub min: Option<Val<i64>>,
    /// max_size.
    pub max: Val<i64>,
    /// desired_capacity (min_size when not set).
    pub desired: Val<i64>,
    /// Zones, from its subnets or its own list.
    pub zones: Vec<Val<String>>,
    /// Index into [`Inventory::load_balancers`].
    pub load_balancer: Option<usize>,
}

/// How a database keeps its copies.
#[derive(Clone, Debug, PartialEq)]
pub enum DbKind {
    /// An RDS DB instance (Single-AZ or Multi-AZ).
    Instance,
    /// An Aurora cluster: its instances (writer and readers).
    Aurora {
        /// Instances in the cluster.
        instances: Val<i64>,
    },
    /// An RDS Multi-AZ DB cluster (one writer, two readable standbys).
    MultiAzCluster,
}

/// An RDS database (instance or cluster).
#[derive(Clone, Debug, PartialEq)]
pub struct Database {
    /// Which resource.
    pub id: Id,
    /// What kind.
    pub kind: DbKind,
    /// The engine.
    pub engine: Option<Val<String>>,
    /// Instance class (db.t4g.micro).
    pub class: Option<Val<String>>,
    /// Multi-AZ standby.
    pub multi_az: Val<bool>,
    /// Zones the instances (or the primary) stand in.
    pub zones: Vec<Val<String>>,
    /// Allocated storage, GiB.
    pub storage_gib: Option<Val<i64>>,
    /// Storage type (gp2, gp3, io1, io2).
    pub storage_type: Option<Val<String>>,
    /// Automated backups kept, days (0: disabled).
    pub backup_retention_days: Val<i64>,
    /// Daily backup window, "hh:mm-hh:mm" UTC.
    pub backup_window: Option<Val<String>>,
}

/// An ElastiCache replication group.
#[derive(Clone, Debug, PartialEq)]
pub struct Cache {
    /// Which resource.
    pub id: Id,
    /// Node type (cache.t3.micro).
    pub node_type: Option<Val<String>>,
    /// Nodes (primary and replicas).
    pub nodes: Val<i64>,
    /// Automatic failover to a replica.
    pub automatic_failover: Val<bool>,
    /// Zones of the nodes.
    pub zones: Vec<Val<String>>,
}

/// An S3 bucket and the storage class its objects end up in.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    /// Which resource.
    pub id: Id,
    /// The S3 API's storage-class name (`ONEZONE_IA`).
    pub class: Val<String>,
    /// Days after creation the objects move to that class, if by a rule.
    pub transition_days: Option<Val<i64>>,
    /// The region, when the input says.
    pub region: Option<Val<String>>,
}

/// A copy of a backup to another region.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupCopy {
    /// Destination region.
    pub region: Val<String>,
    /// Days the copy is kept.
    pub retention_days: Option<Val<i64>>,
}

/// One rule of an AWS Backup plan.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupRule {
    /// The rule's name.
    pub name: String,
    /// Its schedule (`cron(0 5 ? * * *)`).
    pub schedule: Val<String>,
    /// Days the recovery points are kept.
    pub retention_days: Option<Val<i64>>,
    /// Copies to other regions.
    pub copies: Vec<BackupCopy>,
}

/// An AWS Backup plan and the databases its selections name.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupPlan {
    /// Which resource.
    pub id: Id,
    /// Its rules.
    pub rules: Vec<BackupRule>,
    /// Indices into [`Inventory::databases`] it backs up, and the selection
    /// resource naming each.
    pub targets: Vec<(usize, String)>,
}

/// A resource left out of the scenario, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    /// Its address.
    pub address: String,
    /// Its type.
    pub kind: String,
    /// Why it is not in the scenario.
    pub why: String,
}

/// Everything read from one input file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Inventory {
    /// What the input was, for the header ("terraform show -json (state,
    /// format 1.0, Terraform 1.9.5)").
    pub format: String,
    /// The region the resources stand in.
    pub region: Option<Val<String>>,
    /// Zones seen, in order of first use, each with where it was seen.
    pub zones: Vec<Val<String>>,
    /// Standalone instances.
    pub instances: Vec<Instance>,
    /// Auto-scaling groups.
    pub groups: Vec<Group>,
    /// Load balancers the groups use.
    pub load_balancers: Vec<LoadBalancer>,
    /// Databases.
    pub databases: Vec<Database>,
    /// Caches.
    pub caches: Vec<Cache>,
    /// Buckets.
    pub buckets: Vec<Bucket>,
    /// Backup plans.
    pub backup_plans: Vec<BackupPlan>,
    /// Resources read only to link others (listeners, selections…).
    pub links: Vec<Skipped>,
    /// Resources not understood.
    pub skipped: Vec<Skipped>,
    /// Remarks for the header (data sources ignored, parameters used…).
    pub notes: Vec<String>,
}

impl Inventory {
    /// Records a zone (first sighting wins) and returns it.
    pub fn zone(&mut self, z: Val<String>) -> Val<String> {
        if !self.zones.iter().any(|k| k.value == z.value) {
            self.zones.push(z.clone());
        }
        z
    }

    /// True when nothing in it can be simulated (a group scaled to zero
    /// runs nothing).
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
            && self.groups.iter().all(|g| g.desired.value < 1)
            && self.databases.is_empty()
            && self.caches.is_empty()
            && self.buckets.is_empty()
    }
}

/// Checks that `v` lies in `lo..=hi`; the error names where it came from.
fn within(v: &Val<i64>, lo: i64, hi: i64, what: &str) -> Result<(), (String, String)> {
    if (lo..=hi).contains(&v.value) {
        return Ok(());
    }
    Err((v.origin.text(), format!("{what} must be from {lo} to {hi} (got {})", v.value)))
}

impl Inventory {
    /// Refuses numbers nines cannot simulate (a negative size, a zero
    /// health-check interval, a million-instance group), as (where, what):
    /// the scenario would not load.
    pub fn check(&self) -> Result<(), (String, String)> {
        for g in &self.groups {
            within(&g.desired, 0, 100_000, "a group's desired capacity")?;
            within(&g.max, 0, 100_000, "a group's maximum size")?;
        }
        for lb in &self.load_balancers {
            let h = &lb.health;
            if let Some(v) = &h.interval_s {
                within(v, 1, 86_400, "a health-check interval, in seconds,")?;
            }
            for v in [&h.unhealthy_threshold, &h.healthy_threshold].into_iter().flatten() {
                within(v, 1, 100, "a health-check threshold")?;
            }
        }
        for d in &self.databases {
            if let Some(v) = &d.storage_gib {
                within(v, 1, 1_000_000, "allocated storage, in GiB,")?;
            }
            within(&d.backup_retention_days, 0, 36_500, "a backup retention, in days,")?;
        }
        for c in &self.caches {
            within(&c.nodes, 1, 1_000_000, "the number of cache nodes")?;
        }
        for p in &self.backup_plans {
            for r in &p.rules {
                let kept = r.copies.iter().filter_map(|c| c.retention_days.as_ref());
                for v in r.retention_days.iter().chain(kept) {
                    within(v, 1, 36_500, "a backup retention, in days,")?;
                }
            }
        }
        Ok(())
    }
}

/// The region of an availability-zone name: `us-east-1a` → `us-east-1`,
/// `us-west-2-lax-1a` (a Local Zone) → `us-west-2`; `None` when the name
/// does not look like one.
pub fn region_of_zone(zone: &str) -> Option<String> {
    let parts: Vec<&str> = zone.split('-').collect();
    // Region: geography (us, eu, ap, …, optionally "gov"), direction, digit.
    let (geo_len, rest) = if parts.len() > 3 && parts[1] == "gov" { (2, &parts[2..]) } else { (1, &parts[1..]) };
    if rest.len() < 2 {
        return None;
    }
    let direction = rest[0];
    let last = rest[1];
    let digits: String = last.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || !direction.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let mut region: Vec<&str> = parts[..geo_len].to_vec();
    region.push(direction);
    let region = format!("{}-{digits}", region.join("-"));
    (region.len() < zone.len()).then_some(region)
}

/// The region in an ARN (`arn:aws:backup:us-west-2:123:backup-vault:x`).
pub fn region_of_arn(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() > 4 && parts[0] == "arn" && !parts[3].is_empty()).then(|| parts[3].to_owned())
}

/// `CamelCase` or `snake_case` to `kebab-case`, keeping only letters,
/// digits and dashes: a scenario name.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if prev_lower || (prev_upper && next_lower) {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() { "resource".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_of_zones_and_arns() {
        assert_eq!(region_of_zone("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(region_of_zone("eu-central-1b").as_deref(), Some("eu-central-1"));
        assert_eq!(region_of_zone("us-gov-west-1a").as_deref(), Some("us-gov-west-1"));
        assert_eq!(region_of_zone("us-west-2-lax-1a").as_deref(), Some("us-west-2"));
        assert_eq!(region_of_zone("use1-az1"), None);
        assert_eq!(region_of_zone("us-east-1"), None);
        assert_eq!(
            region_of_arn("arn:aws:backup:us-west-2:123456789012:backup-vault:dr").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_of_arn("arn:aws:s3:::bucket"), None);
    }

    #[test]
    fn kebab_names() {
        assert_eq!(kebab("WebServerGroup"), "web-server-group");
        assert_eq!(kebab("web_asg"), "web-asg");
        assert_eq!(kebab("ALBTargetGroup"), "alb-target-group");
        assert_eq!(kebab("Subnet1A"), "subnet1-a");
        assert_eq!(kebab("__"), "resource");
    }
}
