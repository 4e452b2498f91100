//! "A year in the life": a Gantt chart of one trial. One lane for the
//! service (its outages, red), then each region, zone and replica with the
//! intervals it was out. Below, a zoom on the longest service outage with
//! only the lanes active around it, so one can see which failures lined up.

use super::compare::{row_name, rows};
use super::*;
use crate::report::timeline::{Lane, LaneKind, clock, span_text};

/// Size of a timeline chart with `lanes` rows: 1600 × 1150 up to 12 lanes,
/// 30 pixels taller for each further lane (at most 2400), so labels stay
/// legible on a projector.
pub fn timeline_size(lanes: usize) -> (u32, u32) {
    (1600, (1150 + 30 * lanes.saturating_sub(12) as u32).min(2400))
}

/// A timeline chart of one trial.
pub struct TimelineChart<'a> {
    /// The trial.
    pub timeline: &'a Timeline,
    /// File name without extension.
    pub stem: String,
}

fn kind_colour(k: LaneKind) -> RGBColor {
    match k {
        LaneKind::Service => TARGET,
        LaneKind::Region => PALETTE[4],
        LaneKind::ControlPlane => PALETTE[7],
        LaneKind::Zone => PALETTE[1],
        LaneKind::Component => PALETTE[0],
        LaneKind::Storage => PALETTE[5],
        LaneKind::Store => PALETTE[2],
    }
}

/// A replica's span by what took it down: a failure (the lane's colour),
/// planned work, or a common-cause shock.
fn span_colour(lane: LaneKind, cause: Option<&str>) -> RGBColor {
    match (lane, cause) {
        (LaneKind::Component, Some("maintenance" | "test")) => PLANNED,
        (LaneKind::Component, Some(c)) if c.starts_with("shock ") => PALETTE[3],
        (LaneKind::Component, Some("failover")) => PALETTE[6],
        _ => kind_colour(lane),
    }
}

/// Planned work: grey-blue, quieter than a failure.
const PLANNED: RGBColor = RGBColor(150, 170, 200);

fn unnoticed_colour() -> RGBColor {
    let c = kind_colour(LaneKind::Store);
    // The store's colour, faded towards white.
    RGBColor(c.0 / 3 + 170, c.1 / 3 + 170, c.2 / 3 + 170)
}

/// Backup ticks: grey, so that a comb of daily backups stays quiet.
const BACKUP_INK: RGBColor = RGBColor(110, 110, 110);

/// The time axis of one panel: hours are shown as `(t − offset) / unit`.
struct Axis {
    from: f64,
    to: f64,
    offset: f64,
    unit: f64,
    desc: String,
}

