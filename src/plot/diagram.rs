//! The architecture diagram: each region a box holding its zones side by
//! side, what stands in each zone listed inside it, what stands in the
//! region but no zone in a strip below, things placed nowhere apart; on the
//! right, the tree of what the service needs to be up. Drawn from a
//! [`Diagram`] (data built from the compiled model).

use super::*;
use crate::diagram::{Diagram, Item, ItemKind};

/// Width of every diagram.
const WIDTH: u32 = 1600;
/// Height of one item row.
const ROW: i32 = 34;
/// Item text size.
const ITEM_PX: f64 = 22.0;
/// Box header height (zone or region name).
const BOX_HEAD: i32 = 40;
/// Padding inside boxes.
const PAD: i32 = 12;
/// Gap between region boxes.
const GAP: i32 = 24;
/// Share of the width for the boxes; the rest holds the structure tree.
const LEFT_SHARE: f64 = 0.64;
/// Height of one structure line.
const TREE_ROW: i32 = 32;
/// Room for the legend strip.
const LEGEND_H: i32 = 56;

/// The architecture of one variant, as a chart.
pub struct ArchitectureChart<'a> {
    /// What to draw.
    pub diagram: &'a Diagram,
    /// File name without extension.
    pub stem: String,
}

fn kind_colour(k: ItemKind) -> RGBColor {
    match k {
        ItemKind::Component => PALETTE[0],
        ItemKind::Group => PALETTE[2],
        ItemKind::Standby => PALETTE[4],
        ItemKind::Store => PALETTE[3],
        ItemKind::Copy => PALETTE[1],
        ItemKind::Bucket => PALETTE[5],
    }
}

/// Height of a list of `n` items inside a box.
fn items_h(n: usize) -> i32 {
    n.max(1) as i32 * ROW
}

/// Height of a region box.
fn region_h(r: &crate::diagram::RegionBox) -> i32 {
    let zones = r.zones.iter().map(|z| items_h(z.items.len())).max().unwrap_or(0);
    let zone_row = if r.zones.is_empty() { 0 } else { BOX_HEAD + zones + PAD + PAD };
    let regional = if r.regional.is_empty() { 0 } else { 34 + items_h(r.regional.len()) };
    BOX_HEAD + zone_row + regional + PAD
}

/// Height of the boxes column.
fn boxes_h(d: &Diagram) -> i32 {
    let regions: i32 = d.regions.iter().map(|r| region_h(r) + GAP).sum();
    let unplaced = if d.unplaced.is_empty() { 0 } else { BOX_HEAD + items_h(d.unplaced.len()) + PAD + GAP };
    regions + unplaced
}

