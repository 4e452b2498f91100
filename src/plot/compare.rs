//! Variants side by side: mean downtime per year with its 95% confidence
//! interval (and the SLO's yearly budget), next to the monthly bill where
//! the scenario prices anything — what buys the nines, and at what cost.

use super::*;
use crate::report::VariantReport;
use crate::report::table::percent_avail;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};

/// Horizontal bars, one row per variant.
pub struct VariantsCompared<'a> {
    /// The run.
    pub report: &'a Report,
}

/// Row `i` of `n` sits at y = n − 1 − i, so the first variant is on top.
pub(super) fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The name of the row at a y tick (`names` top to bottom).
pub(super) fn row_name(y: f64, names: &[String]) -> String {
    let n = names.len();
    let k = y.round();
    if (y - k).abs() > 1e-6 || k < 0.0 || k as usize >= n {
        return String::new();
    }
    names[n - 1 - k as usize].clone()
}

/// The y axis of a row chart: one tick per row.
pub(super) fn rows(n: usize) -> Keyed {
    Keyed::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect())
}

impl Chart for VariantsCompared<'_> {
    fn stem(&self) -> String {
        "variants-compared".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let r = self.report;
        let vs = &r.variants;
        let priced = vs.iter().any(|v| v.cost.is_some());
        let title = match vs.as_slice() {
            [one] => format!("{} · {}: downtime{}", r.scenario, one.name, if priced { " and cost" } else { "" }),
            _ => format!("{}: variants side by side", r.scenario),
        };
        let subtitle = if priced {
            "mean downtime per year with its 95% confidence interval · monthly cost"
        } else {
            "mean downtime per year with its 95% confidence interval, and availability"
        };
        let body = frame(root, &title, subtitle, &provenance(&r.nines_version, &r.scenario_sha256, r.seed, r.trials))?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = if priced { body.split_horizontally(w * 3 / 5) } else { (body.clone(), body.clone()) };

        // Downtime: bars on a linear axis, or dots on a log axis when the
        // variants differ by orders of magnitude (as redundancy makes them).
        let years = r.horizon_hours / crate::units::HOURS_PER_YEAR;
        let slo = vs.iter().find_map(|v| v.slo.as_ref()).map(|s| s.target);
        let budget = slo.map(|s| (1.0 - s) * r.horizon_hours / years);
        let hi = vs.iter().map(|v| v.downtime_hours.ci95[1]).fold(0.0, f64::max).max(budget.unwrap_or(0.0));
        let means: Vec<f64> = vs.iter().map(|v| v.downtime_hours.mean).filter(|&m| m > 0.0).collect();
        let min_mean = means.iter().copied().fold(f64::INFINITY, f64::min);
        let max_mean = means.iter().copied().fold(0.0, f64::max);
        let panel = DowntimePanel { vs, slo, budget };
        // The SLO budget counts too: a design far inside it needs the log axis to be seen.
        let span = max_mean.max(budget.unwrap_or(0.0)) / min_mean;
        if !means.is_empty() && span > 30.0 {
            let floor = vs
                .iter()
                .filter(|v| v.downtime_hours.mean > 0.0)
                .map(|v| {
                    if v.downtime_hours.ci95[0] > 0.0 { v.downtime_hours.ci95[0] } else { v.downtime_hours.mean / 3.0 }
                })
                .fold(f64::INFINITY, f64::min);
            let lo = 10f64.powf((floor * 0.9).log10().floor());
            let top = 10f64.powf((hi * 1.5).log10().ceil());
            panel.draw(&left, (lo..top).log_scale(), true, "mean downtime, hours per year (log scale)")?;
        } else {
            panel.draw(&left, 0.0..nice_max((hi * 1.9).max(1e-9)), false, "mean downtime, hours per year")?;
        }

        if priced {
            draw_cost(&right, vs)?;
        }
        Ok(())
    }
}

