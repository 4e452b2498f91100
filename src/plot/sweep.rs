//! A sweep: the chosen metrics against the swept parameter, one panel per
//! metric, one line per variant, with 95% intervals as error bars.

use super::*;
use crate::report::VariantReport;
use crate::report::sweep::{Metric, SweepReport};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};

/// The chart of a sweep.
pub struct SweepChart<'a> {
    /// The sweep.
    pub sweep: &'a SweepReport,
    /// Panels, left to right.
    pub metrics: &'a [Metric],
    /// File name without extension.
    pub stem: String,
}

/// One point of a line: x, value, and its interval.
type Point = (f64, f64, f64, f64);

impl SweepChart<'_> {
    /// x of each run: the value itself on a numeric axis, else its index.
    /// On a log axis (its positions are log10 of the values) when the
    /// values are positive numbers spanning a factor of 20 or more.
    fn log_x(&self) -> bool {
        let x: Option<Vec<f64>> = self.sweep.runs.iter().map(|r| r.x).collect();
        x.is_some_and(|x| {
            let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = x.iter().copied().fold(0.0, f64::max);
            lo > 0.0 && hi / lo >= 20.0
        })
    }

    fn xs(&self) -> Vec<f64> {
        let runs = &self.sweep.runs;
        if runs.iter().all(|r| r.x.is_some()) {
            let log = self.log_x();
            runs.iter().map(|r| r.x.unwrap_or(0.0)).map(|x| if log { x.log10() } else { x }).collect()
        } else {
            (0..runs.len()).map(|i| i as f64).collect()
        }
    }

    fn x_axis(&self) -> Keyed {
        let xs = self.xs();
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { (hi - lo) * 0.08 } else { 0.5 };
        Keyed::new(lo - pad..hi + pad, xs)
    }

    /// The label of the value at x.
    fn label(&self, x: f64) -> String {
        self.xs()
            .iter()
            .position(|&v| (v - x).abs() <= 1e-9 * v.abs().max(1.0))
            .map_or_else(String::new, |i| self.sweep.runs[i].value.clone())
    }

    /// Variant names, in the first run's order.
    fn variants(&self) -> Vec<String> {
        self.sweep.runs.first().map_or_else(Vec::new, |r| r.report.variants.iter().map(|v| v.name.clone()).collect())
    }

    /// The points of `variant` for one metric.
    fn line(&self, variant: &str, f: impl Fn(&VariantReport) -> Option<(f64, f64, f64)>) -> Vec<Point> {
        self.xs()
            .iter()
            .zip(&self.sweep.runs)
            .filter_map(|(&x, r)| {
                let v = r.report.variants.iter().find(|v| v.name == variant)?;
                f(v).map(|(y, lo, hi)| (x, y, lo, hi))
            })
            .collect()
    }
}

