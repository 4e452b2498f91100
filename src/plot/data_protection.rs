//! Data protection, where the scenario models stores: the share of data
//! incidents that lost at most x hours of writes (the data-loss window),
//! with the RPO, beside the share recovered within x hours, with the RTO.
//! One cumulative curve per variant; where a curve crosses the target line
//! is the share of incidents that met it. Incidents with no recovery point
//! have no window, so the left curves end that far short of 100%.

use super::*;
use crate::report::{QuantilePoint, Spread, VariantReport};
use crate::units::format_duration;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};

/// Two panels of cumulative curves, one curve per variant with stores.
pub struct DataProtection<'a> {
    /// The run.
    pub report: &'a Report,
}

impl DataProtection<'_> {
    /// Whether `report` has anything to draw: some variant models stores.
    pub fn applies(report: &Report) -> bool {
        report.variants.iter().any(|v| v.data.is_some())
    }
}

/// A cumulative curve in (hours, % of all the variant's incidents), from a
/// quantile grid of the `spread.count` incidents measured; empty without
/// incidents.
fn curve(v: &VariantReport, spread: Option<&Spread>, grid: Option<&[QuantilePoint]>) -> Vec<(f64, f64)> {
    let (Some(d), Some(s), Some(grid)) = (&v.data, spread, grid) else { return Vec::new() };
    if d.incidents == 0 || s.count == 0 {
        return Vec::new();
    }
    let scale = 100.0 * s.count as f64 / d.incidents as f64;
    grid.iter().map(|p| (p.hours, p.q * scale)).collect()
}

/// "meets RPO in 5.61% of incidents" (without "of incidents" unless
/// `first`), or "in all 120 incidents" when every one did.
fn met(what: &str, p: &crate::stats::Proportion, first: bool) -> String {
    if p.lower_bound95.is_some() {
        return format!("meets {what} in all {} incidents", p.trials);
    }
    // Not all: never rounded up to 100%.
    let s = share(p.estimate);
    let s = if s == "100%" { "> 99.9%".to_owned() } else { s };
    format!("meets {what} in {s}{}", if first { " of incidents" } else { "" })
}

/// The legend text of one variant.
fn label(v: &VariantReport) -> String {
    let Some(d) = &v.data else { return format!("{}: no data stores", v.name) };
    if d.incidents == 0 {
        return format!("{}: no data incident in {} trials", v.name, v.trials);
    }
    let mut parts = Vec::new();
    if let Some(r) = &v.rpo {
        parts.push(met("RPO", &r.met_probability, true));
    }
    if let Some(p) = v.rto.as_ref().and_then(|r| r.met_probability.as_ref()) {
        parts.push(met("RTO", p, parts.is_empty()));
    }
    if parts.is_empty() {
        parts.push(format!("{} incidents", d.incidents));
    }
    let mut text = format!("{}: {}", v.name, parts.join(", "));
    if d.no_recovery_point.observed > 0 {
        text.push_str(&format!(" · {} had no recovery point", share(d.no_recovery_point.estimate)));
    }
    text
}

impl Chart for DataProtection<'_> {
    fn stem(&self) -> String {
        "data-protection".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let r = self.report;
        let vs = &r.variants;
        let title = match vs.as_slice() {
            [one] => format!("{} · {}: data loss and recovery per incident", r.scenario, one.name),
            _ => format!("{}: data loss and recovery per incident", r.scenario),
        };
        let rpo = vs.iter().find_map(|v| v.rpo.as_ref()).map(|t| t.target_hours);
        let rto = vs.iter().find_map(|v| v.rto.as_ref()).map(|t| t.target_hours);
        let subtitle = "share of data incidents that lost at most x hours of writes (left) or were recovered within x hours (right)";
        let body = frame(root, &title, subtitle, &provenance(&r.nines_version, &r.scenario_sha256, r.seed, r.trials))?;
        let items: Vec<(String, RGBColor)> = vs.iter().enumerate().map(|(i, v)| (label(v), colour(i))).collect();
        let body = legend_strip(&body, &items)?;
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);

        let windows: Vec<_> = vs
            .iter()
            .map(|v| curve(v, v.data_loss_window_hours.as_ref(), v.data_loss_window_quantiles.as_deref()))
            .collect();
        let recoveries: Vec<_> =
            vs.iter().map(|v| curve(v, v.recovery_time_hours.as_ref(), v.recovery_time_quantiles.as_deref())).collect();
        Panel {
            curves: &windows,
            target: rpo.map(|h| (format!("RPO {}", format_duration(h)), h)),
            caption: "incidents that lost at most x hours of writes",
            x_desc: "data-loss window",
        }
        .draw(&left)?;
        Panel {
            curves: &recoveries,
            target: rto.map(|h| (format!("RTO {}", format_duration(h)), h)),
            caption: "incidents recovered within x hours",
            x_desc: "recovery time",
        }
        .draw(&right)
    }
}

