//! From raw scenario to compiled [`Model`]: every rule a scenario must obey
//! is checked here, and each failure names the field it is about.

use super::raw::*;
use super::{Invalid, Seg};
use crate::dist::{Dist, Z_P90, Z_P95, Z_P99};
use crate::model::*;
use crate::rng::stream_key;
use crate::units::{HOURS_PER_YEAR, parse_duration, parse_percent, parse_rate};
use indexmap::IndexMap;

type Res<T> = Result<T, Invalid>;

/// Builds a field path from string segments.
fn path(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|p| Seg::Key((*p).to_owned())).collect()
}

fn with(base: &[Seg], key: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

fn with_index(base: &[Seg], i: usize) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Index(i));
    p
}

fn invalid<T>(path: Vec<Seg>, message: impl Into<String>) -> Res<T> {
    Err(Invalid { path, message: message.into() })
}

/// A duration that must be positive and finite.
fn positive_duration(text: &str, at: &[Seg]) -> Res<f64> {
    let hours = parse_duration(text).map_err(|m| Invalid { path: at.to_vec(), message: m })?;
    if hours <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive duration like \"4h\" (got {text:?})"));
    }
    Ok(hours)
}

/// A rate per hour that must be positive and finite.
fn positive_rate(text: &str, at: &[Seg]) -> Res<f64> {
    let rate = parse_rate(text).map_err(|m| Invalid { path: at.to_vec(), message: m })?;
    if rate <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive rate like \"0.2/y\" (got {text:?})"));
    }
    Ok(rate)
}

/// An annual failure rate ("1.5%") as a rate per hour: AFR is failures per
/// unit-year, the way Backblaze and AWS state it.
fn afr_rate(text: &str, at: &[Seg]) -> Res<f64> {
    let afr = parse_percent(text).map_err(|m| Invalid { path: at.to_vec(), message: m })?;
    if afr <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive annual failure rate like \"1.5%\" (got {text:?})"));
    }
    Ok(afr / HOURS_PER_YEAR)
}

/// Exactly one of the named options must be given; returns which.
fn one_of(at: &[Seg], names: &[&str], given: &[bool], what: &str) -> Res<usize> {
    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let chosen: Vec<usize> = (0..names.len()).filter(|&i| given[i]).collect();
    match chosen.as_slice() {
        [one] => Ok(*one),
        [] => invalid(at.to_vec(), format!("{what}: give one of {list}")),
        [first, second, ..] => invalid(
            with(at, names[*second]),
            format!("{what}: give only one of {list} (found `{}` and `{}`)", names[*first], names[*second]),
        ),
    }
}

/// Converts a constructor's message into an error at `at`.
fn at_path<T>(r: Result<T, String>, at: &[Seg]) -> Res<T> {
    r.map_err(|message| Invalid { path: at.to_vec(), message })
}

const KINDS: &str = "exponential, weibull, lognormal, gamma, uniform, fixed, empirical";

/// Compiles a distribution spec into `dists`, returning its index.
fn dist(spec: &DistSpec, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    let d = match spec {
        DistSpec::Fixed(text) => Dist::Fixed(positive_duration(text, at)?),
        DistSpec::Table(t) => table_dist(t, at)?,
    };
    dists.push(d);
    Ok(dists.len() as u32 - 1)
}