impl Chart for TimelineChart<'_> {
    fn stem(&self) -> String {
        self.stem.clone()
    }

    fn size(&self) -> (u32, u32) {
        timeline_size(self.timeline.lanes.len())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let t = self.timeline;
        let title = format!("{} · {}: a year in the life (trial {})", t.scenario, t.variant, t.trial);
        let subtitle = format!(
            "service {}: {} outage{}, {} down · every failure, repair and outage of this simulated {}",
            t.service,
            t.outages,
            if t.outages == 1 { "" } else { "s" },
            if t.downtime_hours > 0.0 { span_text(t.downtime_hours) } else { "never".into() },
            if (t.horizon_hours - crate::units::HOURS_PER_YEAR).abs() < 1e-9 {
                "year".to_owned()
            } else {
                "trial".to_owned()
            },
        );
        let footer = format!(
            "nines {} · scenario sha256 {} · seed {} · trial {} (trials are numbered 0 to {})",
            t.nines_version,
            &t.scenario_sha256[..t.scenario_sha256.len().min(12)],
            t.seed,
            t.trial,
            t.trials.saturating_sub(1)
        );
        let body = frame(root, &title, &subtitle, &footer)?;
        let kinds = [
            (LaneKind::Service, "service down"),
            (LaneKind::Region, "region outage"),
            (LaneKind::ControlPlane, "control plane impaired"),
            (LaneKind::Zone, "zone outage"),
            (LaneKind::Component, "replica failed"),
            (LaneKind::Storage, "storage class outage"),
            (LaneKind::Store, "store recovering"),
        ];
        let mut items: Vec<(String, RGBColor)> = kinds
            .iter()
            .filter(|(k, _)| t.lanes.iter().any(|l| l.kind == *k))
            .map(|(k, label)| (label.to_string(), kind_colour(*k)))
            .collect();
        let causes = |p: fn(&str) -> bool| {
            t.lanes
                .iter()
                .any(|l| l.kind == LaneKind::Component && l.down.iter().any(|s| s.cause.as_deref().is_some_and(p)))
        };
        if causes(|c| c == "maintenance" || c == "test") {
            items.push(("planned: maintenance or test".into(), PLANNED));
        }
        if causes(|c| c.starts_with("shock ")) {
            items.push(("taken down by a shock".into(), PALETTE[3]));
        }
        if causes(|c| c == "failover") {
            items.push(("failing over to a standby".into(), PALETTE[6]));
        }
        if t.lanes.iter().any(|l| !l.unnoticed.is_empty()) {
            items.push(("corrupted, not yet noticed".into(), unnoticed_colour()));
        }
        if t.lanes.iter().any(|l| !l.lost.is_empty()) {
            items.push(("data lost (line)".into(), INK));
        }
        if t.lanes.iter().any(|l| !l.backups.is_empty()) {
            items.push(("backup started (tick)".into(), BACKUP_INK));
        }
        if t.lanes.iter().any(|l| l.backups.iter().any(|b| !b.ok)) {
            items.push(("backup failed (×)".into(), TARGET));
        }
        let body = legend_strip(&body, &items)?;

        let longest =
            t.lanes.first().and_then(|l| l.down.iter().max_by(|a, b| (a.end - a.start).total_cmp(&(b.end - b.start))));
        let all: Vec<&Lane> = t.lanes.iter().collect();
        let days = t.horizon_hours >= 72.0;
        let full = Axis {
            from: 0.0,
            to: t.horizon_hours,
            offset: 0.0,
            unit: if days { 24.0 } else { 1.0 },
            desc: if days { "time, days since the start of the trial".into() } else { "time, hours".into() },
        };
        let grouped = t.grouping.as_ref().map_or(String::new(), |g| format!(" · {g}"));
        let Some(out) = longest else {
            return lanes_panel(&body, &all, &full, None, &format!("no service outage in this trial{grouped}"));
        };
        let (_, h) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically(h * 3 / 5);
        let length = out.end - out.start;
        // Context around it: most of its length again, at least a quarter hour.
        let pad = (length * 0.75).max(0.25);
        let (to, mut from) = ((out.end + pad).min(t.horizon_hours), (out.start - pad).max(0.0));
        // Reach back to the recovery point of the data lost in this outage
        // (lost at a time inside it, or by a corruption noticed inside it),
        // so the window of lost writes is whole, unless the outage would
        // then take less than an eighth of the panel.
        let inside = |x: f64| x >= out.start && x <= out.end;
        let noticed_inside = |l: &Lane, struck: f64| l.unnoticed.iter().any(|u| u.start == struck && inside(u.end));
        let reach = t
            .lanes
            .iter()
            .flat_map(|l| {
                l.lost.iter().filter(move |s| s.cause.is_none() && (inside(s.end) || noticed_inside(l, s.end)))
            })
            .map(|s| s.start)
            .fold(f64::INFINITY, f64::min);
        if reach < from {
            let wide = (reach - 0.05 * (to - reach)).max(0.0);
            if length >= (to - wide) / 8.0 {
                from = wide;
            }
        }
        let zoom = Axis {
            from,
            to,
            offset: out.start,
            unit: 1.0,
            desc: format!("hours from the start of the outage ({})", clock(out.start)),
        };
        lanes_panel(
            &top,
            &all,
            &full,
            Some((zoom.from, zoom.to)),
            &format!("the whole trial (shaded: zoomed below){grouped}"),
        )?;
        let active: Vec<&Lane> = t
            .lanes
            .iter()
            .filter(|l| {
                let near = |s: &&crate::report::timeline::Span| s.end >= zoom.from && s.start <= zoom.to;
                l.kind == LaneKind::Service
                    || l.down.iter().any(|s| near(&s))
                    || l.unnoticed.iter().any(|s| near(&s))
                    || l.lost.iter().any(|s| near(&s))
            })
            .collect();
        let caption = format!(
            "zoom on the longest outage: {} down, cause {}",
            span_text(length),
            out.cause.as_deref().unwrap_or("unknown")
        );
        lanes_panel(&bottom, &active, &zoom, None, &caption)
    }
}

