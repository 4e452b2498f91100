//! Variants side by side: mean downtime per year with its 95% confidence
//! interval (and the SLO's yearly budget), next to the monthly bill where
//! the scenario prices anything — what buys the nines, and at what cost.

use super::*;
use crate::report::VariantReport;
use crate::report::table::percent_avail;

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
        let n = vs.len();
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

        // Downtime.
        let names: Vec<String> = vs.iter().map(|v| v.name.clone()).collect();
        let label_w = widest(&left, &names, TICK_PX) + 40;
        let years = r.horizon_hours / crate::units::HOURS_PER_YEAR;
        let slo = vs.iter().find_map(|v| v.slo.as_ref()).map(|s| s.target);
        let budget = slo.map(|s| (1.0 - s) * r.horizon_hours / years);
        let hi = vs.iter().map(|v| v.downtime_hours.ci95[1]).fold(0.0, f64::max);
        let x_max = nice_max((hi * 1.9).max(budget.map_or(0.0, |b| b * 1.1)).max(0.01));
        let mut chart = ChartBuilder::on(&left)
            .margin_left(20)
            .margin_right(30)
            .margin_top(10)
            .x_label_area_size(80)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0.0..x_max, rows(n))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("mean downtime, hours per year")
            .axis_desc_style(style(AXIS_PX))
            .label_style(style(TICK_PX))
            .x_labels(6)
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| row_name(*y, &names))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        for (i, v) in vs.iter().enumerate() {
            let y = row_y(i, n);
            let d = &v.downtime_hours;
            let c = colour(i);
            chart.draw_series([Rectangle::new([(0.0, y - 0.3), (d.mean, y + 0.3)], c.mix(0.85).filled())])?;
            let lo = d.ci95[0].max(0.0);
            chart.draw_series([ErrorBar::new_horizontal(y, lo, d.mean, d.ci95[1], INK.stroke_width(3), 24)])?;
            let text = format!(
                "{} h [{}, {}] · {}",
                short(d.mean),
                short(lo),
                short(d.ci95[1]),
                percent_avail(v.availability.mean)
            );
            chart.draw_series([EmptyElement::at((d.ci95[1], y))
                + Text::new(text, (14, 0), style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)))])?;
        }
        if let (Some(s), Some(b)) = (slo, budget) {
            chart.draw_series(DashedLineSeries::new(
                [(b, -0.5), (b, n as f64 - 0.5)],
                14,
                8,
                ShapeStyle::from(&TARGET).stroke_width(3),
            ))?;
            chart.draw_series([EmptyElement::at((b, n as f64 - 0.5))
                + Text::new(
                    format!("SLO {}: {} h/yr", percent_avail(s), short(b)),
                    (-8, 6),
                    style(TICK_PX).color(&TARGET).pos(Pos::new(HPos::Right, VPos::Top)),
                )])?;
        }

        if priced {
            draw_cost(&right, vs)?;
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
    let x_max = nice_max((top * 1.6).max(1.0));
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