fn table_dist(t: &RawDist, at: &[Seg]) -> Res<Dist> {
    let Some(kind) = t.kind.as_deref() else {
        return invalid(at.to_vec(), format!("missing `type`: one of {KINDS}"));
    };
    // Which fields each kind takes; any other field given is an error, so a
    // typo'd combination is not silently ignored.
    let allowed: &[&str] = match kind {
        "exponential" => &["mean", "rate", "afr"],
        "weibull" | "gamma" => &["shape", "scale", "mean"],
        "lognormal" => &["median", "p90", "p95", "p99"],
        "uniform" => &["min", "max"],
        "fixed" => &["value"],
        "empirical" => &["samples"],
        other => {
            return invalid(with(at, "type"), format!("unknown distribution {other:?}: expected one of {KINDS}"));
        }
    };
    let present = [
        ("mean", t.mean.is_some()),
        ("rate", t.rate.is_some()),
        ("afr", t.afr.is_some()),
        ("shape", t.shape.is_some()),
        ("scale", t.scale.is_some()),
        ("median", t.median.is_some()),
        ("p90", t.p90.is_some()),
        ("p95", t.p95.is_some()),
        ("p99", t.p99.is_some()),
        ("min", t.min.is_some()),
        ("max", t.max.is_some()),
        ("value", t.value.is_some()),
        ("samples", t.samples.is_some()),
    ];
    if let Some((field, _)) = present.iter().find(|(f, p)| *p && !allowed.contains(f)) {
        let takes = allowed.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        return invalid(with(at, field), format!("does not apply to a {kind} distribution (it takes {takes})"));
    }
    let need = |field: &str, v: &Option<String>| -> Res<f64> {
        match v {
            Some(text) => positive_duration(text, &with(at, field)),
            None => invalid(at.to_vec(), format!("a {kind} distribution needs `{field}`")),
        }
    };
    let shape = || -> Res<f64> {
        match t.shape {
            Some(s) if s.is_finite() && s > 0.0 => Ok(s),
            Some(s) => invalid(with(at, "shape"), format!("must be a positive number (got {s})")),
            None => invalid(at.to_vec(), format!("a {kind} distribution needs `shape`")),
        }
    };
    match kind {
        "exponential" => {
            let options = [&t.mean, &t.rate, &t.afr];
            let names = ["mean", "rate", "afr"];
            let given = options.map(Option::is_some);
            let which =
                one_of(at, &names, &given, "an exponential distribution takes its mean, rate or annual failure rate")?;
            let text = options[which].as_deref().expect("given");
            let p = with(at, names[which]);
            let rate = match which {
                0 => 1.0 / positive_duration(text, &p)?,
                1 => positive_rate(text, &p)?,
                _ => afr_rate(text, &p)?,
            };
            at_path(Dist::exponential(rate), &p)
        }
        "weibull" | "gamma" => {
            let k = shape()?;
            let options = [&t.scale, &t.mean];
            let names = ["scale", "mean"];
            let which = one_of(
                at,
                &names,
                &options.map(Option::is_some),
                &format!("a {kind} distribution takes `shape` with its scale or mean"),
            )?;
            let v = positive_duration(options[which].as_deref().expect("given"), &with(at, names[which]))?;
            let built = match (kind, which) {
                ("weibull", 0) => Dist::weibull(k, v),
                ("weibull", _) => Dist::weibull_with_mean(k, v),
                (_, 0) => Dist::gamma(k, v),
                _ => Dist::gamma(k, v / k),
            };
            at_path(built, at)
        }
        "lognormal" => {
            let median = need("median", &t.median)?;
            let options = [&t.p90, &t.p95, &t.p99];
            let names = ["p90", "p95", "p99"];
            let which = one_of(
                at,
                &names,
                &options.map(Option::is_some),
                "a lognormal distribution takes its median and one upper percentile",
            )?;
            let p = with(at, names[which]);
            let upper = positive_duration(options[which].as_deref().expect("given"), &p)?;
            at_path(Dist::lognormal_from_quantile(median, upper, [Z_P90, Z_P95, Z_P99][which]), &p)
        }
        "uniform" => {
            let Some(min_text) = t.min.as_deref() else {
                return invalid(at.to_vec(), "a uniform distribution needs `min`");
            };
            let min = at_path(parse_duration(min_text), &with(at, "min"))?;
            if min < 0.0 {
                return invalid(with(at, "min"), format!("must not be negative (got {min_text:?})"));
            }
            let max = need("max", &t.max)?;
            at_path(Dist::uniform(min, max), &with(at, "max"))
        }
        "fixed" => Ok(Dist::Fixed(need("value", &t.value)?)),
        _ => {
            let Some(samples) = t.samples.as_ref() else {
                return invalid(at.to_vec(), "an empirical distribution needs `samples`, a list of observed durations");
            };
            if samples.is_empty() {
                return invalid(with(at, "samples"), "must list at least one observed duration");
            }
            let p = with(at, "samples");
            let values = samples
                .iter()
                .enumerate()
                .map(|(i, s)| positive_duration(s, &with_index(&p, i)))
                .collect::<Res<Vec<f64>>>()?;
            Ok(Dist::Empirical(values.into_boxed_slice()))
        }
    }
}

