//! The architecture diagram's data: everything placed where the model puts
//! it, and the structure folded the way people say it.

use nines::diagram::{Diagram, ItemKind};
use nines::scenario::load;
use std::path::Path;

fn diagram(file: &str, variant: usize) -> Diagram {
    let s = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    Diagram::new(&s.name, &s.sha256, &s.variants[variant])
}

#[test]
fn the_lab_stands_in_two_zones() {
    let d = diagram("scenarios/lab-web-app.toml", 0);
    let region = &d.regions[0];
    let labels = |z: usize| region.zones[z].items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>();
    assert_eq!(labels(0), vec!["db (db.t4g.micro) active", "web (t3.micro) instance"]);
    assert_eq!(labels(1), vec!["db (db.t4g.micro) standby", "web (t3.micro) instance"]);
    assert!(labels(2).is_empty(), "nothing in the third zone: {:?}", labels(2));
    assert!(d.structure.iter().any(|l| l.text.starts_with("web: auto-scaling group, 2 instances")));
    // The single-zone variant draws both instances in one zone, folded.
    let single = diagram("scenarios/lab-web-app.toml", 2);
    let z = &single.regions[0].zones[0].items;
    assert!(z.iter().any(|i| i.label == "web (t3.micro) instance ×2" && i.kind == ItemKind::Group), "{z:?}");
    assert_ne!(d.signature(), single.signature());
}

#[test]
fn unplaced_parts_and_k_of_n_are_said_plainly() {
    let d = diagram("scenarios/two-of-three.toml", 0);
    assert!(d.regions.is_empty());
    assert_eq!(d.unplaced.len(), 1);
    assert_eq!(d.unplaced[0].label, "server ×3");
    let lines: Vec<&str> = d.structure.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(lines, vec!["quorum: at least 2 of 3", "server ×3"]);
}

#[test]
fn stores_and_their_copies_are_placed() {
    let d = diagram("scenarios/dr-strategies.toml", 0);
    let all: Vec<(&str, ItemKind)> = d
        .regions
        .iter()
        .flat_map(|r| r.zones.iter().flat_map(|z| &z.items).chain(&r.regional))
        .map(|i| (i.label.as_str(), i.kind))
        .collect();
    assert!(all.contains(&("store orders-db (primary)", ItemKind::Store)), "{all:?}");
    assert!(all.contains(&("orders-db replica (sync)", ItemKind::Copy)), "{all:?}");
    assert!(all.iter().any(|(l, k)| l.starts_with("orders-db backups daily") && *k == ItemKind::Copy), "{all:?}");
}
