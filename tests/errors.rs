//! Bad input never panics.
//!
//! Every rule a scenario can break has a fixture in `tests/fixtures/errors/`,
//! a small variation of one valid scenario. `nines check` on it must exit 2,
//! print nothing on stdout and exactly one line on stderr: `file:line:col`,
//! the field path, the rule broken and what was expected. The messages are
//! asserted in full, so rewording one is a visible, reviewed change.
//!
//! Then the loader is fed every prefix of the shipped scenarios (a file cut
//! anywhere) and random one-character mutations of them: it must answer
//! `Ok` or a located error, never panic.

use nines::Error;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary from the crate root, so relative paths (and therefore the
/// messages) are the same on every machine.
fn nines(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("nines runs")
}

/// Asserts exit code 2, empty stdout and a stderr of exactly `expected`
/// (one line).
fn assert_bad_input(args: &[&str], expected: &str) {
    let out = nines(args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "nines {args:?}: exit code\nstderr: {stderr}");
    assert!(stdout.is_empty(), "nines {args:?}: stdout should be empty, got:\n{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "nines {args:?}: stderr should be one line, got:\n{stderr}");
    assert_eq!(lines[0], expected, "nines {args:?}: message");
}

/// Like [`assert_bad_input`], for messages that end in a list which grows
/// as the scenario format does (the known fields of a table).
fn assert_bad_input_starts(args: &[&str], expected_start: &str) {
    let out = nines(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "nines {args:?}: exit code\nstderr: {stderr}");
    assert!(out.stdout.is_empty(), "nines {args:?}: stdout should be empty");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "nines {args:?}: stderr should be one line, got:\n{stderr}");
    assert!(
        lines[0].starts_with(expected_start),
        "nines {args:?}: message\n  got: {}\n want: {expected_start}…",
        lines[0]
    );
}

/// One `#[test]` per fixture: `name => "line:col: path: message"`, where the
/// full expected line is `error: tests/fixtures/errors/<name>.toml:` followed
/// by the given text.
macro_rules! fixtures {
    ($($name:ident => $rest:literal,)*) => {
        mod check {
            $(
                #[test]
                fn $name() {
                    super::assert_bad_input(
                        &["check", concat!("tests/fixtures/errors/", stringify!($name), ".toml")],
                        concat!("error: tests/fixtures/errors/", stringify!($name), ".toml:", $rest),
                    );
                }
            )*
        }

        /// The fixtures the macro covers, to find ones without a test.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
    };
}

fixtures! {
    // Reading and syntax.
    empty => "1:1: the file is empty: a scenario needs [simulation], [components] and [services]",
    comments_only => "1:1: the file has no settings: a scenario needs [simulation], [components] and [services]",
    truncated_string => "7:14: invalid TOML: invalid basic string, expected `\"`",
    truncated_header => "10:13: invalid TOML: unclosed table, expected `]`",
    invalid_toml_syntax => "6:9: invalid TOML: extra `=`, expected nothing",
    duplicate_key => "7:1: invalid TOML: duplicate key `count`: a key may be set only once in a table",

    // Shape: unknown fields, wrong types, missing fields.
    unknown_field => "11:1: services.app.descripton: unknown field `descripton`, expected `description` or `up_when`",
    wrong_type => "6:9: components.web.count: invalid type: string \"three\", expected a whole number",
    duration_not_a_string => "8:8: components.web.mttr: invalid type: integer `10`, expected a string (durations, rates and percentages are strings with a unit, like \"4h\", \"0.2/y\", \"99.9%\")",
    missing_simulation => "1:1: missing required field `simulation`",
    missing_field => "5:1: components.web: a component needs a time to repair: give one of `mttr`, `repair`",
    no_components => "1:1: the scenario has no [components], [groups], [buckets] or [stores]: declare at least one, e.g. [components.web] with mttf and mttr",
    no_services => "1:1: the scenario has no [services]: say when the service is up, e.g. [services.app] up_when = { all = [\"web\", \"db\"] }",

    // Simulation settings.
    horizon_zero => "2:11: simulation.horizon: must be a positive duration like \"4h\" (got \"0h\")",
    horizon_negative => "2:11: simulation.horizon: must be a positive duration like \"4h\" (got \"-1y\")",
    trials_zero => "3:10: simulation.trials: must be a whole number ≥ 1 (got 0)",
    trials_negative => "3:10: simulation.trials: must be a whole number ≥ 1 (got -5)",
    seed_too_large => "4:8: invalid TOML: integer out of range: TOML integers go from -9223372036854775808 to 9223372036854775807; write a larger seed as a string of digits (seed = \"18446744073709551615\") or give it with --seed",
    seed_negative => "4:8: simulation.seed: must be a whole number from 0 to 18446744073709551615 (got -1)",
    seed_not_digits => "4:8: simulation.seed: must be a whole number from 0 to 18446744073709551615, written as an integer or as a string of digits (got \"0x2a\")",
    seed_not_whole => "4:8: simulation.seed: must be a whole number from 0 to 18446744073709551615, written as an integer or, above 9223372036854775807, as a string of digits",
    start_unknown => "4:11: simulation.initial: must be \"new\" or \"steady-state\" (got \"warm\")",
    start_steady_with_store => "4:11: simulation.initial: \"steady-state\" is not supported with data stores yet (their stationary state is not drawn): use \"new\"",
    unknown_root_service => "4:11: simulation.service: unknown service \"main\": known: app",

    // Durations, rates, percentages.
    negative_duration => "8:8: components.web.mttr: must be a positive duration like \"4h\" (got \"-3h\")",
    zero_duration => "8:8: components.web.mttr: must be a positive duration like \"4h\" (got \"0h\")",
    nan_duration => "7:8: components.web.mttf: expected a duration like \"90s\", \"15m\", \"4h\", \"2.5d\", \"2w\" or \"1y\" (units: ms s m h d w mo y) (got \"NaNh\")",
    duration_too_long => "7:8: components.web.mttf: is too long to simulate (got \"1e308y\"): at most 1e12y",
    duration_without_unit => "8:8: components.web.mttr: \"10\" has no unit: expected a duration like \"90s\", \"15m\", \"4h\", \"2.5d\", \"2w\" or \"1y\" (units: ms s m h d w mo y)",
    unknown_time_unit => "8:8: components.web.mttr: unknown time unit \"parsecs\" in \"10 parsecs\": expected a duration like \"90s\", \"15m\", \"4h\", \"2.5d\", \"2w\" or \"1y\" (units: ms s m h d w mo y)",
    zone_outage_bad_rate => "7:24: regions.r1.zone_outage.rate: must be a positive rate like \"0.2/y\" (got \"0/y\")",
    rate_too_large => "7:24: regions.r1.zone_outage.rate: is too large to simulate (got \"1e308/1ms\")",
    price_too_large => "6:26: targets.downtime_cost_per_hour: is too large: at most 1e12 USD, so that every total stays a finite number (got 1e308)",
    slo_over_100 => "6:7: targets.slo: must be between 0% and 100%, exclusive (got \"100.5%\")",
    dataset_backs_unknown => "20:9: datasets.d.backs: unknown bucket or store \"nothing\": none are declared",
    dataset_device_size_without_bandwidth => "20:15: datasets.d.device_size: applies only with `rebuild_bandwidth`",
    dataset_device_size_zero => "20:15: datasets.d.device_size: must be a positive size like \"4TB\" (got \"0TB\")",
    dataset_empty_zones => "19:9: datasets.d.zones: must list at least one zone",
    dataset_fragments_per_device => "19:24: datasets.d.fragments_per_device: must be a whole number from 1 to the fragments of a group, 3 (got 4)",
    dataset_groups_zero => "19:10: datasets.d.groups: must be a whole number from 1 to 1000000000000 (got 0)",
    dataset_no_rebuild => "15:1: datasets.d: a dataset needs how long a device takes to rebuild: `rebuild` (a duration or distribution) or `rebuild_bandwidth`",
    dataset_no_scheme => "15:1: datasets.d: missing required field `scheme`",
    dataset_replicas_zero => "18:10: datasets.d.scheme: expected \"N replicas\" (1 to 1000) or \"K+M\" erasure coding like \"6+3\" (got \"0 replicas\")",
    dataset_scheme_bad_numbers => "18:10: datasets.d.scheme: expected \"K+M\" with whole numbers, like \"6+3\" (got \"4+x\")",
    dataset_scheme_too_wide => "18:10: datasets.d.scheme: needs at least 1 data fragment, no negative parity, and at most 1000 in all (got \"900+200\")",
    dataset_shared_without_bandwidth => "20:20: datasets.d.shared_bandwidth: applies only with `rebuild_bandwidth`",
    dataset_size_zero => "16:8: datasets.d.size: must be a positive size like \"500TB\" (got \"0TB\")",
    dataset_two_rebuilds => "20:21: datasets.d.rebuild_bandwidth: give only one of `rebuild` and `rebuild_bandwidth`",
    dataset_zone_and_region => "20:10: datasets.d.region: give only one of `zone`, `zones` and `region`",
    slo_window_without_slo => "6:14: targets.slo_window: applies only with `slo`, the availability target it judges",
    slo_window_negative => "7:14: targets.slo_window: must be a positive duration like \"4h\" (got \"-30d\")",
    slo_not_percent => "6:7: targets.slo: expected a percentage like \"99.95%\" (got \"99.9\")",

    // Components and distributions.
    count_zero => "6:9: components.web.count: must be a whole number from 1 to 1000000 (got 0)",
    conflicting_mttf_afr => "8:7: components.web.afr: a component needs a time to failure: give only one of `mttf`, `afr`, `failure` (found `mttf` and `afr`)",
    unknown_distribution => "8:19: components.web.repair.type: unknown distribution \"poisson\": expected one of exponential, weibull, lognormal, gamma, uniform, fixed, empirical",
    distribution_missing_type => "8:10: components.web.repair: missing `type`: one of exponential, weibull, lognormal, gamma, uniform, fixed, empirical",
    unknown_distribution_field => "8:43: components.web.repair.median: does not apply to an exponential distribution (it takes `mean`, `rate`, `afr`)",
    lognormal_p99_below_median => "8:53: components.web.repair.p99: the upper percentile (1 h) must be greater than the median (2 h)",
    weibull_bad_shape => "7:39: components.web.failure.shape: must be a positive number (got -1.5)",
    empirical_empty => "8:42: components.web.repair.samples: must list at least one observed duration",

    // Regions and zones.
    unknown_zone => "10:22: components.web.zones[1]: unknown zone \"use1-az4\": known: use1-az1, use1-az2",
    unknown_region => "7:10: components.web.region: unknown region \"eu-west-1\": none are declared",
    zone_and_region => "10:10: components.web.region: give only one of `zone`, `zones` and `region`",
    duplicate_zone => "9:17: regions.us-west-2.zones[1]: zone \"az1\" is already in region \"us-east-1\": zone names must be unique",
    undeclared_zone_table => "8:1: zones.b: zone \"b\" is not listed in any region's `zones`",
    control_plane_destroys => "7:74: regions.r1.control_plane.destroy_probability: a control-plane impairment destroys nothing; use the region's `outage`",
    control_plane_without_failover => "14:32: components.web.failover_needs_control_plane: applies only to an active/passive component: give `failover` too",

    // Structure.
    k_greater_than_n => "11:24: services.app.up_when.at_least: must be between 1 and the number of members, 3 (got 4); a component with count N counts N times",
    k_zero => "11:24: services.app.up_when.at_least: must be between 1 and the number of members, 3 (got 0); a component with count N counts N times",
    unknown_reference => "11:40: services.app.up_when.of[1]: unknown component or service \"db\": known: web, app",
    nested_unknown_reference => "11:61: services.app.up_when.all[1].any[0]: unknown component or service \"db\": known: web, app",
    gate_two_forms => "11:11: services.app.up_when: use exactly one of { all = [...] }, { any = [...] } or { at_least = K, of = [...] }",
    dependency_cycle => "14:27: services.backend.up_when.all[1]: dependency cycle: app → backend → app",
    self_cycle => "11:27: services.app.up_when.all[1]: dependency cycle: app → app",
    service_named_like_component => "13:1: services.web: \"web\" is both a component and a service: names must be unique",
    repeated_member => "11:40: services.app.up_when.of[1]: \"web\" is listed twice (also at of[0]): list each member once (a component with count N already stands for its N replicas)",
    repeated_member_nested => "14:49: services.app.up_when.all[1].any[2]: \"db\" is listed twice (also at any[0]): list each member once (a component with count N already stands for its N replicas)",
    several_roots => "10:2: services: several top-level services (app, other): set simulation.service to the one to report on",

    // Stores.
    backup_every_and_at => "12:34: stores.db.backups[0].at: give `at` (a daily time) or `every` (an interval), not both",
    backup_bad_daily_time => "12:19: stores.db.backups[0].at: expected a time of day like \"02:30\" (got \"25:00\")",
    backup_without_schedule => "12:12: stores.db.backups[0]: a backup needs `every` (an interval, \"24h\") or `at` (a daily time, \"02:30\")",
    backup_unknown_destination => "12:43: stores.db.backups[0].destination: unknown zone, region or bucket \"vault\": known: z1, z2, r1",

    // Every other rule of the compile stage and the loader, one fixture
    // each (`every_rule_has_a_fixture` finds any rule left without one).
    active_passive_single => "8:12: components.web.failover: an active/passive component needs count = 2 or more (a standby), got 1",
    afr_not_percent => "6:7: components.web.afr: expected a percentage like \"99.95%\" (got \"2\")",
    afr_zero => "6:7: components.web.afr: must be a positive annual failure rate like \"1.5%\" (got \"0%\")",
    async_replica_without_lag => "15:13: stores.db.replicas[0]: an asynchronous replica needs `lag`, a distribution",
    at_least_without_of => "10:11: services.app.up_when: `at_least` needs `of = [...]`, the list it counts",
    backup_at_and_offset => "15:37: stores.db.backups[0].offset: give `at` (a daily time) or `every` with `offset`, not both",
    backup_duration_and_throughput => "15:59: stores.db.backups[0].throughput: give only one of `duration` and `throughput`",
    backup_keep_zero => "15:36: stores.db.backups[0].keep: must be a whole number from 1 to 1000000 (got 0)",
    backup_retention_and_keep => "15:54: stores.db.backups[0].keep: give only one of `retention` and `keep`",
    backup_success_over_100 => "15:39: stores.db.backups[0].success: must be a probability from 0% to 100% (got \"120%\")",
    backups_without_restore_throughput => "11:1: stores.db.recovery: restoring from backups or logs needs `restore_throughput`, e.g. \"500GB/h\"",
    bad_rate => "7:24: regions.r1.zone_outage.rate: expected a rate like \"0.2/y\", \"3/month\" or \"1/1000h\" (got \"often\")",
    bucket_availability_100 => "12:16: buckets.b.availability: must be between 0% and 100%, exclusive (got \"100%\")",
    bucket_named_like_component => "9:1: buckets.web: \"web\" is both a component and a bucket: names must be unique",
    bucket_negative_objects => "12:11: buckets.b.objects: must be zero or more (got -5)",
    bucket_single_az_without_zone => "15:1: buckets.b: S3 One Zone-Infrequent Access keeps data in a single zone: set `zone` (it is lost if that zone is destroyed)",
    bucket_unknown_class => "10:9: buckets.b.class: unknown storage class \"platinum\": known: standard, intelligent-tiering, standard-ia, one-zone-ia, express-one-zone, glacier-instant-retrieval, glacier-flexible-retrieval, glacier-deep-archive, reduced-redundancy",
    bucket_zero_size => "11:8: buckets.b.size: must be a positive size like \"5TB\" (got \"0TB\")",
    bucket_zone_not_in_region => "19:10: buckets.b.region: zone \"z1\" is not in region \"r2\"",
    data_transfer_without_price => "14:1: data_transfer.price_per_gb: give the price per GB sent between zones: nines has no sourced figure for it (see your provider's data transfer pricing)",
    destination_bucket_and_zone => "20:43: stores.db.backups[0].destination: \"z2\" is both a bucket and a zone or region: rename one",
    empirical_without_samples => "7:10: components.web.repair: an empirical distribution needs `samples`, a list of observed durations",
    empty_gate_list => "10:19: services.app.up_when.all: must list at least one component or service",
    fixed_without_value => "7:10: components.web.repair: a fixed distribution needs `value`",
    group_desired_zero => "12:11: groups.web.desired: must be a whole number from 1 to 100000 (got 0)",
    group_max_below_desired => "15:7: groups.web.max: must be at least desired (2) and at most 100000 (got 1)",
    group_min_healthy_over_desired => "15:15: groups.web.min_healthy: must be between 1 and desired (2), which is at most max (2) (got 3)",
    group_named_like_component => "15:1: groups.web: \"web\" is both a component and a group: names must be unique",
    group_unknown_instance_type => "15:17: groups.web.instance_type: unknown instance type \"t9.huge\": known: t3.nano, t3.micro, t3.small, t3.medium, m5.large, db.t4g.micro (or set hourly_usd)",
    group_unknown_load_balancer => "15:17: groups.web.load_balancer: unknown load balancer \"elb\": none are declared",
    group_zone_twice => "13:16: groups.web.zones[1]: zone \"z1\" is listed twice",
    group_zones_empty => "13:9: groups.web.zones: must list at least one zone",
    load_balancer_bad_threshold => "12:23: load_balancers.lb.unhealthy_threshold: must be a whole number from 1 to 100 (got 0)",
    load_balancer_unknown_type => "12:8: load_balancers.lb.type: unknown load balancer type \"nlb\": known: \"alb\"",
    of_without_at_least => "10:11: services.app.up_when: `of` needs `at_least = K`",
    price_negative => "8:14: components.web.hourly_usd: must be a price in USD, zero or more (got -1)",
    regions_and_zone => "15:11: components.web.regions: give only one of `zone`, `zones`, `region` and `regions`",
    regions_empty => "14:11: components.web.regions: must list at least one region",
    replica_bad_mode => "15:35: stores.db.replicas[0].mode: expected \"sync\" or \"async\" (got \"eventual\")",
    replica_unknown_zone => "15:22: stores.db.replicas[0].zone: unknown zone or region \"z9\": known: z1, z2, z3, r1, r2",
    replica_zone_and_region => "15:37: stores.db.replicas[0].region: give only one of `zone` and `region`",
    rpo_negative => "6:7: targets.rpo: must be a duration of zero or more like \"1h\" (got \"-1h\")",
    spot_not_a_band => "15:8: groups.web.spot: expected an interruption band (\"<5%\", \"5-10%\", \"10-15%\", \"15-20%\", \">20%\") or a monthly rate like \"8%\" (got \"often\")",
    spot_rate_100 => "15:8: groups.web.spot: must be between 0% and 100%, exclusive (got \"100%\")",
    store_named_like_component => "15:1: stores.web: \"web\" is also a component, group or bucket: names must be unique",
    store_zero_size => "12:8: stores.db.size: must be a positive size like \"200GB\" (got \"0GB\")",
    sync_replica_with_lag => "15:49: stores.db.replicas[0].lag: a synchronous replica has no lag; use mode = \"async\"",
    throughput_zero => "15:15: stores.db.change_rate: must be a positive data rate like \"500GB/h\" (got \"0GB/h\")",
    uniform_negative_min => "7:36: components.web.repair.min: must not be negative (got \"-1h\")",
    uniform_without_min => "7:10: components.web.repair: a uniform distribution needs `min`",
    unknown_failover_preset => "9:12: components.web.failover: unknown failover preset \"rds-turbo\": known: \"rds-multi-az\", \"rds-multi-az-cluster\", \"aurora-replica\", \"aurora-no-replica\"",
    unknown_instance_type => "8:17: components.web.instance_type: unknown instance type \"t9.huge\": known: t3.nano, t3.micro, t3.small, t3.medium, m5.large, db.t4g.micro (or set hourly_usd)",
    variant_description_not_a_string => "13:15: variants.big.description: must be a string",
    variant_not_a_table => "13:7: variants.big: must be a table of overrides",
    variants_not_a_table => "1:12: variants: must be a table of named variants, e.g. [variants.three-az]",
    weibull_without_shape => "6:11: components.web.failure: a weibull distribution needs `shape`",
    zones_empty => "14:9: components.web.zones: must list at least one zone",

    // Variants: an error is checked like the base's and placed where it is
    // written; the variant is named when the error is its doing.
    variant_error => "19:23: in variant \"broken\": components.web.mttr: must be a positive duration like \"4h\" (got \"-10h\")",
    variant_unknown_field => "14:40: in variant \"broken\": services.app.up_when.off: unknown field `off`, expected one of `all`, `any`, `at_least`, `of`",
    variant_breaks_structure => "11:24: in variant \"single\": services.app.up_when.at_least: must be between 1 and the number of members, 1 (got 2); a component with count N counts N times",
    variant_new_component => "14:12: in variant \"with-db\": components.db: a component needs a time to repair: give one of `mttr`, `repair`",
    base_error_with_variants => "8:8: components.web.mttr: must be a positive duration like \"4h\" (got \"-3h\")",
    empty_variants => "13:1: variants: declares no variant: remove it or add [variants.NAME]",

    // Operations: crews, hidden failures and tests, clocks, shocks.
    crew_size_zero => "6:8: crews.ops.size: must be a whole number from 1 to 100000 (got 0)",
    crew_time_zone_without_hours => "7:13: crews.ops.time_zone: applies only with `hours`, the working hours it places",
    crew_after_hours_without_hours => "7:15: crews.ops.after_hours: applies only with `hours`: without working hours the crew is always at work",
    crew_bad_queue => "7:9: crews.ops.queue: expected \"fifo\" or \"priority\" (got \"lifo\")",
    priority_without_crew => "9:12: components.web.priority: applies only with `crew`, the crew whose queue it orders",
    priority_with_fifo_crew => "13:12: components.web.priority: crew \"ops\" takes repairs in order of arrival: set its queue = \"priority\"",
    priority_negative => "14:12: components.web.priority: must be a whole number from 0 to 1000000 (got -1)",
    unknown_crew => "12:8: components.web.crew: unknown crew \"night\": known: ops",
    test_without_latent => "9:8: components.web.test: tests find hidden failures: give `latent`, the share of failures that are silent",
    test_always_misses => "10:32: components.web.test.miss: a test that always misses finds nothing: must be below 100%",
    ages_without_zone => "9:23: components.web.ages_during_outages: the component is in no zone or region: no outage reaches it",
    shock_no_components => "11:14: shocks.deploy.components: must list at least one component",
    shock_unknown_component => "11:15: shocks.deploy.components[0]: unknown component \"api\": known: web",
    shock_component_twice => "11:22: shocks.deploy.components[1]: component \"web\" is listed twice",
    shock_beta_one => "12:8: shocks.deploy.beta: must be between 0% and 100%, exclusive (got \"100%\")",
    shock_beta_with_probability => "13:15: shocks.deploy.probability: the β-factor form takes every member down: leave it out",
    shock_probability_and_exactly => "14:11: shocks.deploy.exactly: give only one of `probability` and `exactly`",
    shock_exactly_too_many => "13:11: shocks.deploy.exactly: must be between 1 and the members' replicas, 2 (got 3)",
    shock_beta_weibull_member => "12:8: shocks.deploy.beta: the β-factor form needs members failing at a constant rate (mttf or afr): \"web\" does not",
    shock_beta_different_rates => "17:8: shocks.deploy.beta: the β-factor form needs members with one failure rate: \"api\" differs from the first",
    crew_bad_hours => "7:9: crews.ops.hours: expected hours like \"weekdays 09:00-17:00\", \"daily 02:00-05:00\", \"sun 02:00-06:00\" or \"sat 22:00-sun 04:00\" (several separated by `;`) (got \"office hours\")",
    simulation_bad_start => "4:9: simulation.start: expected a date and time like \"2026-03-02 08:00\" (got \"next monday\")",

    // Uncertain inputs (ranges).
    uncertain_unknown_field => "7:49: components.web.mttf.median: unknown field `median` of an uncertain value: it takes `low`, `high`, `law` and `mode`",
    uncertain_missing_high => "7:8: components.web.mttf: an uncertain value needs `low` and `high` (missing `high`), e.g. { low = \"500h\", high = \"2000h\" }",
    uncertain_not_a_value => "7:16: components.web.mttf.low: must be a number, or a duration, rate, percentage or size with its unit (got \"soon\")",
    uncertain_mixed_kinds => "7:31: components.web.mttf.high: must be the same kind of value as `low` (got 500h and 2/y)",
    uncertain_low_above_high => "7:32: components.web.mttf.high: must be at least `low` (got low 2000h and high 500h)",
    uncertain_law_not_a_string => "7:46: components.web.mttf.law: expected \"log-uniform\" (the default), \"uniform\", \"triangular\" or \"lognormal\" (got 3)",
    uncertain_triangular_without_mode => "7:8: components.web.mttf: a triangular uncertain value needs `mode`, its most likely value",
    uncertain_mode_other_kind => "7:67: components.web.mttf.mode: must be the same kind of value as `low` and `high` (got 50%)",
    uncertain_mode_outside => "7:67: components.web.mttf.mode: must lie between `low` and `high` (got 3000h)",
    uncertain_unknown_law => "7:46: components.web.mttf.law: expected \"log-uniform\" (the default), \"uniform\", \"triangular\" or \"lognormal\" (got \"beta\")",
    uncertain_mode_without_triangular => "7:47: components.web.mttf.mode: applies only to law = \"triangular\"",
    uncertain_log_uniform_zero => "9:21: components.web.detection.low: must be positive for a log-uniform value (got 0h): use law = \"uniform\"",
    uncertain_simulation_setting => "2:11: simulation.horizon: the simulation's own settings cannot be uncertain: give one value",
}

/// Fixtures whose message is not of the `file:line:col` form, or ends in a
/// list of known fields that grows with the format.
const OTHER_FIXTURES: &[&str] = &["not_utf8", "unknown_table"];

#[test]
fn unknown_table() {
    assert_bad_input_starts(
        &["check", "tests/fixtures/errors/unknown_table.toml"],
        "error: tests/fixtures/errors/unknown_table.toml:13:2: service: unknown field `service`, expected one of `scenario`, `simulation`, ",
    );
}

#[test]
fn not_utf8() {
    assert_bad_input(
        &["check", "tests/fixtures/errors/not_utf8.toml"],
        "error: cannot read scenario file tests/fixtures/errors/not_utf8.toml: it is not UTF-8 text",
    );
}

#[test]
fn every_fixture_is_tested() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut untested = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixture directory") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if path.extension().is_some_and(|e| e == "toml")
            && !FIXTURES.contains(&stem.as_str())
            && !OTHER_FIXTURES.contains(&stem.as_str())
        {
            untested.push(stem);
        }
    }
    assert!(untested.is_empty(), "fixtures without an expected message: {untested:?}");
}

