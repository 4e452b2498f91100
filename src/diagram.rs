//! The architecture of one compiled variant as data for a picture: each
//! region and its zones as boxes, every component, group, standby pair,
//! store (with its replicas, backups and logs) and bucket placed in the
//! box it stands in, and the service's structure as an indented tree.
//!
//! Built from the [`Model`] alone (what nines understood, not what the
//! file says), so the picture cannot show a placement the simulation does
//! not use. `plot::ArchitectureChart` draws it as PNG and SVG; `nines
//! diagram` and the HTML report use it. May use: `model`, `units`.

use crate::model::{Model, NONE, Node, Place, Role};
use crate::units::format_duration;
use serde::Serialize;

/// Lines of the structure tree drawn before the rest are summarised.
pub const MAX_STRUCTURE_LINES: usize = 40;

/// Items listed in one box before the rest are summarised.
pub const MAX_ITEMS_PER_BOX: usize = 12;

/// What an item is, for its colour and legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Replicas of a component with their own failures.
    Component,
    /// Instances of an auto-scaling group.
    Group,
    /// Members of an active/passive (standby) component.
    Standby,
    /// A data store's primary copy.
    Store,
    /// A copy of a store's data: replica, backups, logs.
    Copy,
    /// An object-storage bucket.
    Bucket,
}

impl ItemKind {
    /// Legend text.
    pub fn legend(self) -> &'static str {
        match self {
            ItemKind::Component => "component (replicas)",
            ItemKind::Group => "auto-scaling group",
            ItemKind::Standby => "active/passive",
            ItemKind::Store => "data store",
            ItemKind::Copy => "copy of data",
            ItemKind::Bucket => "bucket",
        }
    }

    /// Every kind, in legend order.
    pub const ALL: [ItemKind; 6] =
        [ItemKind::Component, ItemKind::Group, ItemKind::Standby, ItemKind::Store, ItemKind::Copy, ItemKind::Bucket];
}

/// One thing drawn in a box.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// Its label (`web ×2`, `db (active)`, `orders backups daily`).
    pub label: String,
}

/// A zone and what stands in it.
#[derive(Clone, Debug, Serialize)]
pub struct ZoneBox {
    /// Zone name.
    pub name: String,
    /// Whether the zone has an outage process.
    pub outages: bool,
    /// What stands in it.
    pub items: Vec<Item>,
}

/// A region, its zones, and what stands in the region but no zone.
#[derive(Clone, Debug, Serialize)]
pub struct RegionBox {
    /// Region name.
    pub name: String,
    /// Whether the region has an outage process.
    pub outages: bool,
    /// Its zones.
    pub zones: Vec<ZoneBox>,
    /// Placed in the region but in no particular zone (multi-zone buckets,
    /// region-placed components, copies kept in the region).
    pub regional: Vec<Item>,
}

/// One line of the structure tree.
#[derive(Clone, Debug, Serialize)]
pub struct StructureLine {
    /// Depth under the service (0: the service).
    pub depth: usize,
    /// Text (`web-app: all of 2`, `server ×3`).
    pub text: String,
}

/// The architecture of one variant.
#[derive(Clone, Debug, Serialize)]
pub struct Diagram {
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Variant name.
    pub variant: String,
    /// The service reported on.
    pub service: String,
    /// Regions in scenario order.
    pub regions: Vec<RegionBox>,
    /// Things placed in no region: only their own failures reach them.
    pub unplaced: Vec<Item>,
    /// The service's structure, top down.
    pub structure: Vec<StructureLine>,
}

/// Where an item goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spot {
    Zone(u32),
    Region(u32),
    Nowhere,
}

fn spot(zone: u32, region: u32) -> Spot {
    if zone != NONE {
        Spot::Zone(zone)
    } else if region != NONE {
        Spot::Region(region)
    } else {
        Spot::Nowhere
    }
}

fn place_spot(p: Place) -> Spot {
    spot(p.zone, p.region)
}

/// Items in placement order, merged when they have the same label in the
/// same spot (`web` twice in a zone → `web ×2`).
#[derive(Default)]
struct Placed(Vec<(Spot, Item, u32)>);