impl Chart for ArchitectureChart<'_> {
    fn stem(&self) -> String {
        self.stem.clone()
    }

    fn size(&self) -> (u32, u32) {
        let d = self.diagram;
        let tree = 60 + d.structure.len() as i32 * TREE_ROW;
        let body = boxes_h(d).max(tree) + LEGEND_H + 30;
        (WIDTH, (HEADER_H + FOOTER_H) + body.max(240) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let d = self.diagram;
        let title = format!("{} · {}: architecture", d.scenario, d.variant);
        let subtitle = "where each part stands (boxes: regions and zones) and what the service needs to be up";
        let footer = format!(
            "nines {} · scenario sha256 {} · drawn from the compiled model",
            env!("CARGO_PKG_VERSION"),
            &d.scenario_sha256[..d.scenario_sha256.len().min(12)]
        );
        let body = frame(root, &title, subtitle, &footer)?;
        let used: Vec<(String, RGBColor)> = ItemKind::ALL
            .iter()
            .filter(|k| {
                let any = |items: &[Item]| items.iter().any(|i| i.kind == **k);
                any(&d.unplaced) || d.regions.iter().any(|r| any(&r.regional) || r.zones.iter().any(|z| any(&z.items)))
            })
            .map(|k| (k.legend().to_owned(), kind_colour(*k)))
            .collect();
        let body = legend_strip(&body, &used)?;
        let (w, _) = body.dim_in_pixel();
        let left_w = (f64::from(w) * LEFT_SHARE) as i32;
        let mut y = 10;
        for r in &d.regions {
            let h = region_h(r);
            let outage = if r.outages { " (region outages modelled)" } else { "" };
            boxed(
                &body,
                (20, y),
                (left_w - 10, y + h),
                &format!("region {}{outage}", r.name),
                RGBColor(245, 245, 250),
            )?;
            let mut zy = y + BOX_HEAD;
            if !r.zones.is_empty() {
                let n = r.zones.len() as i32;
                let inner = left_w - 10 - 20 - 2 * PAD;
                let zw = (inner - (n - 1) * PAD) / n;
                let zh = BOX_HEAD + r.zones.iter().map(|z| items_h(z.items.len())).max().unwrap_or(0) + PAD;
                for (i, z) in r.zones.iter().enumerate() {
                    let x0 = 20 + PAD + i as i32 * (zw + PAD);
                    let outage = if z.outages { " (outages)" } else { "" };
                    boxed(&body, (x0, zy), (x0 + zw, zy + zh), &format!("zone {}{outage}", z.name), WHITE)?;
                    items(&body, &z.items, x0 + PAD, zy + BOX_HEAD, zw - 2 * PAD, "nothing placed here")?;
                }
                zy += zh + PAD;
            }
            if !r.regional.is_empty() {
                body.draw(&Text::new(
                    "in the region, no particular zone:".to_owned(),
                    (20 + PAD, zy + 4),
                    style(ITEM_PX - 2.0).color(&GREY).pos(Pos::new(HPos::Left, VPos::Top)),
                ))?;
                items(&body, &r.regional, 20 + PAD, zy + 34, left_w - 30 - 2 * PAD, "")?;
            }
            y += h + GAP;
        }
        if !d.unplaced.is_empty() {
            let h = BOX_HEAD + items_h(d.unplaced.len()) + PAD;
            boxed(
                &body,
                (20, y),
                (left_w - 10, y + h),
                "not placed in a zone or region (only their own failures reach them)",
                RGBColor(250, 250, 245),
            )?;
            items(&body, &d.unplaced, 20 + PAD, y + BOX_HEAD, left_w - 30 - 2 * PAD, "")?;
        }
        // The structure tree.
        let x0 = left_w + 30;
        let tree_w = w as i32 - x0 - 20;
        body.draw(&Text::new(
            format!("service {} is up while", d.service),
            (x0, 14),
            bold(TICK_PX).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        for (i, line) in d.structure.iter().enumerate() {
            let indent = 26 * line.depth.min(12) as i32;
            let ty = 60 + i as i32 * TREE_ROW;
            if line.depth > 0 {
                let lx = x0 + indent - 16;
                body.draw(&PathElement::new([(lx, ty - 12), (lx, ty + 12), (lx + 10, ty + 12)], GREY.stroke_width(2)))?;
            }
            let width = (tree_w - indent).max(40) as u32;
            let px = fit(&body, &line.text, ITEM_PX, width, false);
            body.draw(&Text::new(
                line.text.clone(),
                (x0 + indent, ty + 12),
                style(px).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        Ok(())
    }
}

/// A box with a title.
fn boxed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    title: &str,
    fill: RGBColor,
) -> DrawResult<DB> {
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))?;
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], GREY.stroke_width(2)))?;
    let px = fit(area, title, ITEM_PX, (x1 - x0 - 2 * PAD).max(40) as u32, true);
    area.draw(&Text::new(
        title.to_owned(),
        (x0 + PAD, y0 + BOX_HEAD / 2),
        bold(px).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
}

/// Items one per row from `(x, y)`, each with its kind's colour mark.
fn items<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    list: &[Item],
    x: i32,
    y: i32,
    width: i32,
    empty: &str,
) -> DrawResult<DB> {
    if list.is_empty() && !empty.is_empty() {
        area.draw(&Text::new(
            empty.to_owned(),
            (x, y + ROW / 2),
            style(ITEM_PX - 4.0).color(&GREY).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    for (i, item) in list.iter().enumerate() {
        let ty = y + i as i32 * ROW;
        let c = kind_colour(item.kind);
        area.draw(&Rectangle::new([(x, ty + 6), (x + 14, ty + ROW - 6)], c.filled()))?;
        let px = fit(area, &item.label, ITEM_PX, (width - 24).max(40) as u32, false);
        area.draw(&Text::new(
            item.label.clone(),
            (x + 22, ty + ROW / 2),
            style(px).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}