#[test]
fn missing_file() {
    assert_bad_input(
        &["check", "tests/fixtures/errors/no-such-file.toml"],
        "error: cannot read scenario file tests/fixtures/errors/no-such-file.toml: no such file",
    );
}

#[test]
fn run_reports_scenario_errors_like_check() {
    assert_bad_input(
        &["run", "--quiet", "tests/fixtures/errors/negative_duration.toml"],
        "error: tests/fixtures/errors/negative_duration.toml:8:8: components.web.mttr: must be a positive duration like \"4h\" (got \"-3h\")",
    );
}

#[test]
fn zero_threads_is_a_usage_error() {
    assert_bad_input(
        &["run", "--quiet", "--threads", "0", "--trials", "10", "scenarios/two-of-three.toml"],
        "error: --threads must be at least 1",
    );
}

#[test]
fn zero_trials_on_the_command_line_is_a_usage_error() {
    assert_bad_input(
        &["run", "--quiet", "--trials", "0", "scenarios/two-of-three.toml"],
        "error: --trials must be at least 1",
    );
}

#[test]
fn malformed_command_lines_exit_2() {
    for args in [&["check"][..], &["run", "--threads", "many", "scenarios/two-of-three.toml"], &["frobnicate"]] {
        let out = nines(args);
        assert_eq!(out.status.code(), Some(2), "nines {args:?}");
        assert!(out.stdout.is_empty(), "nines {args:?}: stdout should be empty");
    }
}