impl Placed {
    fn add(&mut self, at: Spot, kind: ItemKind, label: String) {
        match self.0.iter_mut().find(|(s, i, _)| *s == at && i.kind == kind && i.label == label) {
            Some(entry) => entry.2 += 1,
            None => self.0.push((at, Item { kind, label }, 1)),
        }
    }

    fn take(&self, at: Spot) -> Vec<Item> {
        let mut items: Vec<Item> = self
            .0
            .iter()
            .filter(|(s, _, _)| *s == at)
            .map(|(_, i, n)| Item {
                kind: i.kind,
                label: if *n > 1 { format!("{} ×{n}", i.label) } else { i.label.clone() },
            })
            .collect();
        if items.len() > MAX_ITEMS_PER_BOX {
            let more = items.len() - (MAX_ITEMS_PER_BOX - 1);
            items.truncate(MAX_ITEMS_PER_BOX - 1);
            items.push(Item { kind: ItemKind::Component, label: format!("… and {more} more") });
        }
        items
    }
}

/// "web (t3.micro)" when the component names an instance type.
fn with_type(model: &Model, component: u32, name: &str) -> String {
    match &model.components[component as usize].instance_type {
        Some(t) => format!("{name} ({t})"),
        None => name.to_owned(),
    }
}

impl Diagram {
    /// The architecture of `model`, a variant of scenario `scenario` (whose
    /// file has SHA-256 `sha256`).
    pub fn new(scenario: &str, sha256: &str, model: &Model) -> Self {
        let mut placed = Placed::default();
        for (u, unit) in model.units.iter().enumerate() {
            let c = &model.components[unit.component as usize];
            let at = spot(unit.zone, unit.region);
            match unit.role {
                Role::Plain if model.unit_bucket[u] != NONE => {
                    let b = &model.buckets[model.unit_bucket[u] as usize];
                    placed.add(at, ItemKind::Bucket, format!("bucket {}: {}", b.name, b.class.name));
                }
                Role::Plain => placed.add(at, ItemKind::Component, with_type(model, unit.component, &c.name)),
                Role::Member(p) => {
                    let pair = &model.standbys[p as usize];
                    let role = if pair.members.first() == Some(&(u as u32)) { "active" } else { "standby" };
                    placed.add(at, ItemKind::Standby, format!("{} {role}", with_type(model, unit.component, &c.name)));
                }
                Role::Slot(g) => {
                    let group = &model.groups[g as usize];
                    let zp = group.zone_pos(u as u32);
                    let j = (u as u32 - group.first_unit) % group.max;
                    if group.starts_running(zp, j) {
                        placed.add(
                            at,
                            ItemKind::Group,
                            format!("{} instance", with_type(model, unit.component, &c.name)),
                        );
                    }
                }
                Role::Standby(_) | Role::Store(_) => {}
            }
        }
        for st in &model.stores {
            placed.add(place_spot(st.place), ItemKind::Store, format!("store {} (primary)", st.name));
            for r in &st.replicas {
                let mode = if r.lag.is_some() { "async" } else { "sync" };
                placed.add(place_spot(r.place), ItemKind::Copy, format!("{} replica ({mode})", st.name));
            }
            for b in &st.backups {
                let when =
                    if b.every == 24.0 { "daily".to_owned() } else { format!("every {}", format_duration(b.every)) };
                let into = if b.bucket != NONE {
                    format!(" in {}", model.buckets[b.bucket as usize].name)
                } else {
                    String::new()
                };
                placed.add(place_spot(b.destination), ItemKind::Copy, format!("{} backups {when}{into}", st.name));
            }
            if let Some(l) = &st.logs {
                let into = if l.bucket != NONE {
                    format!(" in {}", model.buckets[l.bucket as usize].name)
                } else {
                    String::new()
                };
                placed.add(
                    place_spot(l.destination),
                    ItemKind::Copy,
                    format!("{} logs every {}{into}", st.name, format_duration(l.every)),
                );
            }
        }
        let regions = model
            .regions
            .iter()
            .enumerate()
            .map(|(r, region)| RegionBox {
                name: region.name.clone(),
                outages: region.outage.is_some(),
                zones: region
                    .zones
                    .iter()
                    .map(|&z| ZoneBox {
                        name: model.zones[z as usize].name.clone(),
                        outages: model.zones[z as usize].outage.is_some(),
                        items: placed.take(Spot::Zone(z)),
                    })
                    .collect(),
                regional: placed.take(Spot::Region(r as u32)),
            })
            .collect();
        Diagram {
            scenario: scenario.to_owned(),
            scenario_sha256: sha256.to_owned(),
            variant: model.variant.clone(),
            service: model.service.clone(),
            regions,
            unplaced: placed.take(Spot::Nowhere),
            structure: structure(model),
        }
    }

