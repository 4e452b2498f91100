//! The tornado of `--uncertainty`: one bar per uncertain input, from the
//! first variant's mean downtime with that input at its low end to the one
//! at its high end (every other input central), the widest swing on top,
//! and a line at the all-central value: which number is worth finding out.

use super::compare::{row_name, row_y, rows};
use super::*;

/// Tornado chart of a run with `--uncertainty`.
pub struct Tornado<'a> {
    /// The run (its `uncertainty` must be present).
    pub report: &'a Report,
}

impl Chart for Tornado<'_> {
    fn stem(&self) -> String {
        "tornado".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let r = self.report;
        let Some(u) = &r.uncertainty else { return Ok(()) };
        let body = frame(
            root,
            &format!("{} · {}: which input moves the downtime most", r.scenario, u.tornado_variant),
            "mean downtime per year with one input at its low (light) and high (dark) end, the others central",
            &provenance(&r.nines_version, &r.scenario_sha256, r.seed, r.trials),
        )?;
        let items = [("input at its low end".to_owned(), colour(5)), ("input at its high end".to_owned(), colour(0))];
        let body = legend_strip(&body, &items)?;
        let n = u.tornado.len();
        let names: Vec<String> = u.tornado.iter().map(|b| format!("{} ({} – {})", b.input, b.low, b.high)).collect();
        let top =
            u.tornado.iter().flat_map(|b| [b.downtime_at_low, b.downtime_at_high]).fold(u.tornado_central, f64::max);
        let label_w = widest(&body, &names, TICK_PX) + 40;
        let mut chart = ChartBuilder::on(&body)
            .margin_left(20)
            .margin_right(60)
            .margin_top(10)
            .x_label_area_size(80)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0.0..nice_max(top * 1.15), rows(n))?;
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
        let half = 0.3 * (n as f64 / 2.0).min(1.0);
        let c = u.tornado_central;
        for (i, b) in u.tornado.iter().enumerate() {
            let y = row_y(i, n);
            for (x, col) in [(b.downtime_at_low, colour(5)), (b.downtime_at_high, colour(0))] {
                let (a, z) = if x < c { (x, c) } else { (c, x) };
                chart.draw_series([Rectangle::new([(a, y - half), (z, y + half)], col.mix(0.9).filled())])?;
            }
        }
        chart.draw_series(LineSeries::new([(c, -0.5), (c, n as f64 - 0.5)], INK.stroke_width(3)))?;
        chart.draw_series([EmptyElement::at((c, n as f64 - 0.5))
            + Text::new(
                format!("all central: {} h/yr", short(c)),
                (8, 4),
                style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Top)),
            )])?;
        Ok(())
    }
}