// ---------------------------------------------------------------------------
// No panic, whatever the text.

/// The shipped scenarios, the texts the robustness tests start from.
fn scenario_texts() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable scenario");
            (p, text)
        })
        .collect()
}

/// Loads `text`; panics with `what` and the text's tail if the loader
/// panics, or if an error is not one well-placed line.
fn load_survives(text: &str, what: &str) {
    let result = std::panic::catch_unwind(|| nines::scenario::load_str(Path::new("x.toml"), text, &[]).map(|_| ()));
    let tail: String = text.chars().rev().take(80).collect::<Vec<_>>().into_iter().rev().collect();
    match result {
        Err(_) => panic!("the loader panicked on {what}; the text ends with:\n{tail}"),
        Ok(Ok(())) => {}
        Ok(Err(Error::Scenario(e))) => {
            let shown = e.to_string();
            assert!(!shown.contains('\n'), "{what}: message is not one line: {shown}");
            assert!(shown.starts_with("x.toml:"), "{what}: message does not start with the file: {shown}");
            let lines: Vec<&str> = text.split('\n').collect();
            assert!(e.line >= 1 && e.line <= lines.len(), "{what}: line {} outside the text: {shown}", e.line);
            let width = lines[e.line - 1].chars().count();
            assert!(e.col >= 1 && e.col <= width + 1, "{what}: column {} outside line {}: {shown}", e.col, e.line);
            assert!(!e.message.is_empty(), "{what}: empty message");
        }
        Ok(Err(other)) => panic!("{what}: expected a scenario error, got {other:?}"),
    }
}

