//! Charts for a workshop's projector, drawn with plotters as PNG and SVG
//! from the serde report data alone ([`Report`], [`Timeline`],
//! [`SweepReport`]): never from the engine's internals, so a chart shows
//! exactly the figures the table and the JSON show.
//!
//! One file per chart kind. Each is a [`Chart`]: a file stem, a size and a
//! `draw` generic over the backend, so [`save`] renders it twice (PNG, SVG).
//! Text uses DejaVu Sans embedded in the binary (registered with plotters'
//! `ab_glyph` feature), so charts render the same on a machine without any
//! system font. Every chart has a title naming the scenario (and the
//! variant, where it shows one), axis labels with units, a legend where
//! several series share axes, and a footer with what reproduces it
//! (nines version, scenario hash, seed, trials).
//!
//! To add a chart of a run: add a file with a type implementing [`Chart`],
//! and one line in [`plot_run`].

mod causes;
mod compare;
mod data_protection;
mod diagram;
mod distribution;
mod sweep;
mod timeline;

pub use causes::DowntimeByCause;
pub use compare::VariantsCompared;
pub use data_protection::DataProtection;
pub use diagram::ArchitectureChart;
pub use distribution::DowntimeDistribution;
pub use sweep::SweepChart;
pub use timeline::{TimelineChart, timeline_size};

use crate::error::Error;
use crate::output::write_all_atomic;
use crate::report::Report;
use crate::report::sweep::SweepReport;
use crate::report::timeline::Timeline;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Default chart size in pixels (16:9, a projector's shape).
pub const SIZE: (u32, u32) = (1600, 900);

/// The font family every chart uses (DejaVu Sans, embedded).
const FONT: &str = "sans-serif";
/// Title, above the chart.
const TITLE_PX: f64 = 46.0;
/// Subtitle, under the title.
const SUBTITLE_PX: f64 = 28.0;
/// Axis descriptions.
const AXIS_PX: f64 = 30.0;
/// Tick labels, legend and value labels.
const TICK_PX: f64 = 26.0;
/// Footer (provenance).
const FOOTER_PX: f64 = 19.0;
/// Pixels above the chart for title and subtitle.
const HEADER_H: u32 = 112;
/// Pixels below the chart for the footer.
const FOOTER_H: u32 = 34;

/// Okabe–Ito colours: distinguishable with the common colour-vision
/// deficiencies, and on a washed-out projector.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];
/// Text and lines that are not data.
const INK: RGBColor = RGBColor(40, 40, 40);
/// Footer and faint guides.
const GREY: RGBColor = RGBColor(110, 110, 110);
/// The SLO, RTO or RPO line.
const TARGET: RGBColor = RGBColor(200, 0, 0);

/// The `i`-th series colour.
fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// What a chart's `draw` returns.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart: where it goes, how big it is, and how to draw it on any backend.
pub trait Chart {
    /// File name without extension (`downtime-distribution`).
    fn stem(&self) -> String;
    /// Width and height in pixels (also the SVG's).
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    /// Draws on a white area of [`Chart::size`].
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Registers the embedded font with plotters (once per process). Anything
/// that draws text with plotters' `ab_glyph` feature needs it first.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [(FontStyle::Normal, dejavu::sans::regular()), (FontStyle::Bold, dejavu::sans::bold())] {
            if plotters::style::register_font(FONT, style, bytes).is_err() {
                panic!("the embedded DejaVu Sans font does not parse");
            }
        }
    });
}

/// Renders `chart` as `DIR/STEM.png` and `DIR/STEM.svg`, each written whole
/// (temporary file, then rename); returns their paths.
pub fn save(chart: &impl Chart, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    write(render(chart, dir)?)
}

/// A chart file drawn in memory: its path and its bytes.
pub type Rendered = (PathBuf, Vec<u8>);

