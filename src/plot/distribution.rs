//! How bad can a year get: the share of simulated years with more than x
//! hours of downtime (an exceedance curve, log scale), one curve per
//! variant, with the SLO's yearly downtime budget as a vertical line. Where
//! a curve crosses the line is the chance a year misses the SLO.

use super::*;
use crate::report::VariantReport;

/// Exceedance curves of annual downtime, all variants on one chart.
pub struct DowntimeDistribution<'a> {
    /// The run.
    pub report: &'a Report,
}

/// The curve of one variant: (hours, share of years with more), from the
/// quantile grid; levels finer than one trial are left out.
fn curve(v: &VariantReport) -> Vec<(f64, f64)> {
    let floor = 1.0 / v.trials.max(1) as f64;
    let mut pts: Vec<(f64, f64)> =
        v.downtime_quantiles.iter().filter(|p| 1.0 - p.q >= floor * 0.999).map(|p| (p.hours, 1.0 - p.q)).collect();
    // The worst year: exceeded by none, drawn at one trial in all.
    if pts.last().is_some_and(|l| v.downtime_hours.max > l.0) {
        pts.push((v.downtime_hours.max, floor));
    }
    pts
}

/// A share for a legend: never 0% or 100% unless exactly so.
fn percent_of(p: f64) -> String {
    crate::report::table::percent(p, 3)
}

impl Chart for DowntimeDistribution<'_> {
    fn stem(&self) -> String {
        "downtime-distribution".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let r = self.report;
        let vs = &r.variants;
        let years = r.horizon_hours / crate::units::HOURS_PER_YEAR;
        let slo = vs.iter().find_map(|v| v.slo.as_ref()).map(|s| s.target);
        let budget = slo.map(|s| (1.0 - s) * r.horizon_hours / years);
        let title = match vs.as_slice() {
            [one] => format!("{} · {}: how bad can a year get?", r.scenario, one.name),
            _ => format!("{}: how bad can a year get?", r.scenario),
        };
        let subtitle = match (slo, budget) {
            (Some(s), Some(b)) => format!(
                "share of simulated years with more than x hours down (dot: the worst year) · SLO {} allows {} h a year",
                percent(s),
                short(b)
            ),
            _ => "share of simulated years with more than x hours down (dot: the worst year)".to_owned(),
        };
        let body = frame(root, &title, &subtitle, &provenance(&r.nines_version, &r.scenario_sha256, r.seed, r.trials))?;

        let curves: Vec<Vec<(f64, f64)>> = vs.iter().map(curve).collect();
        let x_max = curves.iter().flatten().map(|p| p.0).fold(0.0, f64::max).max(budget.map_or(0.0, |b| b * 1.15));
        let x_max = nice_max(x_max.max(0.1));
        // Half a trial below the rarest level, so the last step (the worst
        // year, one trial in all) stands clear of the axis.
        let y_min_data = vs.iter().map(|v| 0.5 / v.trials.max(1) as f64).fold(1.0, f64::min);
        let y_min = 10f64.powf(y_min_data.log10().floor()).min(0.1);

        let mut chart = ChartBuilder::on(&body)
            .margin_left(20)
            .margin_right(50)
            .margin_top(10)
            .x_label_area_size(80)
            .y_label_area_size(150)
            .build_cartesian_2d(0.0..x_max, (y_min..1.0).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("downtime in a year, hours")
            .y_desc("years with more downtime (log scale)")
            .axis_desc_style(style(AXIS_PX))
            .label_style(style(TICK_PX))
            .x_labels(10)
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| share(*y))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;

        if let (Some(s), Some(b)) = (slo, budget) {
            chart.draw_series(DashedLineSeries::new(
                [(b, y_min), (b, 1.0)],
                14,
                8,
                ShapeStyle::from(&TARGET).stroke_width(3),
            ))?;
            let label = format!("SLO {} = {} h/yr", percent(s), short(b));
            chart.draw_series(std::iter::once(
                EmptyElement::at((b, 1.0))
                    + Text::new(label, (10, 8), style(TICK_PX).color(&TARGET).pos(Pos::new(HPos::Left, VPos::Top))),
            ))?;
        }

        // Variants with the very same distribution would hide each other:
        // the earlier is drawn wider, and the legend names the twin.
        let twin = |i: usize| -> Option<usize> {
            (0..i).find(|&j| {
                vs[j].downtime_quantiles == vs[i].downtime_quantiles
                    && vs[j].downtime_hours.max == vs[i].downtime_hours.max
            })
        };
        let later_twins =
            |i: usize| (i + 1..vs.len()).filter(|&k| twin(k).is_some_and(|t| t == i || twin(t) == Some(i))).count();
        for (i, (v, pts)) in vs.iter().zip(&curves).enumerate() {
            let c = colour(i);
            let width = 4 + 4 * later_twins(i) as u32;
            let label = if v.downtime_hours.max == 0.0 {
                format!("{}: no downtime in {} trials", v.name, v.trials)
            } else {
                let miss = v.slo.as_ref().map(|s| {
                    let p = &s.met_probability;
                    let windows = s.windows_name();
                    match (p.lower_bound95, p.upper_bound95) {
                        (Some(lb), _) => format!(", misses SLO in < {} of {windows}", percent_of(1.0 - lb)),
                        (_, Some(ub)) => format!(", misses SLO in > {} of {windows}", percent_of(1.0 - ub)),
                        _ => format!(", misses SLO in {} of {windows}", percent_of(1.0 - p.estimate)),
                    }
                });
                let same = twin(i).map_or(String::new(), |j| format!(" (same as {})", vs[j].name));
                format!("{}: mean {} h/yr{}{same}", v.name, short(v.downtime_hours.mean), miss.unwrap_or_default())
            };
            let shown: Vec<(f64, f64)> = if v.downtime_hours.max == 0.0 { Vec::new() } else { pts.clone() };
            // The worst year, marked.
            if let Some(&last) = shown.last() {
                chart.draw_series([Circle::new(last, 7, c.filled())])?;
            }
            chart
                .draw_series(LineSeries::new(shown, ShapeStyle::from(&c).stroke_width(width)))?
                .label(label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 36, y)], ShapeStyle::from(&c).stroke_width(5)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(16)
            .legend_area_size(46)
            .label_font(style(TICK_PX))
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .draw()?;
        Ok(())
    }
}
