//! AWS building blocks: instance prices, load balancer and auto-scaling
//! defaults, database failover times, EBS failure rates, Spot interruption
//! bands. Each figure carries its source URL (or its derivation) and a
//! quality label: [P] primary (AWS), [S] secondary, [D] derived, [U]
//! unsourced estimate.

/// One sourced preset value.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Name scenarios use.
    pub key: &'static str,
    /// What it is.
    pub what: &'static str,
    /// Value in `unit`.
    pub value: f64,
    /// Unit of `value`.
    pub unit: &'static str,
    /// [P], [S], [D] or [U].
    pub quality: &'static str,
    /// Where it comes from (URL, or the derivation).
    pub source: &'static str,
}

const T3_SOURCE: &str = "https://aws.amazon.com/ec2/pricing/on-demand/ (not archived; identical values in many independent public cost tables)";

/// EC2 on-demand prices, us-east-1, Linux, USD per hour.
pub const INSTANCE_TYPES: &[Preset] = &[
    Preset {
        key: "t3.nano",
        what: "EC2 t3.nano on-demand",
        value: 0.0052,
        unit: "USD/h",
        quality: "S",
        source: T3_SOURCE,
    },
    Preset {
        key: "t3.micro",
        what: "EC2 t3.micro on-demand",
        value: 0.0104,
        unit: "USD/h",
        quality: "S",
        source: T3_SOURCE,
    },
    Preset {
        key: "t3.small",
        what: "EC2 t3.small on-demand",
        value: 0.0208,
        unit: "USD/h",
        quality: "S",
        source: T3_SOURCE,
    },
    Preset {
        key: "t3.medium",
        what: "EC2 t3.medium on-demand",
        value: 0.0416,
        unit: "USD/h",
        quality: "S",
        source: T3_SOURCE,
    },
    Preset {
        key: "m5.large",
        what: "EC2 m5.large on-demand",
        value: 0.096,
        unit: "USD/h",
        quality: "S",
        source: "https://aws.amazon.com/ec2/pricing/on-demand/ (not archived; the same value in independent public us-east-1 price maps in public repositories, found 2026-11-26)",
    },
];

/// RDS instance classes: price per instance-hour, us-east-1.
pub const DB_CLASSES: &[Preset] = &[Preset {
    key: "db.t4g.micro",
    what: "RDS db.t4g.micro, per instance (Multi-AZ bills primary and standby)",
    value: 0.016,
    unit: "USD/h",
    quality: "S",
    source: "https://infratally.com/articles/aws-rds-pricing-explained-2026.html (PostgreSQL, us-east-1, 2026; Multi-AZ $0.032/h = 2 instances)",
}];

/// Load balancer hourly price and health-check defaults.
pub const LOAD_BALANCER: &[Preset] = &[
    Preset {
        key: "alb.hourly",
        what: "Application Load Balancer, per hour (plus LCU-hours at $0.008, not modelled)",
        value: 0.0225,
        unit: "USD/h",
        quality: "S",
        source: "https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/ (2026-05)",
    },
    Preset {
        key: "alb.health_check.interval",
        what: "ALB HealthCheckIntervalSeconds default",
        value: 30.0,
        unit: "s",
        quality: "P",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    },
    Preset {
        key: "alb.health_check.unhealthy_threshold",
        what: "ALB UnhealthyThresholdCount default",
        value: 2.0,
        unit: "checks",
        quality: "P",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    },
    Preset {
        key: "alb.health_check.healthy_threshold",
        what: "ALB HealthyThresholdCount default (5 × 30 s = 150 s to re-admit)",
        value: 5.0,
        unit: "checks",
        quality: "P",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    },
];

/// Auto-scaling replacement timings.
pub const AUTO_SCALING: &[Preset] = &[
    Preset {
        key: "asg.launch",
        what: "EC2 launch, API call to SSH ready (c5.xlarge benchmark; 25.8 s average in another)",
        value: 29.0,
        unit: "s",
        quality: "S",
        source: "http://www.daemonology.net/blog/2021-08-12-EC2-boot-time-benchmarking.html",
    },
    Preset {
        key: "asg.warmup",
        what: "time until the ALB admits a new target: healthy threshold × interval = 5 × 30 s",
        value: 150.0,
        unit: "s",
        quality: "D",
        source: "derived: healthy threshold 5 x interval 30 s, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html; the whole replacement then takes about 4 min, inside a 3-5 min launch-to-serving estimate [U]",
    },
    Preset {
        key: "asg.health_check_grace_period",
        what: "ASG health-check grace period, console default (0 s by API)",
        value: 300.0,
        unit: "s",
        quality: "P",
        source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html",
    },
    Preset {
        key: "node.mttf",
        what: "server (node) mean time to failure, Google storage cells; no EC2 figure is published",
        value: 4.3,
        unit: "months",
        quality: "P",
        source: "https://www.usenix.org/legacy/event/osdi10/tech/full_papers/Ford.pdf Table 2",
    },
];

