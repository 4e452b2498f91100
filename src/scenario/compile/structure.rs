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

/// What a list being expanded belongs to, and so what its members become
/// once every one is known.
enum Owner<'a> {
    /// `up_when = "name"`: the service is a gate over that one member.
    Service { i: usize },
    /// A `{ all | any | at_least, of }` table at `at`, the whole `up_when`
    /// of service `service` or a nested one.
    Gate { gate: &'a RawGate, at: Vec<Seg>, form: &'static str, service: Option<usize> },
}

/// A list of members being expanded, one member at a time.
struct Frame<'a> {
    owner: Owner<'a>,
    items: &'a [RawExpr],
    /// Path of the list (`...up_when.all`), or of the single member.
    at: Vec<Seg>,
    /// `up_when = "name"`: the path is the member's own, without an index.
    single: bool,
    next: usize,
    out: Vec<Node>,
    /// Names listed so far, with their index, to refuse a repeated one.
    seen: Vec<(&'a str, usize)>,
}

impl<'a> StructureBuilder<'a> {
    /// The gate of service `i`, building it (and every service it uses
    /// that is not built yet) on first use.
    ///
    /// The walk keeps its own stack instead of recursing, so a chain of
    /// services as long as memory allows needs no deeper call stack; it
    /// visits members in the order a recursive walk would, so gates are
    /// numbered, and errors found, in that order. Tables nested inside one
    /// `up_when` go on the same stack (TOML bounds their depth anyway).
    fn service(&mut self, i: usize, from: &[Seg]) -> Res<u32> {
        if let Some(g) = self.service_gate[i] {
            return Ok(g);
        }
        let mut stack = vec![self.enter_service(i, from)?];
        loop {
            let frame = stack.last_mut().expect("a frame until the service is built");
            if frame.next < frame.items.len() {
                let index = frame.next;
                frame.next += 1;
                let items = frame.items;
                let item = &items[index];
                let item_at = if frame.single { frame.at.clone() } else { with_index(&frame.at, index) };
                match item {
                    RawExpr::Ref(name) => {
                        if let Some(&(_, first)) = frame.seen.iter().find(|(n, _)| n == name) {
                            let form = match frame.owner {
                                Owner::Gate { form, .. } => form,
                                Owner::Service { .. } => "up_when",
                            };
                            return invalid(
                                item_at,
                                format!(
                                    "{name:?} is listed twice (also at {form}[{first}]): list each member once (a component with count N already stands for its N replicas)"
                                ),
                            );
                        }
                        frame.seen.push((name.as_str(), index));
                        if let Some(&node) = self.single_node.get(name) {
                            frame.out.push(node);
                        } else if let Some(&ci) = self.component_index.get(name) {
                            let c = &self.components[ci];
                            frame.out.extend((c.first_unit..c.first_unit + c.count).map(Node::Unit));
                        } else if let Some(si) = self.raw_services.get_index_of(name) {
                            self.referenced[si] = true;
                            match self.service_gate[si] {
                                Some(g) => frame.out.push(Node::Gate(g)),
                                None => {
                                    let next = self.enter_service(si, &item_at)?;
                                    stack.push(next);
                                }
                            }
                        } else {
                            let names = self.component_index.keys().chain(self.raw_services.keys());
                            return invalid(
                                item_at,
                                format!("unknown component or service {name:?}: {}", known(names)),
                            );
                        }
                    }
                    RawExpr::Gate(g) => {
                        let next = Self::open_gate(g, item_at, None)?;
                        stack.push(next);
                    }
                }
                continue;
            }
            let frame = stack.pop().expect("checked above");
            let g = self.close(frame)?;
            match stack.last_mut() {
                Some(parent) => parent.out.push(Node::Gate(g)),
                None => return Ok(g),
            }
        }
    }