/// An exponential distribution by its mean, pushed into `dists`.
fn exponential_mean(text: &str, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    let mean = positive_duration(text, at)?;
    dists.push(at_path(Dist::exponential(1.0 / mean), at)?);
    Ok(dists.len() as u32 - 1)
}

fn outage(o: &RawOutage, at: &[Seg], dists: &mut Vec<Dist>) -> Res<OutageProcess> {
    let which = one_of(
        at,
        &["rate", "mtbf"],
        &[o.rate.is_some(), o.mtbf.is_some()],
        "an outage process takes how often it happens",
    )?;
    let between = if which == 0 {
        let p = with(at, "rate");
        let rate = positive_rate(o.rate.as_deref().expect("given"), &p)?;
        dists.push(at_path(Dist::exponential(rate), &p)?);
        dists.len() as u32 - 1
    } else {
        exponential_mean(o.mtbf.as_deref().expect("given"), &with(at, "mtbf"), dists)?
    };
    let duration = dist(&o.duration, &with(at, "duration"), dists)?;
    Ok(OutageProcess { between, duration })
}

/// Compiles one variant.
pub(super) fn compile(raw: &RawScenario, variant: &str, description: Option<String>) -> Res<Model> {
    let horizon = positive_duration(&raw.simulation.horizon, &path(&["simulation", "horizon"]))?;
    if raw.simulation.trials == 0 {
        return invalid(path(&["simulation", "trials"]), "must be at least 1");
    }
    let slo = match &raw.targets.slo {
        None => None,
        Some(text) => {
            let at = path(&["targets", "slo"]);
            let a = parse_percent(text).map_err(|m| Invalid { path: at.clone(), message: m })?;
            if !(a > 0.0 && a < 1.0) {
                return invalid(at, format!("must be between 0% and 100%, exclusive (got {text:?})"));
            }
            Some(a)
        }
    };
    let mut dists = Vec::new();

    // Regions and zones.
    let mut regions = Vec::new();
    let mut zones: Vec<Zone> = Vec::new();
    for (ri, (rname, r)) in raw.regions.iter().enumerate() {
        let at = path(&["regions", rname]);
        let outage_proc = r.outage.as_ref().map(|o| outage(o, &with(&at, "outage"), &mut dists)).transpose()?;
        let mut zone_ids = Vec::new();
        for (zi, zname) in r.zones.iter().enumerate() {
            if let Some(other) = zones.iter().find(|z| &z.name == zname) {
                return invalid(
                    with_index(&with(&at, "zones"), zi),
                    format!(
                        "zone {zname:?} is already in region {:?}: zone names must be unique",
                        regions_name(&raw.regions, other.region)
                    ),
                );
            }
            let zone_at = path(&["zones", zname]);
            let zo = match raw.zones.get(zname).and_then(|z| z.outage.as_ref()) {
                Some(o) => Some(outage(o, &with(&zone_at, "outage"), &mut dists)?),
                None => r.zone_outage.as_ref().map(|o| outage(o, &with(&at, "zone_outage"), &mut dists)).transpose()?,
            };
            zone_ids.push(zones.len() as u32);
            zones.push(Zone {
                name: zname.clone(),
                region: ri as u32,
                outage: zo,
                stream: stream_key(&format!("zone:{zname}")),
            });
        }
        regions.push(Region {
            name: rname.clone(),
            zones: zone_ids,
            outage: outage_proc,
            stream: stream_key(&format!("region:{rname}")),
        });
    }
    for zname in raw.zones.keys() {
        if !zones.iter().any(|z| &z.name == zname) {
            return invalid(path(&["zones", zname]), format!("zone {zname:?} is not listed in any region's `zones`"));
        }
    }
    let zone_index = |name: &str| zones.iter().position(|z| z.name == name).map(|i| i as u32);

    // Components and their replicas.
    if raw.components.is_empty() {
        return invalid(
            Vec::new(),
            "the scenario has no [components]: declare at least one, e.g. [components.web] with mttf and mttr",
        );
    }
    let mut components = Vec::new();
    let mut units = Vec::new();
    for (ci, (name, c)) in raw.components.iter().enumerate() {
        let at = path(&["components", name]);
        let count = match c.count {
            None => 1,
            Some(n) if (1..=1_000_000).contains(&n) => n as u32,
            Some(n) => {
                return invalid(with(&at, "count"), format!("must be a whole number from 1 to 1000000 (got {n})"));
            }
        };
        let failure = match one_of(
            &at,
            &["mttf", "afr", "failure"],
            &[c.mttf.is_some(), c.afr.is_some(), c.failure.is_some()],
            "a component needs a time to failure",
        )? {
            0 => exponential_mean(c.mttf.as_deref().expect("given"), &with(&at, "mttf"), &mut dists)?,
            1 => {
                let p = with(&at, "afr");
                let rate = afr_rate(c.afr.as_deref().expect("given"), &p)?;
                dists.push(at_path(Dist::exponential(rate), &p)?);
                dists.len() as u32 - 1
            }
            _ => dist(c.failure.as_ref().expect("given"), &with(&at, "failure"), &mut dists)?,
        };
        let repair = match one_of(
            &at,
            &["mttr", "repair"],
            &[c.mttr.is_some(), c.repair.is_some()],
            "a component needs a time to repair",
        )? {
            0 => exponential_mean(c.mttr.as_deref().expect("given"), &with(&at, "mttr"), &mut dists)?,
            _ => dist(c.repair.as_ref().expect("given"), &with(&at, "repair"), &mut dists)?,
        };
        // Placement: one zone, a list of zones (replicas round-robin), a
        // region, or nowhere in particular (no common-cause outage reaches it).
        let placements: Vec<(u32, u32)> = match (&c.zone, &c.zones, &c.region) {
            (None, None, None) => vec![(NONE, NONE)],
            (Some(z), None, None) => {
                let zi = zone_index(z).ok_or_else(|| Invalid {
                    path: with(&at, "zone"),
                    message: format!("unknown zone {z:?}: {}", known(zones.iter().map(|z| &z.name))),
                })?;
                vec![(zi, zones[zi as usize].region)]
            }
            (None, Some(list), None) => {
                if list.is_empty() {
                    return invalid(with(&at, "zones"), "must list at least one zone");
                }
                list.iter()
                    .enumerate()
                    .map(|(i, z)| {
                        let zi = zone_index(z).ok_or_else(|| Invalid {
                            path: with_index(&with(&at, "zones"), i),
                            message: format!("unknown zone {z:?}: {}", known(zones.iter().map(|z| &z.name))),
                        })?;
                        Ok((zi, zones[zi as usize].region))
                    })
                    .collect::<Res<_>>()?
            }
            (None, None, Some(r)) => {
                let ri = raw.regions.get_index_of(r).ok_or_else(|| Invalid {
                    path: with(&at, "region"),
                    message: format!("unknown region {r:?}: {}", known(raw.regions.keys())),
                })?;
                vec![(NONE, ri as u32)]
            }
            _ => {
                let second = if c.zone.is_some() && c.zones.is_some() { "zones" } else { "region" };
                return invalid(with(&at, second), "give only one of `zone`, `zones` and `region`");
            }
        };
        let first_unit = units.len() as u32;
        for i in 0..count {
            let (zone, region) = placements[i as usize % placements.len()];
            units.push(Unit {
                component: ci as u32,
                zone,
                region,
                stream: stream_key(&format!("component:{name}#{i}")),
            });
        }
        components.push(Component {
            name: name.clone(),
            description: c.description.clone(),
            failure,
            repair,
            first_unit,
            count,
        });
    }

    // Services: the structure DAG.
    if raw.services.is_empty() {
        return invalid(
            Vec::new(),
            "the scenario has no [services]: say when the service is up, e.g. [services.app] up_when = { all = [\"web\", \"db\"] }",
        );
    }
    for name in raw.services.keys() {
        if raw.components.contains_key(name) {
            return invalid(
                path(&["services", name]),
                format!("{name:?} is both a component and a service: names must be unique"),
            );
        }
    }
    let mut builder = StructureBuilder {
        raw_services: &raw.services,
        raw_components: &raw.components,
        components: &components,
        gates: Vec::new(),
        service_gate: vec![None; raw.services.len()],
        visiting: Vec::new(),
        referenced: vec![false; raw.services.len()],
    };
    for i in 0..raw.services.len() {
        builder.service(i, &[])?;
    }
    let root_name = match &raw.simulation.service {
        Some(s) => {
            if !raw.services.contains_key(s) {
                return invalid(
                    path(&["simulation", "service"]),
                    format!("unknown service {s:?}: {}", known(raw.services.keys())),
                );
            }
            s.clone()
        }
        None => {
            let roots: Vec<&String> =
                raw.services.keys().enumerate().filter(|(i, _)| !builder.referenced[*i]).map(|(_, n)| n).collect();
            match roots.as_slice() {
                [one] => (*one).clone(),
                _ => {
                    return invalid(
                        path(&["services"]),
                        format!(
                            "several top-level services ({}): set simulation.service to the one to report on",
                            roots.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
    };
    let root = builder.service_gate[raw.services.get_index_of(&root_name).expect("root exists")].expect("built");
    let gates = builder.gates;

    // Parent links and placement lists.
    let mut unit_parents = vec![Vec::new(); units.len()];
    let mut gate_parents = vec![Vec::new(); gates.len()];
    for (g, gate) in gates.iter().enumerate() {
        for child in &gate.children {
            match *child {
                Node::Unit(u) => unit_parents[u as usize].push(g as u32),
                Node::Gate(c) => gate_parents[c as usize].push(g as u32),
            }
        }
    }
    let mut zone_units = vec![Vec::new(); zones.len()];
    let mut region_units = vec![Vec::new(); regions.len()];
    for (u, unit) in units.iter().enumerate() {
        if unit.zone != NONE {
            zone_units[unit.zone as usize].push(u as u32);
        }
        if unit.region != NONE {
            region_units[unit.region as usize].push(u as u32);
        }
    }
    let causes = components
        .iter()
        .map(|c| Cause { kind: CauseKind::Component, name: c.name.clone() })
        .chain(zones.iter().map(|z| Cause { kind: CauseKind::Zone, name: z.name.clone() }))
        .chain(regions.iter().map(|r| Cause { kind: CauseKind::Region, name: r.name.clone() }))
        .collect();

    Ok(Model {
        variant: variant.to_owned(),
        description,
        service: root_name,
        horizon,
        trials: raw.simulation.trials,
        seed: raw.simulation.seed,
        slo,
        dists,
        components,
        units,
        zones,
        regions,
        gates,
        root,
        unit_parents: Csr::from_lists(&unit_parents),
        gate_parents: Csr::from_lists(&gate_parents),
        zone_units: Csr::from_lists(&zone_units),
        region_units: Csr::from_lists(&region_units),
        causes,
    })
}

fn regions_name(regions: &IndexMap<String, RawRegion>, i: u32) -> &str {
    regions.get_index(i as usize).map_or("?", |(n, _)| n.as_str())
}

/// "known: a, b, c" for an unknown-name message.
fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<&str> = names.map(|s| s.as_str()).collect();
    if list.is_empty() { "none are declared".to_owned() } else { format!("known: {}", list.join(", ")) }
}

struct StructureBuilder<'a> {
    raw_services: &'a IndexMap<String, RawService>,
    raw_components: &'a IndexMap<String, RawComponent>,
    components: &'a [Component],
    gates: Vec<Gate>,
    service_gate: Vec<Option<u32>>,
    /// Services being built, for cycle detection.
    visiting: Vec<usize>,
    referenced: Vec<bool>,
}

impl StructureBuilder<'_> {
    /// The gate of service `i`, building it on first use.
    fn service(&mut self, i: usize, from: &[Seg]) -> Res<u32> {
        if let Some(g) = self.service_gate[i] {
            return Ok(g);
        }
        let name = self.raw_services.get_index(i).expect("index").0.clone();
        if let Some(pos) = self.visiting.iter().position(|&v| v == i) {
            let cycle: Vec<&str> = self.visiting[pos..]
                .iter()
                .chain(std::iter::once(&i))
                .map(|&v| self.raw_services.get_index(v).expect("index").0.as_str())
                .collect();
            return invalid(from.to_vec(), format!("dependency cycle: {}", cycle.join(" → ")));
        }
        self.visiting.push(i);
        let at = path(&["services", &name, "up_when"]);
        let expr = &self.raw_services[i].up_when;
        let g = match expr {
            RawExpr::Ref(_) => {
                let children = self.items(std::slice::from_ref(expr), &at, true)?;
                self.push_gate(name.clone(), children.len() as u32, children)
            }
            RawExpr::Gate(gate) => self.gate(gate, &at, Some(name.clone()))?,
        };
        self.visiting.pop();
        self.service_gate[i] = Some(g);
        Ok(g)
    }

    fn push_gate(&mut self, label: String, k: u32, children: Vec<Node>) -> u32 {
        self.gates.push(Gate { label, k, children });
        self.gates.len() as u32 - 1
    }

    fn gate(&mut self, g: &RawGate, at: &[Seg], label: Option<String>) -> Res<u32> {
        let forms = [g.all.is_some(), g.any.is_some(), g.at_least.is_some() || g.of.is_some()];
        let hint = "use exactly one of { all = [...] }, { any = [...] } or { at_least = K, of = [...] }";
        if forms.iter().filter(|f| **f).count() != 1 {
            return invalid(at.to_vec(), hint);
        }
        let (form, list) = if let Some(l) = &g.all {
            ("all", l)
        } else if let Some(l) = &g.any {
            ("any", l)
        } else {
            let Some(l) = &g.of else {
                return invalid(at.to_vec(), "`at_least` needs `of = [...]`, the list it counts");
            };
            ("of", l)
        };
        let list_at = with(at, form);
        if list.is_empty() {
            return invalid(list_at, "must list at least one component or service");
        }
        let children = self.items(list, &list_at, false)?;
        let n = children.len() as u32;
        let k = match form {
            "all" => n,
            "any" => 1,
            _ => {
                let Some(k) = g.at_least else { return invalid(at.to_vec(), "`of` needs `at_least = K`") };
                if k < 1 || k > i64::from(n) {
                    return invalid(
                        with(at, "at_least"),
                        format!(
                            "must be between 1 and the number of members, {n} (got {k}); a component with count N counts N times"
                        ),
                    );
                }
                k as u32
            }
        };
        let label = label.unwrap_or_else(|| {
            let word = match form {
                "all" => "all".to_owned(),
                "any" => "any".to_owned(),
                _ => format!("at least {k}"),
            };
            format!("{word} of {n}")
        });
        Ok(self.push_gate(label, k, children))
    }

    /// Expands a list: a component name becomes its replicas, a service
    /// name its gate, a table a new gate.
    fn items(&mut self, list: &[RawExpr], at: &[Seg], single: bool) -> Res<Vec<Node>> {
        let mut out = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let item_at = if single { at.to_vec() } else { with_index(at, i) };
            match item {
                RawExpr::Ref(name) => {
                    if let Some(ci) = self.raw_components.get_index_of(name) {
                        let c = &self.components[ci];
                        out.extend((c.first_unit..c.first_unit + c.count).map(Node::Unit));
                    } else if let Some(si) = self.raw_services.get_index_of(name) {
                        self.referenced[si] = true;
                        out.push(Node::Gate(self.service(si, &item_at)?));
                    } else {
                        let names = self.raw_components.keys().chain(self.raw_services.keys());
                        return invalid(item_at, format!("unknown component or service {name:?}: {}", known(names)));
                    }
                }
                RawExpr::Gate(g) => out.push(Node::Gate(self.gate(g, &item_at, None)?)),
            }
        }
        Ok(out)
    }
}