/// Mean downtime per variant, with 95% intervals, SLO budget and labels.
struct DowntimePanel<'a> {
    vs: &'a [VariantReport],
    slo: Option<f64>,
    budget: Option<f64>,
}

impl DowntimePanel<'_> {
    fn draw<DB: DrawingBackend, X>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x: X,
        log: bool,
        x_desc: &str,
    ) -> DrawResult<DB>
    where
        X: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
    {
        let vs = self.vs;
        let n = vs.len();
        let names: Vec<String> = vs.iter().map(|v| v.name.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin_left(20)
            .margin_right(30)
            .margin_top(10)
            .x_label_area_size(80)
            .y_label_area_size(widest(area, &names, TICK_PX) + 40)
            .build_cartesian_2d(x, rows(n))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(x_desc)
            .axis_desc_style(style(AXIS_PX))
            .label_style(style(TICK_PX))
            .x_labels(6)
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| row_name(*y, &names))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        let range = chart.x_range();
        let (x0, x1) = (range.start, range.end);
        let px_range = chart.plotting_area().get_pixel_range().0;
        let (px0, px1) = (px_range.start, px_range.end);
        // The SLO line first, so value labels (on white) are drawn over it.
        if let (Some(s), Some(b)) = (self.slo, self.budget) {
            if b > x0 && b < x1 {
                chart.draw_series(DashedLineSeries::new(
                    [(b, -0.5), (b, n as f64 - 0.5)],
                    14,
                    8,
                    ShapeStyle::from(&TARGET).stroke_width(3),
                ))?;
                chart.draw_series([EmptyElement::at((b, n as f64 - 0.5))
                    + Text::new(
                        format!("SLO {}: {} h/yr", percent(s), short(b)),
                        (-8, 6),
                        style(TICK_PX).color(&TARGET).pos(Pos::new(HPos::Right, VPos::Top)),
                    )])?;
            }
        }
        for (i, v) in vs.iter().enumerate() {
            let y = row_y(i, n);
            let d = &v.downtime_hours;
            let c = colour(i);
            if log && d.mean <= 0.0 {
                chart.draw_series([EmptyElement::at((x0, y))
                    + Text::new(
                        format!("no downtime in {} trials", v.trials),
                        (10, 0),
                        style(TICK_PX).color(&GREY).pos(Pos::new(HPos::Left, VPos::Center)),
                    )])?;
                continue;
            }
            let lo = d.ci95[0].max(if log { x0 } else { 0.0 });
            let hi = d.ci95[1];
            let half = 0.3 * (n as f64 / 2.0).min(1.0);
            if log {
                chart.draw_series([Circle::new((d.mean, y), 10, c.filled())])?;
            } else {
                chart.draw_series([Rectangle::new([(0.0, y - half), (d.mean, y + half)], c.mix(0.85).filled())])?;
            }
            let ink = INK.stroke_width(3);
            let cap = 0.12 * (n as f64 / 4.0).min(1.0);
            chart.draw_series([
                PathElement::new([(lo, y), (hi, y)], ink),
                PathElement::new([(lo, y - cap), (lo, y + cap)], ink),
                PathElement::new([(hi, y - cap), (hi, y + cap)], ink),
            ])?;
            let text = format!(
                "{} h/yr [{}, {}] · {}",
                short(d.mean),
                short(d.ci95[0].max(0.0)),
                short(hi),
                percent_avail(v.availability.mean)
            );
            if log {
                // Above the dot; right-aligned when the dot is far right.
                let px = chart.backend_coord(&(d.mean, y)).0;
                let right = f64::from(px - px0) > 0.55 * f64::from(px1 - px0);
                let pos = Pos::new(if right { HPos::Right } else { HPos::Left }, VPos::Center);
                let (tw, th) = area.estimate_text_size(&text, &style(TICK_PX)).unwrap_or((0, 0));
                let (tw, th) = (tw as i32, th as i32);
                let (dx, dy) = (if right { 10 } else { -10 }, -18 - th / 2);
                let left = if right { dx - tw } else { dx };
                chart.draw_series([EmptyElement::at((d.mean, y))
                    + Rectangle::new(
                        [(left - 4, dy - th / 2 - 4), (left + tw + 4, dy + th / 2 + 4)],
                        WHITE.filled(),
                    )
                    + Text::new(text, (dx, dy), style(TICK_PX).pos(pos))])?;
            } else {
                let (tw, th) = area.estimate_text_size(&text, &style(TICK_PX)).unwrap_or((0, 0));
                let (tw, th) = (tw as i32, th as i32);
                chart.draw_series([EmptyElement::at((hi, y))
                    + Rectangle::new([(10, -th / 2 - 4), (18 + tw, th / 2 + 4)], WHITE.filled())
                    + Text::new(text, (14, 0), style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)))])?;
            }
        }
        Ok(())
    }
}