#[test]
fn shipped_scenarios_load() {
    for (path, text) in scenario_texts() {
        if let Err(e) = nines::scenario::load_str(&path, &text, &[]) {
            panic!("{} does not load: {e}", path.display());
        }
    }
}

#[test]
fn every_prefix_loads_or_fails_cleanly() {
    for (path, text) in scenario_texts() {
        for (cut, _) in text.char_indices() {
            load_survives(&text[..cut], &format!("{} cut at byte {cut}", path.display()));
        }
    }
}

#[test]
fn random_mutations_load_or_fail_cleanly() {
    // Characters that matter to TOML and to nines' own parsers.
    const CHARS: &[char] = &[
        '[', ']', '{', '}', '=', ',', '.', '"', '\'', '#', '\n', ' ', '-', '+', '0', '1', '9', 'e', 'h', 'y', '%', '/',
        '_', 'x', 'é', '\u{0}', '\t',
    ];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20260101);
    for (path, text) in scenario_texts() {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for round in 0..4000 {
            let at = boundaries[rng.random_range(0..boundaries.len())];
            let c = CHARS[rng.random_range(0..CHARS.len())];
            let next = text[at..].chars().next().map_or(at, |ch| at + ch.len_utf8());
            let op = rng.random_range(0..3);
            let mutated = match op {
                0 => format!("{}{c}{}", &text[..at], &text[next..]), // replace
                1 => format!("{}{c}{}", &text[..at], &text[at..]),   // insert
                _ => format!("{}{}", &text[..at], &text[next..]),    // delete
            };
            let what = format!("{} mutation {round} (op {op}, {c:?} at byte {at})", path.display());
            load_survives(&mutated, &what);
        }
    }
}

