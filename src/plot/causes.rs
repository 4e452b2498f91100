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
        let colours: Vec<RGBColor> =
            (0..segments).map(|s| if other && s == segments - 1 { GREY } else { colour(s) }).collect();
        let mut items: Vec<(String, RGBColor)> = shown.iter().cloned().zip(colours.iter().copied()).collect();
        if other {
            items.push(("other causes".to_owned(), GREY));
        }
        let body = legend_strip(&body, &items)?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(w * 3 / 5);
        let names: Vec<String> = vs.iter().map(|v| v.name.clone()).collect();

        // Hours per year, and each variant's downtime as 100%.
        let total = hours.iter().map(|h| h.iter().sum::<f64>()).fold(0.0, f64::max);
        let shares: Vec<Vec<f64>> = hours
            .iter()
            .map(|h| {
                let sum: f64 = h.iter().sum();
                h.iter().map(|x| if sum > 0.0 { x / sum * 100.0 } else { 0.0 }).collect()
            })
            .collect();
        let totals: Vec<String> = vs
            .iter()
            .zip(&hours)
            .map(|(v, h)| {
                if v.causes.is_empty() {
                    format!("none in {} trials", v.trials)
                } else {
                    format!("{} h/yr", short(h.iter().sum()))
                }
            })
            .collect();
        stacked(
            &left,
            &hours,
            &colours,
            nice_max((total * 1.35).max(1e-9)),
            "mean downtime, hours per year",
            &|x| short(x),
            Some(&names),
            Some(&totals),
        )?;
        stacked(&right, &shares, &colours, 100.0, "share of the variant's downtime, %", &|x| short(x), None, None)?;
        Ok(())
    }
}

/// One panel of stacked horizontal bars: `values[variant][segment]`, rows
/// labelled with `names` when given, a text after each bar from `ends`.
#[allow(clippy::too_many_arguments)]
fn stacked<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    values: &[Vec<f64>],
    colours: &[RGBColor],
    x_max: f64,
    x_desc: &str,
    x_fmt: &dyn Fn(f64) -> String,
    names: Option<&[String]>,
    ends: Option<&[String]>,
) -> DrawResult<DB> {
    let n = values.len();
    let label_w = names.map_or(10, |ns| widest(area, ns, TICK_PX) + 40);
    let mut chart = ChartBuilder::on(area)
        .margin_left(if names.is_some() { 20 } else { 10 })
        .margin_right(40)
        .margin_top(10)
        .x_label_area_size(80)
        .y_label_area_size(label_w)
        .build_cartesian_2d(0.0..x_max, rows(n))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(x_desc)
        .axis_desc_style(style(AXIS_PX))
        .label_style(style(TICK_PX))
        .x_labels(6)
        .x_label_formatter(&|x| x_fmt(*x))
        .y_label_formatter(&|y| names.map_or_else(String::new, |ns| row_name(*y, ns)))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    let half = 0.3 * (n as f64 / 2.0).min(1.0);
    for (i, v) in values.iter().enumerate() {
        let y = row_y(i, n);
        let mut x0 = 0.0;
        for (s, &x) in v.iter().enumerate() {
            if x > 0.0 {
                let bar = [(x0, y - half), (x0 + x, y + half)];
                chart.draw_series([Rectangle::new(bar, colours[s].mix(0.9).filled())])?;
            }
            x0 += x;
        }
        if let Some(text) = ends.and_then(|e| e.get(i)) {
            chart.draw_series([EmptyElement::at((x0, y))
                + Text::new(text.clone(), (12, 0), style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)))])?;
        }
    }
    Ok(())
}