/// One Gantt panel: `lanes` top to bottom over `axis`; `shade` marks a
/// window (hours).
fn lanes_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lanes: &[&Lane],
    axis: &Axis,
    shade: Option<(f64, f64)>,
    caption: &str,
) -> DrawResult<DB> {
    let n = lanes.len();
    let names: Vec<String> = lanes.iter().map(|l| l.name.clone()).collect();
    let (_, h) = area.dim_in_pixel();
    // Rows shrink their labels when there are many.
    let row_px = f64::from(h.saturating_sub(150)) / n.max(1) as f64;
    let label_px = (row_px * 0.8).clamp(16.0, TICK_PX);
    let label_w = widest(area, &names, label_px) + 30;
    let x = |hours: f64| (hours - axis.offset) / axis.unit;
    let (x0, x1) = (x(axis.from), x(axis.to));
    let mut chart = ChartBuilder::on(area)
        .caption(caption, style(TICK_PX))
        .margin_left(20)
        .margin_right(50)
        .x_label_area_size(70)
        .y_label_area_size(label_w)
        .build_cartesian_2d(x0..x1, rows(n))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(axis.desc.as_str())
        .axis_desc_style(style(AXIS_PX - 4.0))
        .label_style(style(TICK_PX))
        .y_label_style(style(label_px))
        .x_labels(12)
        .x_label_formatter(&|v| short(*v))
        .y_label_formatter(&|y| row_name(*y, &names))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(230, 230, 230))
        .draw()?;
    // Bars at least 3 pixels wide, or a 20-minute repair in a year would vanish.
    let plot_w = f64::from(chart.plotting_area().dim_in_pixel().0.max(1));
    let min_w = 3.0 * (x1 - x0) / plot_w;
    let top = n as f64 - 0.5;
    if let Some((a, b)) = shade {
        let (a, b) = (x(a), x(b));
        let mid = (a + b) / 2.0;
        let half = ((b - a) / 2.0).max(4.0 * min_w);
        chart.draw_series([Rectangle::new([(mid - half, -0.5), (mid + half, top)], TARGET.mix(0.12).filled())])?;
    }
    for (i, lane) in lanes.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let bars = lane.down.iter().filter(|s| s.end >= axis.from && s.start <= axis.to).map(|s| {
            let (a, b) = (x(s.start.max(axis.from)), x(s.end.min(axis.to)));
            let b = b.max(a + min_w);
            Rectangle::new([(a, y - 0.36), (b, y + 0.36)], span_colour(lane.kind, s.cause.as_deref()).filled())
        });
        chart.draw_series(bars)?;
        let pending = lane.unnoticed.iter().filter(|s| s.end >= axis.from && s.start <= axis.to).map(|s| {
            let (a, b) = (x(s.start.max(axis.from)), x(s.end.min(axis.to)));
            Rectangle::new([(a, y - 0.36), (b.max(a + min_w), y + 0.36)], unnoticed_colour().filled())
        });
        chart.draw_series(pending)?;
        // Data lost: a line from the recovery point to the incident, above the bar.
        for s in lane.lost.iter().filter(|s| s.end >= axis.from && s.start <= axis.to) {
            let (a, b) = (x(s.start.max(axis.from)), x(s.end.min(axis.to)));
            let b = b.max(a + min_w);
            let ly = y + 0.3;
            let ink = INK.stroke_width(3);
            chart.draw_series([PathElement::new([(a, ly), (b, ly)], ink)])?;
            // End ticks only where the window really ends (not clipped).
            let ends = [(s.start >= axis.from, a), (s.end <= axis.to, b)];
            chart.draw_series(
                ends.iter().filter(|e| e.0).map(|&(_, e)| PathElement::new([(e, ly - 0.15), (e, ly + 0.1)], ink)),
            )?;
            if let Some(why) = &s.cause {
                chart.draw_series([EmptyElement::at((b, ly))
                    + Text::new(why.clone(), (8, 0), style(label_px).pos(Pos::new(HPos::Left, VPos::Center)))])?;
            }
        }
        // Backups: a tick at each start (the recovery point it offers) when
        // ticks are at least 5 pixels apart; failed ones always, as crosses.
        let shown: Vec<_> = lane.backups.iter().filter(|b| b.start >= axis.from && b.start <= axis.to).collect();
        let gap = shown.windows(2).map(|w| w[1].start - w[0].start).fold(f64::INFINITY, f64::min);
        if gap / axis.unit >= 5.0 * (x1 - x0) / plot_w {
            let ink = BACKUP_INK.stroke_width(2);
            chart.draw_series(
                shown
                    .iter()
                    .filter(|b| b.ok)
                    .map(|b| PathElement::new([(x(b.start), y - 0.48), (x(b.start), y - 0.2)], ink)),
            )?;
        }
        chart.draw_series(
            shown
                .iter()
                .filter(|b| !b.ok)
                .map(|b| EmptyElement::at((x(b.start), y - 0.3)) + Cross::new((0, 0), 7, TARGET.stroke_width(3))),
        )?;
        let marks = lane.destroyed.iter().filter(|&&d| d >= axis.from && d <= axis.to).map(|&d| {
            EmptyElement::at((x(d), y))
                + Cross::new((0, 0), 12, INK.stroke_width(4))
                + Text::new("destroyed", (14, -14), style(label_px).pos(Pos::new(HPos::Left, VPos::Bottom)))
        });
        chart.draw_series(marks)?;
    }
    Ok(())
}