// ---------------------------------------------------------------------------
// Every rule has a fixture.

/// The rule sites of the compile stage: every call of `invalid(` or
/// `rule(` in `src/scenario/compile/` (each records where it was called
/// when it fires, see `nines::error::rules_broken`), as (file name, line).
fn rule_sites() -> Vec<(String, u32, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenario/compile");
    let mut sites = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("compile sources") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path).expect("source");
        // Inside a #[track_caller] function the site recorded is its
        // caller's, so its own calls are not sites.
        let mut tracked = false;
        let mut previous = "";
        for (i, line) in text.lines().enumerate() {
            if line.contains("fn ") && !line.trim_start().starts_with("//") {
                tracked = previous.trim() == "#[track_caller]";
            }
            if !line.trim().is_empty() {
                previous = line;
            }
            if tracked {
                continue;
            }
            let code = line.split("//").next().unwrap_or_default();
            for call in ["invalid(", "rule("] {
                let mut from = 0;
                while let Some(at) = code[from..].find(call) {
                    let start = from + at;
                    let before = code[..start].chars().last();
                    let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    let definition = code[..start].trim_end().ends_with("fn");
                    if word_start && !definition {
                        sites.push((name.clone(), i as u32 + 1, line.trim().to_owned()));
                    }
                    from = start + call.len();
                }
            }
        }
    }
    sites.sort();
    sites
}