impl Chart for SweepChart<'_> {
    fn stem(&self) -> String {
        self.stem.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let s = self.sweep;
        let title = format!("{}: sweeping {}", s.scenario, s.parameter);
        let mut subtitle =
            format!("{} trials per value and variant, the same seed ({}) for every value", s.trials, s.seed);
        if !s.fixed.is_empty() {
            subtitle.push_str(&format!(" · with {}", s.fixed.join(", ")));
        }
        let body = frame(root, &title, &subtitle, &provenance(&s.nines_version, &s.scenario_sha256, s.seed, s.trials))?;
        let names = self.variants();
        let items: Vec<(String, RGBColor)> = names.iter().enumerate().map(|(i, n)| (n.clone(), colour(i))).collect();
        let body = legend_strip(&body, &items)?;
        let metrics = if self.metrics.is_empty() { &[Metric::Downtime][..] } else { self.metrics };
        let panels = body.split_evenly((1, metrics.len()));
        let x_desc = match (&s.x_unit, self.log_x()) {
            (Some(u), true) => format!("{} ({u}, log scale)", s.parameter),
            (Some(u), false) => format!("{} ({u})", s.parameter),
            (None, true) => format!("{} (log scale)", s.parameter),
            (None, false) => s.parameter.clone(),
        };
        // The SLO named in the caption, unless the sweep changes it.
        let targets: Vec<f64> =
            s.runs.iter().flat_map(|r| &r.report.variants).filter_map(|v| v.slo.as_ref()).map(|x| x.target).collect();
        let slo = targets.first().copied().filter(|t| targets.iter().all(|u| u == t));
        let s_windows =
            s.runs.iter().flat_map(|r| &r.report.variants).find_map(|v| v.slo.as_ref()).map(|x| x.windows_name());
        for (panel, metric) in panels.iter().zip(metrics) {
            let lines: Vec<Vec<Point>> = names
                .iter()
                .map(|n| match metric {
                    Metric::Downtime => self.line(n, |v| {
                        let d = &v.downtime_hours;
                        Some((d.mean, d.ci95[0].max(0.0), d.ci95[1]))
                    }),
                    Metric::Slo => self.line(n, |v| {
                        v.slo.as_ref().map(|s| {
                            let p = &s.met_probability;
                            (p.estimate * 100.0, p.ci95[0] * 100.0, p.ci95[1] * 100.0)
                        })
                    }),
                    Metric::Cost => {
                        self.line(n, |v| v.cost.as_ref().map(|c| (c.monthly_usd, c.monthly_usd, c.monthly_usd)))
                    }
                })
                .collect();
            let (caption, y_desc) = match metric {
                Metric::Downtime => ("mean downtime (95% CI)".to_owned(), "hours per year"),
                Metric::Slo => {
                    let windows = s_windows.clone().unwrap_or_else(|| "years".to_owned());
                    (
                        slo.map_or_else(
                            || format!("{windows} meeting the SLO"),
                            |t| format!("{windows} meeting the SLO {}", percent(t)),
                        ),
                        if windows == "years" { "share of years, %" } else { "share of windows, %" },
                    )
                }
                Metric::Cost => ("monthly cost".to_owned(), "US$ per month"),
            };
            let top = lines.iter().flatten().map(|p| p.3).fold(0.0, f64::max);
            let positive = lines.iter().flatten().map(|p| p.1).filter(|&y| y > 0.0).fold(f64::INFINITY, f64::min);
            let all_positive = lines.iter().flatten().all(|p| p.1 > 0.0);
            let empty = lines.iter().all(Vec::is_empty);
            match metric {
                _ if empty => {
                    let (w, h) = panel.dim_in_pixel();
                    let why = match metric {
                        Metric::Slo => "no SLO in the scenario",
                        Metric::Cost => "no cost in the scenario",
                        Metric::Downtime => "no data",
                    };
                    panel.draw(&Text::new(
                        format!("{caption}: {why}"),
                        (w as i32 / 2, h as i32 / 2),
                        style(TICK_PX).color(&GREY).pos(Pos::new(HPos::Center, VPos::Center)),
                    ))?;
                }
                Metric::Downtime if all_positive && top / positive > 30.0 => {
                    let lo = 10f64.powf((positive * 0.8).log10().floor());
                    let hi = 10f64.powf((top * 1.2).log10().ceil());
                    self.panel(
                        panel,
                        (lo..hi).log_scale(),
                        &lines,
                        &caption,
                        &x_desc,
                        &format!("{y_desc} (log scale)"),
                    )?;
                }
                Metric::Slo => {
                    // Zoom in when every year-share is high (as SLOs make
                    // them), so differences of a few tenths show.
                    let low = lines.iter().flatten().map(|p| p.2).fold(100.0, f64::min);
                    let from = if low > 50.0 { (low - (100.0 - low) * 0.5 - 0.5).floor().max(0.0) } else { 0.0 };
                    self.panel(panel, from..100.0, &lines, &caption, &x_desc, y_desc)?
                }
                _ => self.panel(panel, 0.0..nice_max(top * 1.1), &lines, &caption, &x_desc, y_desc)?,
            }
        }
        Ok(())
    }
}

impl SweepChart<'_> {
    /// One panel: a line with error bars per variant.
    fn panel<DB: DrawingBackend, Y>(
        &self,
        area: &DrawingArea<DB, Shift>,
        y: Y,
        lines: &[Vec<Point>],
        caption: &str,
        x_desc: &str,
        y_desc: &str,
    ) -> DrawResult<DB>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(area)
            .caption(caption, style(fit(area, caption, TICK_PX + 2.0, area.dim_in_pixel().0 - 150, false)))
            .margin_left(16)
            .margin_right(34)
            .margin_top(12)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d(self.x_axis(), y)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(style(TICK_PX))
            .label_style(style(TICK_PX - 2.0))
            .x_label_formatter(&|x| self.label(*x))
            .y_label_formatter(&|y| short(*y))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        // Earlier variants are drawn wider, so a later one lying exactly on
        // top (same figures) leaves them visible around it.
        let n = lines.len() as u32;
        for (i, pts) in lines.iter().enumerate() {
            let c = colour(i);
            let wider = 3 * (n - 1 - i as u32);
            chart.draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), c.stroke_width(4 + wider)))?;
            chart.draw_series(pts.iter().map(|p| Circle::new((p.0, p.1), 7 + wider, c.filled())))?;
            chart.draw_series(
                pts.iter()
                    .filter(|p| p.3 > p.2)
                    .map(|p| ErrorBar::new_vertical(p.0, p.2, p.1, p.3, c.stroke_width(3), 16)),
            )?;
        }
        Ok(())
    }
}