/// Draws `chart` in memory as `DIR/STEM.png` and `DIR/STEM.svg`, writing
/// nothing, so that several charts can be drawn before any file changes.
pub fn render(chart: &impl Chart, dir: &Path) -> Result<Vec<Rendered>, Error> {
    register_fonts();
    let stem = chart.stem();
    let (w, h) = chart.size();
    let failed = |e: String| Error::Runtime(format!("cannot draw {stem}: {e}"));

    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
        chart.draw(&root).map_err(|e| failed(e.to_string()))?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    let png = encode_png(&pixels, w, h).map_err(|e| failed(e.to_string()))?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
        chart.draw(&root).map_err(|e| failed(e.to_string()))?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    Ok(vec![(dir.join(format!("{stem}.png")), png), (dir.join(format!("{stem}.svg")), svg.into_bytes())])
}

/// Draws `chart` as SVG text only (for embedding in a page).
pub fn svg(chart: &impl Chart) -> Result<String, Error> {
    register_fonts();
    let (w, h) = chart.size();
    let failed = |e: String| Error::Runtime(format!("cannot draw {}: {e}", chart.stem()));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
        chart.draw(&root).map_err(|e| failed(e.to_string()))?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    Ok(svg)
}

/// Writes charts drawn by [`render`], each file replaced atomically and
/// none before all are staged; returns their paths.
pub fn write(files: Vec<Rendered>) -> Result<Vec<PathBuf>, Error> {
    write_all_atomic(&files)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::High);
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// The charts of a run: downtime distribution, variants compared, downtime
/// by cause, data loss and recovery (where stores are modelled), and a year
/// in the life of each variant (`timelines`, one trial each). Returns every
/// file written.
pub fn plot_run(report: &Report, timelines: &[Timeline], dir: &Path) -> Result<Vec<PathBuf>, Error> {
    // Every chart is drawn before any file is replaced: an interruption or
    // a drawing error leaves the previous charts as they were.
    let mut files = Vec::new();
    files.extend(render(&DowntimeDistribution { report }, dir)?);
    files.extend(render(&VariantsCompared { report }, dir)?);
    files.extend(render(&DowntimeByCause { report }, dir)?);
    if DataProtection::applies(report) {
        files.extend(render(&DataProtection { report }, dir)?);
    }
    for t in timelines {
        files.extend(render(&TimelineChart { timeline: t, stem: format!("timeline-{}", file_safe(&t.variant)) }, dir)?);
    }
    write(files)
}

/// The chart of a sweep, as `DIR/STEM.png` and `.svg`.
pub fn plot_sweep(
    sweep: &SweepReport,
    metrics: &[crate::report::sweep::Metric],
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, Error> {
    save(&SweepChart { sweep, metrics, stem: stem.to_owned() }, dir)
}

/// A name usable in a file name: letters, digits, `.`, `-`, `_` kept,
/// anything else made `_`.
pub fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect()
}

/// "nines 0.1.0 · scenario sha256 2c7c22b7767a · seed 42 · 100000 trials".
fn provenance(version: &str, sha256: &str, seed: u64, trials: u64) -> String {
    format!(
        "nines {version} · scenario sha256 {} · seed {seed} · {trials} trials per variant",
        &sha256[..sha256.len().min(12)]
    )
}

fn style(px: f64) -> TextStyle<'static> {
    (FONT, px).into_font().color(&INK)
}

fn bold(px: f64) -> TextStyle<'static> {
    (FONT, px, FontStyle::Bold).into_font().color(&INK)
}

/// The largest size ≤ `px` at which `text` fits in `width` pixels.
fn fit<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64, width: u32, bold_face: bool) -> f64 {
    let mut size = px;
    while size > 12.0 {
        let s = if bold_face { bold(size) } else { style(size) };
        match area.estimate_text_size(text, &s) {
            Ok((w, _)) if w <= width => break,
            Ok(_) => size -= 2.0,
            Err(_) => break,
        }
    }
    size
}

/// Width in pixels of the widest of `texts`.
fn widest<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, texts: &[String], px: f64) -> u32 {
    texts.iter().filter_map(|t| area.estimate_text_size(t, &style(px)).ok()).map(|s| s.0).max().unwrap_or(0)
}