/// Loads every fixture in-process; returns the rule sites that fired and
/// every message shown.
fn fixture_rules() -> (std::collections::BTreeSet<(String, u32)>, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut fired = std::collections::BTreeSet::new();
    let mut messages = Vec::new();
    for name in FIXTURES.iter().chain(OTHER_FIXTURES) {
        let path = dir.join(format!("{name}.toml"));
        let Ok(text) = std::fs::read_to_string(&path) else { continue }; // not UTF-8
        nines::error::rules_broken();
        match nines::scenario::load_str(&path, &text, &[]) {
            Ok(_) => panic!("fixture {name} loads without error"),
            Err(e) => messages.push(e.to_string()),
        }
        for (file, line) in nines::error::rules_broken() {
            let file = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            fired.insert((file, line));
        }
    }
    (fired, messages)
}

/// A rule nobody breaks in a fixture is a rule whose message nobody has
/// read: this fails, naming the source line, until a fixture breaks it.
#[test]
fn every_rule_has_a_fixture() {
    let sites = rule_sites();
    assert!(sites.len() > 60, "found only {} rule sites: has src/scenario/compile moved?", sites.len());
    let (fired, messages) = fixture_rules();
    let missing: Vec<String> = sites
        .iter()
        .filter(|(file, line, _)| !fired.contains(&(file.clone(), *line)))
        .map(|(file, line, code)| format!("src/scenario/compile/{file}:{line}: {code}"))
        .collect();
    assert!(missing.is_empty(), "{} rules without a fixture:\n{}", missing.len(), missing.join("\n"));

    // The loader's own messages (src/scenario/mod.rs): each literal passed
    // to `locate` or `error_at` appears in some fixture's message.
    let loader = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenario/mod.rs"))
        .expect("loader source");
    let mut literals = Vec::new();
    for (i, _) in loader.match_indices(".locate(").chain(loader.match_indices(".error_at(")) {
        let call = &loader[i..loader.len().min(i + 400)];
        let Some(open) = call.find('"') else { continue };
        let rest = &call[open + 1..];
        let literal: String = rest.chars().take_while(|&c| c != '"' && c != '{').collect();
        if !literal.is_empty() {
            literals.push(literal);
        }
    }
    assert!(literals.len() >= 5, "found only {} loader messages", literals.len());
    let unread: Vec<&String> = literals.iter().filter(|l| !messages.iter().any(|m| m.contains(l.as_str()))).collect();
    assert!(unread.is_empty(), "loader messages without a fixture: {unread:?}");
}
