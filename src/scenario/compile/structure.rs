//! `[services]`: when the service is up, as a DAG of k-of-n gates over
//! units (a component's replicas), groups, standby pairs and other
//! services; cycles, unknown names and ambiguous roots are refused.

use super::super::Seg;
use super::super::raw::{RawExpr, RawGate, RawScenario, RawService};
use super::Draft;
use super::values::*;
use crate::model::{Component, Gate, Node};
use indexmap::IndexMap;

/// The structure: every gate (groups' first) and the root the report is
/// about.
pub(super) struct Structure {
    /// All gates.
    pub gates: Vec<Gate>,
    /// The reported service's gate.
    pub root: u32,
    /// Its name.
    pub root_name: String,
}

/// Builds the gates of every service and picks the root.
pub(super) fn build(raw: &RawScenario, d: &mut Draft) -> Res<Structure> {
    let mut component_index: IndexMap<String, usize> = IndexMap::new();
    for (i, c) in d.components.iter().enumerate() {
        component_index.insert(c.name.clone(), i);
    }
    if raw.services.is_empty() {
        return invalid(
            Vec::new(),
            "the scenario has no [services]: say when the service is up, e.g. [services.app] up_when = { all = [\"web\", \"db\"] }",
        );
    }
    for name in raw.services.keys() {
        if component_index.contains_key(name) {
            return invalid(
                path(&["services", name]),
                format!("{name:?} is both a component and a service: names must be unique"),
            );
        }
    }
    let mut builder = StructureBuilder {
        raw_services: &raw.services,
        component_index: &component_index,
        single_node: &d.single_node,
        components: &d.components,
        gates: std::mem::take(&mut d.group_gates),
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
    Ok(Structure { gates: builder.gates, root, root_name })
}

struct StructureBuilder<'a> {
    raw_services: &'a IndexMap<String, RawService>,
    component_index: &'a IndexMap<String, usize>,
    single_node: &'a IndexMap<String, Node>,
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
                    if let Some(&node) = self.single_node.get(name) {
                        out.push(node);
                    } else if let Some(&ci) = self.component_index.get(name) {
                        let c = &self.components[ci];
                        out.extend((c.first_unit..c.first_unit + c.count).map(Node::Unit));
                    } else if let Some(si) = self.raw_services.get_index_of(name) {
                        self.referenced[si] = true;
                        out.push(Node::Gate(self.service(si, &item_at)?));
                    } else {
                        let names = self.component_index.keys().chain(self.raw_services.keys());
                        return invalid(item_at, format!("unknown component or service {name:?}: {}", known(names)));
                    }
                }
                RawExpr::Gate(g) => out.push(Node::Gate(self.gate(g, &item_at, None)?)),
            }
        }
        Ok(out)
    }
}