/// Database failover times (seconds): the range AWS documents.
pub const FAILOVER: &[(&str, &str, f64, f64, &str)] = &[
    (
        "rds-multi-az",
        "RDS Multi-AZ DB instance: typically 60-120 s",
        60.0,
        120.0,
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html",
    ),
    (
        "rds-multi-az-cluster",
        "RDS Multi-AZ DB cluster: typically under 35 s",
        0.0,
        35.0,
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts-failover.html",
    ),
    (
        "aurora-replica",
        "Aurora with a replica: under 60 s, often under 30 s",
        0.0,
        60.0,
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
    ),
    (
        "aurora-no-replica",
        "Aurora without a replica: primary recreated, under 10 min",
        0.0,
        600.0,
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
    ),
];

/// EBS annual failure rates, percent per volume-year.
pub const EBS: &[Preset] = &[
    Preset {
        key: "ebs.gp3",
        what: "EBS gp2/gp3/io1 annual failure rate: 0.1-0.2% (upper end)",
        value: 0.2,
        unit: "%/yr",
        quality: "P",
        source: "https://docs.aws.amazon.com/prescriptive-guidance/latest/sql-server-ec2-ha-dr/ebs-storage-types.html",
    },
    Preset {
        key: "ebs.io2",
        what: "EBS io2 / io2 Block Express annual failure rate",
        value: 0.001,
        unit: "%/yr",
        quality: "P",
        source: "https://docs.aws.amazon.com/prescriptive-guidance/latest/sql-server-ec2-ha-dr/ebs-storage-types.html",
    },
];

/// Spot: the interruption notice and the Spot Instance Advisor's monthly
/// interruption-frequency bands (lower, upper bound in percent of instances
/// a month). The top band has no upper bound.
pub const SPOT_NOTICE_S: Preset = Preset {
    key: "spot.notice",
    what: "Spot interruption notice before stop/terminate",
    value: 120.0,
    unit: "s",
    quality: "P",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html",
};

/// See [`SPOT_NOTICE_S`].
pub const SPOT_BANDS: &[(&str, f64, f64)] =
    &[("<5%", 0.0, 5.0), ("5-10%", 5.0, 10.0), ("10-15%", 10.0, 15.0), ("15-20%", 15.0, 20.0), (">20%", 20.0, 30.0)];

/// Source of the Spot bands.
pub const SPOT_BANDS_SOURCE: &str = "https://aws.amazon.com/ec2/spot/instance-advisor/ via https://sparecores.com/article/spot-instance-terminate-rates-per-az [S]";

/// Spot price as a fraction of on-demand when the scenario gives none: the
/// c5 family's Spot/on-demand ratio in AWS's own example table (about 0.5);
/// AWS calls those "example pricing and not current pricing".
pub const SPOT_PRICE_RATIO: Preset = Preset {
    key: "spot.price_ratio",
    what: "Spot price / on-demand price (c5 example: $0.17-0.19 vs $0.34)",
    value: 0.5,
    unit: "ratio",
    quality: "D",
    source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/weights-spot-price-per-unit-hour-example.html (example pricing, not current)",
};

/// Looks up an instance type's on-demand price.
pub fn instance_price(key: &str) -> Option<&'static Preset> {
    INSTANCE_TYPES.iter().chain(DB_CLASSES).find(|p| p.key == key)
}

/// A Spot band's monthly interruption probability: the band's midpoint; the
/// open top band (>20%) is taken as 20-30% (25%), an assumption.
pub fn spot_band_monthly(band: &str) -> Option<f64> {
    let b = band.replace(' ', "");
    SPOT_BANDS.iter().find(|(name, _, _)| *name == b).map(|(_, lo, hi)| (lo + hi) / 200.0)
}

/// Names of the Spot bands, for messages.
pub fn spot_band_names() -> String {
    SPOT_BANDS.iter().map(|b| format!("\"{}\"", b.0)).collect::<Vec<_>>().join(", ")
}

/// A failover preset: (min, max) seconds and its source.
pub fn failover(key: &str) -> Option<(f64, f64, &'static str)> {
    FAILOVER.iter().find(|f| f.0 == key).map(|f| (f.2, f.3, f.4))
}

/// Failover preset names, for messages.
pub fn failover_names() -> String {
    FAILOVER.iter().map(|f| format!("\"{}\"", f.0)).collect::<Vec<_>>().join(", ")
}