    /// Starts building service `i`, used at `from`: refuses a cycle, then
    /// opens the list of its `up_when`.
    fn enter_service(&mut self, i: usize, from: &[Seg]) -> Res<Frame<'a>> {
        let raw_services = self.raw_services;
        let name = raw_services.get_index(i).expect("index").0;
        if let Some(pos) = self.visiting.iter().position(|&v| v == i) {
            let cycle: Vec<&str> = self.visiting[pos..]
                .iter()
                .chain(std::iter::once(&i))
                .map(|&v| raw_services.get_index(v).expect("index").0.as_str())
                .collect();
            return invalid(from.to_vec(), format!("dependency cycle: {}", cycle.join(" → ")));
        }
        self.visiting.push(i);
        let at = path(&["services", name, "up_when"]);
        let expr = &raw_services[i].up_when;
        match expr {
            RawExpr::Ref(_) => Ok(Frame {
                owner: Owner::Service { i },
                items: std::slice::from_ref(expr),
                at,
                single: true,
                next: 0,
                out: Vec::new(),
                seen: Vec::new(),
            }),
            RawExpr::Gate(gate) => Self::open_gate(gate, at, Some(i)),
        }
    }

    /// Checks a gate's form and opens its list.
    fn open_gate(g: &'a RawGate, at: Vec<Seg>, service: Option<usize>) -> Res<Frame<'a>> {
        let forms = [g.all.is_some(), g.any.is_some(), g.at_least.is_some() || g.of.is_some()];
        let hint = "use exactly one of { all = [...] }, { any = [...] } or { at_least = K, of = [...] }";
        if forms.iter().filter(|f| **f).count() != 1 {
            return invalid(at, hint);
        }
        let (form, list) = if let Some(l) = &g.all {
            ("all", l)
        } else if let Some(l) = &g.any {
            ("any", l)
        } else {
            let Some(l) = &g.of else {
                return invalid(at, "`at_least` needs `of = [...]`, the list it counts");
            };
            ("of", l)
        };
        let list_at = with(&at, form);
        if list.is_empty() {
            return invalid(list_at, "must list at least one component or service");
        }
        Ok(Frame {
            owner: Owner::Gate { gate: g, at, form, service },
            items: list,
            at: list_at,
            single: false,
            next: 0,
            out: Vec::new(),
            seen: Vec::new(),
        })
    }

    /// Every member of `frame` is known: builds its gate (and, for a
    /// service's own, records the service as built).
    fn close(&mut self, frame: Frame<'a>) -> Res<u32> {
        let children = frame.out;
        let n = children.len() as u32;
        let (g, service) = match frame.owner {
            Owner::Service { i } => {
                let name = self.raw_services.get_index(i).expect("index").0.clone();
                (self.push_gate(name, n, children), Some(i))
            }
            Owner::Gate { gate, at, form, service } => {
                let k = match form {
                    "all" => n,
                    "any" => 1,
                    _ => {
                        let Some(k) = gate.at_least else { return invalid(at, "`of` needs `at_least = K`") };
                        if k < 1 || k > i64::from(n) {
                            return invalid(
                                with(&at, "at_least"),
                                format!(
                                    "must be between 1 and the number of members, {n} (got {k}); a component with count N counts N times"
                                ),
                            );
                        }
                        k as u32
                    }
                };
                let label = match service {
                    Some(i) => self.raw_services.get_index(i).expect("index").0.clone(),
                    None => {
                        let word = match form {
                            "all" => "all".to_owned(),
                            "any" => "any".to_owned(),
                            _ => format!("at least {k}"),
                        };
                        format!("{word} of {n}")
                    }
                };
                (self.push_gate(label, k, children), service)
            }
        };
        if let Some(i) = service {
            self.visiting.pop();
            self.service_gate[i] = Some(g);
        }
        Ok(g)
    }

    fn push_gate(&mut self, label: String, k: u32, children: Vec<Node>) -> u32 {
        self.gates.push(Gate { label, k, children });
        self.gates.len() as u32 - 1
    }
}