/// Draws the title, subtitle and footer; returns the area left for the chart.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    footer: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = root.dim_in_pixel();
    let centre = Pos::new(HPos::Center, VPos::Top);
    let size = fit(root, title, TITLE_PX, w - 40, true);
    root.draw(&Text::new(title.to_owned(), (w as i32 / 2, 14), bold(size).pos(centre)))?;
    let size = fit(root, subtitle, SUBTITLE_PX, w - 40, false);
    root.draw(&Text::new(subtitle.to_owned(), (w as i32 / 2, 70), style(size).color(&GREY).pos(centre)))?;
    let right = Pos::new(HPos::Right, VPos::Bottom);
    root.draw(&Text::new(footer.to_owned(), (w as i32 - 16, h as i32 - 8), style(FOOTER_PX).color(&GREY).pos(right)))?;
    let (_, rest) = root.split_vertically(HEADER_H);
    let (body, _) = rest.split_vertically(h - HEADER_H - FOOTER_H);
    Ok(body)
}

/// Draws a legend of coloured squares and labels across the top of
/// `area`, centred and wrapped onto as many lines as needed; returns the
/// area below it.
pub(crate) fn legend_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, RGBColor)],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    const LINE_H: i32 = 40;
    const GAP: i32 = 40;
    let (w, _) = area.dim_in_pixel();
    let widths: Vec<i32> = items
        .iter()
        .map(|(s, _)| area.estimate_text_size(s, &style(TICK_PX)).map_or(100, |d| d.0 as i32) + 36)
        .collect();
    // Greedy wrap.
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (i, &iw) in widths.iter().enumerate() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && used + GAP + iw > w as i32 - 40 {
            lines.push(vec![i]);
            used = iw;
        } else {
            used += if line.is_empty() { iw } else { GAP + iw };
            line.push(i);
        }
    }
    for (l, line) in lines.iter().enumerate() {
        let total: i32 = line.iter().map(|&i| widths[i]).sum::<i32>() + GAP * (line.len() as i32 - 1);
        let mut x = (w as i32 - total) / 2;
        let y = 8 + l as i32 * LINE_H;
        for &i in line {
            let (label, c) = &items[i];
            area.draw(&Rectangle::new([(x, y + 4), (x + 26, y + 28)], c.filled()))?;
            area.draw(&Text::new(
                label.clone(),
                (x + 36, y + 16),
                style(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            x += widths[i] + GAP;
        }
    }
    let (_, rest) = area.split_vertically(lines.len() as u32 * LINE_H as u32 + 12);
    Ok(rest)
}

/// A linear f64 axis whose ticks are exactly `keys` (one per bar row, or
/// one per swept value), labelled by the chart's own formatter.
pub(crate) struct Keyed {
    inner: plotters::coord::types::RangedCoordf64,
    keys: Vec<f64>,
}

impl Keyed {
    /// The axis `range` with ticks at `keys`.
    pub(crate) fn new(range: std::ops::Range<f64>, keys: Vec<f64>) -> Self {
        Keyed { inner: range.into(), keys }
    }
}

impl plotters::coord::ranged1d::Ranged for Keyed {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.keys.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// Formats an axis or value number with about three significant digits,
/// without trailing zeros (`10`, `0.5`, `0.00158`).
fn short(x: f64) -> String {
    if x.abs() < 1e-12 {
        return "0".to_owned(); // an axis tick at a rounding error from zero
    }
    let s = crate::report::table::sig(x, 3);
    if s.contains('.') && !s.contains('e') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

/// A target such as an SLO as a short percentage (`99.9%`, `99.95%`).
fn percent(x: f64) -> String {
    let s = format!("{:.6}", x * 100.0);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// A small share as a percentage with about three digits (`6.13%`, `0.001%`).
fn share(p: f64) -> String {
    format!("{}%", short(p * 100.0))
}

/// Chooses a "nice" upper bound ≥ `x` for a linear axis (1, 2, 2.5, 5 × 10ⁿ).
fn nice_max(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * mag >= x {
            return m * mag;
        }
    }
    10.0 * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_max(7.3), 8.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(101.0), 120.0);
        assert_eq!(file_safe("three-az/region events"), "three-az_region_events");
        assert_eq!(short(10.0), "10");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(0.00158), "0.00158");
        assert_eq!(short(1234.0), "1234");
        assert_eq!(percent(0.999), "99.9%");
        assert_eq!(percent(0.9995), "99.95%");
        assert_eq!(share(1e-5), "0.001%");
    }
}