/// The monthly bill per variant: infrastructure, plus the expected cost of
/// downtime when the scenario prices an hour of it.
fn draw_cost<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, vs: &[VariantReport]) -> DrawResult<DB> {
    let n = vs.len();
    let monthly = |v: &VariantReport| v.cost.as_ref().map_or(0.0, |c| c.monthly_usd);
    let downtime_monthly = |v: &VariantReport| {
        v.cost.as_ref().and_then(|c| c.expected_downtime_usd_per_year.as_ref()).map_or(0.0, |d| d.mean / 12.0)
    };
    let top = vs.iter().map(|v| monthly(v) + downtime_monthly(v)).fold(0.0, f64::max);
    // Room after the bars for their labels ("$43.3 + $194 downtime").
    let priced_downtime =
        vs.iter().any(|v| v.cost.as_ref().is_some_and(|c| c.expected_downtime_usd_per_year.is_some()));
    let x_max = nice_max((top * if priced_downtime { 2.2 } else { 1.6 }).max(1.0));
    let mut chart = ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(40)
        .margin_top(10)
        .x_label_area_size(80)
        .y_label_area_size(10)
        .build_cartesian_2d(0.0..x_max, rows(n))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("cost, US$ per month")
        .axis_desc_style(style(AXIS_PX))
        .label_style(style(TICK_PX))
        .x_labels(5)
        .x_label_formatter(&|x| format!("${}", short(*x)))
        .y_label_formatter(&|_| String::new())
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    let mut downtime_priced = false;
    for (i, v) in vs.iter().enumerate() {
        let y = row_y(i, n);
        let c = colour(i);
        let Some(cost) = &v.cost else {
            chart.draw_series([EmptyElement::at((0.0, y))
                + Text::new(
                    "no cost given",
                    (10, 0),
                    style(TICK_PX).color(&GREY).pos(Pos::new(HPos::Left, VPos::Center)),
                )])?;
            continue;
        };
        let infra = cost.monthly_usd;
        let down = downtime_monthly(v);
        chart.draw_series([Rectangle::new([(0.0, y - 0.3), (infra, y + 0.3)], c.mix(0.85).filled())])?;
        let mut text = format!("${}", short(infra));
        if cost.expected_downtime_usd_per_year.is_some() {
            downtime_priced = true;
            chart.draw_series([Rectangle::new([(infra, y - 0.3), (infra + down, y + 0.3)], c.mix(0.35).filled())])?;
            text = format!("${} + ${} downtime", short(infra), short(down));
        }
        chart.draw_series([EmptyElement::at((infra + down, y))
            + Text::new(text, (12, 0), style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)))])?;
    }
    if downtime_priced {
        let (w, _) = area.dim_in_pixel();
        area.draw(&Text::new(
            "lighter: expected cost of downtime per month",
            (w as i32 - 40, 16),
            style(TICK_PX - 4.0).color(&GREY).pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
    }
    Ok(())
}