    /// A key that is equal for two variants with the same picture.
    pub fn signature(&self) -> String {
        serde_json::to_string(&(&self.regions, &self.unplaced, &self.structure)).unwrap_or_default()
    }
}

/// The name of a unit child in the tree: its component, or what the
/// virtual unit stands for.
fn unit_label(model: &Model, u: u32) -> String {
    let unit = &model.units[u as usize];
    let c = &model.components[unit.component as usize];
    match unit.role {
        Role::Standby(p) => {
            let pair = &model.standbys[p as usize];
            format!("{}: active/passive, {} members", pair.name, pair.members.len())
        }
        Role::Store(s) => format!("store {}", model.stores[s as usize].name),
        _ if model.unit_bucket[u as usize] != NONE => {
            format!("bucket {}", model.buckets[model.unit_bucket[u as usize] as usize].name)
        }
        _ => c.name.clone(),
    }
}

/// The structure tree, walked with an explicit stack (chains of services
/// can be deeper than the call stack), each shared service spelled out
/// once, replicas of one component folded into `name ×N`.
fn structure(model: &Model) -> Vec<StructureLine> {
    let mut lines = Vec::new();
    let mut shown = vec![false; model.gates.len()];
    // (node, depth, replicas folded into it)
    let mut todo = vec![(Node::Gate(model.root), 0usize, 1u32)];
    let mut skipped = 0usize;
    while let Some((node, depth, count)) = todo.pop() {
        if lines.len() >= MAX_STRUCTURE_LINES {
            skipped += 1;
            continue;
        }
        match node {
            Node::Unit(u) => {
                let label = unit_label(model, u);
                let text = if count > 1 { format!("{label} ×{count}") } else { label };
                lines.push(StructureLine { depth, text });
            }
            Node::Gate(g) => {
                if let Some(group) = model.groups.iter().find(|x| x.gate == g) {
                    lines.push(StructureLine {
                        depth,
                        text: format!(
                            "{}: auto-scaling group, {} instances, needs {} healthy",
                            group.name, group.desired, group.min_healthy
                        ),
                    });
                    continue;
                }
                let gate = &model.gates[g as usize];
                if shown[g as usize] {
                    lines.push(StructureLine { depth, text: format!("{}: as above", gate.label) });
                    continue;
                }
                shown[g as usize] = true;
                // Children, with consecutive replicas of one component folded.
                let same = |a: Node, b: Node| match (a, b) {
                    (Node::Unit(x), Node::Unit(y)) => {
                        let (ux, uy) = (&model.units[x as usize], &model.units[y as usize]);
                        ux.component == uy.component && ux.role == Role::Plain && uy.role == Role::Plain
                    }
                    _ => false,
                };
                let mut children: Vec<(Node, u32)> = Vec::new();
                for &c in &gate.children {
                    match children.last_mut() {
                        Some((last, n)) if same(*last, c) => *n += 1,
                        _ => children.push((c, 1)),
                    }
                }
                let n = gate.children.len();
                let rule = match gate.k as usize {
                    1 if n == 1 => "needs".to_owned(),
                    k if k == n => format!("all of {n}"),
                    1 => format!("any of {n}"),
                    k => format!("at least {k} of {n}"),
                };
                let label = if gate.label.contains(" of ") { String::new() } else { format!("{}: ", gate.label) };
                lines.push(StructureLine { depth, text: format!("{label}{rule}") });
                todo.extend(children.iter().rev().map(|&(c, count)| (c, depth + 1, count)));
            }
        }
    }
    if skipped > 0 {
        lines.push(StructureLine { depth: 1, text: format!("… and {skipped} more") });
    }
    lines
}
