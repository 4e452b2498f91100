//! Where the downtime comes from: one stacked bar per variant, a segment
//! per cause (the component failure, zone or region outage that started
//! each outage), in hours per year.

use super::compare::{row_name, row_y, rows};
use super::*;

/// Causes drawn with their own colour; the rest are summed as "other".
const MAX_CAUSES: usize = 7;

/// Stacked bars of downtime by cause.
pub struct DowntimeByCause<'a> {
    /// The run.
    pub report: &'a Report,
}

impl Chart for DowntimeByCause<'_> {
    fn stem(&self) -> String {
        "downtime-by-cause".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let r = self.report;
        let vs = &r.variants;
        let n = vs.len();
        let title = match vs.as_slice() {
            [one] => format!("{} · {}: where the downtime comes from", r.scenario, one.name),
            _ => format!("{}: where the downtime comes from", r.scenario),
        };
        let body = frame(
            root,
            &title,
            "mean downtime per year by the event that started each outage",
            &provenance(&r.nines_version, &r.scenario_sha256, r.seed, r.trials),
        )?;

        // Causes across variants, largest overall first (as in the table).
        let mut causes: Vec<(String, f64)> = Vec::new();
        for v in vs {
            for c in &v.causes {
                let key = format!("{} {}", c.kind, c.name);
                match causes.iter_mut().find(|k| k.0 == key) {
                    Some(k) => k.1 += c.downtime_hours_per_year,
                    None => causes.push((key, c.downtime_hours_per_year)),
                }
            }
        }
        causes.sort_by(|a, b| b.1.total_cmp(&a.1));
        let other = causes.len() > MAX_CAUSES;
        let shown: Vec<String> =
            causes.iter().take(if other { MAX_CAUSES - 1 } else { MAX_CAUSES }).map(|c| c.0.clone()).collect();
        // hours[variant][segment]; the last segment is "other" when present.
        let segments = shown.len() + usize::from(other);
        let hours: Vec<Vec<f64>> = vs
            .iter()
            .map(|v| {
                let mut h = vec![0.0; segments];
                for c in &v.causes {
                    let key = format!("{} {}", c.kind, c.name);
                    let s = shown.iter().position(|k| *k == key).unwrap_or(segments - 1);
                    h[s] += c.downtime_hours_per_year;
                }
                h
            })
            .collect();
        let total = hours.iter().map(|h| h.iter().sum::<f64>()).fold(0.0, f64::max);

        let names: Vec<String> = vs.iter().map(|v| v.name.clone()).collect();
        let label_w = widest(&body, &names, TICK_PX) + 40;
        let mut chart = ChartBuilder::on(&body)
            .margin_left(20)
            .margin_right(40)
            .margin_top(10)
            .x_label_area_size(80)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0.0..nice_max((total * 1.35).max(0.01)), rows(n))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("mean downtime, hours per year")
            .axis_desc_style(style(AXIS_PX))
            .label_style(style(TICK_PX))
            .x_labels(8)
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| row_name(*y, &names))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;

        for s in 0..segments {
            let c = if other && s == segments - 1 { GREY } else { colour(s) };
            let label = if other && s == segments - 1 { "other causes".to_owned() } else { shown[s].clone() };
            let bars: Vec<Rectangle<(f64, f64)>> = hours
                .iter()
                .enumerate()
                .filter(|(_, h)| h[s] > 0.0)
                .map(|(i, h)| {
                    let x0: f64 = h[..s].iter().sum();
                    let y = row_y(i, n);
                    Rectangle::new([(x0, y - 0.3), (x0 + h[s], y + 0.3)], c.mix(0.9).filled())
                })
                .collect();
            chart
                .draw_series(bars)?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 10), (x + 28, y + 10)], c.mix(0.9).filled()));
        }
        for (i, (v, h)) in vs.iter().zip(&hours).enumerate() {
            let sum: f64 = h.iter().sum();
            let text = if v.causes.is_empty() {
                format!("no downtime in {} trials", v.trials)
            } else {
                format!("{} h/yr", short(sum))
            };
            chart.draw_series([EmptyElement::at((sum, row_y(i, n)))
                + Text::new(text, (12, 0), style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)))])?;
        }
        if segments > 0 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .margin(16)
                .legend_area_size(44)
                .label_font(style(TICK_PX))
                .background_style(WHITE.mix(0.9))
                .border_style(GREY)
                .draw()?;
        }
        Ok(())
    }
}