/// One panel: a cumulative curve per variant and the target line.
struct Panel<'a> {
    curves: &'a [Vec<(f64, f64)>],
    /// Label ("RPO 1h") and hours.
    target: Option<(String, f64)>,
    caption: &'a str,
    x_desc: &'a str,
}

impl Panel<'_> {
    /// Chooses the x axis: logarithmic when the hours (and the target)
    /// span more than a factor of 30, else linear from 0.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let target = self.target.as_ref().map(|t| t.1);
        let hi = self.curves.iter().flatten().map(|p| p.0).fold(target.map_or(0.0, |t| t * 1.5), f64::max);
        // The smallest positive hours above the 0-quantile (a sketch's
        // minimum can be a lone outlier far below the rest).
        let lo = self
            .curves
            .iter()
            .flat_map(|c| c.iter().skip(1))
            .map(|p| p.0)
            .filter(|&h| h > 0.0)
            .fold(target.map_or(f64::INFINITY, |t| t / 1.5), f64::min);
        if lo.is_finite() && hi / lo > 30.0 {
            let top = nice_max(hi * 1.1);
            // A hair below the decade, so that its tick is labelled too.
            let bottom = 10f64.powf(lo.log10().floor()).max(top * 1e-6) * (1.0 - 1e-9);
            self.draw_on(area, (bottom..top).log_scale(), &format!("{}, hours (log scale)", self.x_desc))
        } else {
            self.draw_on(area, 0.0..nice_max((hi * 1.1).max(1e-9)), &format!("{}, hours", self.x_desc))
        }
    }

    fn draw_on<DB: DrawingBackend, X>(&self, area: &DrawingArea<DB, Shift>, x: X, x_desc: &str) -> DrawResult<DB>
    where
        X: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
    {
        // A little headroom, so curves reaching 100% stay clear of the top.
        let y = Keyed::new(0.0..103.0, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        // The caption, then room for the target's label above the plot.
        let size = fit(area, self.caption, TICK_PX + 2.0, area.dim_in_pixel().0 - 150, false);
        let area = area.titled(self.caption, style(size))?;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(16)
            .margin_right(40)
            .margin_top(40)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc("share of incidents, %")
            .axis_desc_style(style(TICK_PX))
            .label_style(style(TICK_PX - 2.0))
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| short(*y))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        let range = chart.x_range();
        let (x0, x1) = (range.start, range.end);
        if let Some((label, t)) = &self.target {
            chart.draw_series(DashedLineSeries::new(
                [(*t, 0.0), (*t, 103.0)],
                14,
                8,
                ShapeStyle::from(&TARGET).stroke_width(3),
            ))?;
            // Above the plot, clear of the curves.
            chart.draw_series([EmptyElement::at((*t, 103.0))
                + Text::new(
                    label.clone(),
                    (0, -8),
                    bold(TICK_PX).color(&TARGET).pos(Pos::new(HPos::Center, VPos::Bottom)),
                )])?;
        }
        for (i, pts) in self.curves.iter().enumerate() {
            let Some(&(_, last)) = pts.last() else { continue };
            let c = colour(i);
            // Variants with the same data protection have the same curve:
            // each is drawn wider than the later ones lying on top of it.
            let wider = 3 * self.curves[i + 1..].iter().filter(|c| *c == pts).count() as u32;
            // Below the axis (a window of 0 on a log axis) counts at its left
            // end; past the largest value the share stays where it ended.
            let line = pts.iter().map(|&(h, q)| (h.max(x0), q)).chain([(x1, last)]);
            chart.draw_series(LineSeries::new(line, ShapeStyle::from(&c).stroke_width(4 + wider)))?;
        }
        Ok(())
    }
}
