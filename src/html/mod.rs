//! `nines report` (and `run --html`): one self-contained HTML page for a
//! projector or a USB stick — inline CSS and SVG, no network, no script —
//! with the question, the architecture, the answer in a table and in
//! sentences, every chart, downtime by cause, data protection, cost
//! against risk, the assumptions and how to reproduce it.
//!
//! Everything on the page comes from the [`Report`] (the same figures as
//! the table and the JSON), the compiled variants (the diagram) and the
//! scenario text (the assumptions). May use: `report`, `plot`, `diagram`,
//! `scenario`, `presets`, `model`, `units`.

mod assumptions;

use crate::diagram::Diagram;
use crate::error::Error;
use crate::plot::{self, ArchitectureChart, DataProtection, DowntimeByCause, DowntimeDistribution, VariantsCompared};
use crate::report::sentences::{self, Comparison};
use crate::report::table::{percent_avail, probability, sig};
use crate::report::timeline::Timeline;
use crate::report::{Report, VariantReport};
use crate::scenario::Scenario;
use crate::units::format_duration;
use std::fmt::Write;

/// The sections of every page, by id and heading, in order (the browser
/// test checks each is there).
pub const SECTIONS: &[(&str, &str)] = &[
    ("question", "The question"),
    ("architecture", "Architecture"),
    ("answer", "The answer"),
    ("charts", "Charts"),
    ("causes", "Downtime by cause"),
    ("data-protection", "Data protection"),
    ("cost", "Cost against risk"),
    ("assumptions", "Assumptions"),
    ("reproduce", "Reproduce"),
];

/// Sections only some pages have: operations (with crews, maintenance,
/// hidden failures or shocks) and uncertain inputs (`run --uncertainty N
/// --html`), by id and heading.
pub const OPTIONAL_SECTIONS: &[(&str, &str)] = &[("operations", "Operations"), ("uncertainty", "Uncertain inputs")];

/// Above this many variants the headline table has one row per variant.
pub const MAX_VARIANT_COLUMNS: usize = 3;

/// What a page is made of.
pub struct Page<'a> {
    /// The loaded scenario (its compiled variants draw the diagram).
    pub scenario: &'a Scenario,
    /// The scenario file's text (its values and presets are listed).
    pub text: &'a str,
    /// The run.
    pub report: &'a Report,
    /// Paired differences with the first variant.
    pub comparisons: &'a [Comparison],
    /// One trial per variant, for the timelines.
    pub timelines: &'a [Timeline],
    /// The command that made it, as typed.
    pub command: &'a str,
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG from plotters made to scale with the page: the fixed size goes,
/// the viewBox stays.
fn inline_svg(svg: &str, label: &str) -> String {
    let body = svg.trim_start_matches(|c: char| c != '<');
    match body.find('>') {
        Some(end) if body.starts_with("<svg") => {
            let head = &body[..end];
            let view = head.split("viewBox=\"").nth(1).and_then(|v| v.split('"').next()).unwrap_or("0 0 1600 900");
            format!(
                "<svg viewBox=\"{view}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\">{}",
                esc(label),
                &body[end + 1..]
            )
        }
        _ => body.to_owned(),
    }
}

/// A chart drawn as SVG inside a figure with its caption.
fn figure(out: &mut String, chart: &impl plot::Chart, caption: &str) -> Result<(), Error> {
    let svg = plot::svg(chart)?;
    let _ = writeln!(out, "<figure>{}<figcaption>{}</figcaption></figure>", inline_svg(&svg, caption), esc(caption));
    Ok(())
}

const STYLE: &str = r#"
:root { --ink: #222; --grey: #666; --line: #ccc; --accent: #0072b2; --warn: #c80000; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0; font-size: 19px; line-height: 1.45; background: #fff; }
header, nav, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 2.1em; margin: 0 0 .2em; }
h2 { font-size: 1.5em; margin: 1.6em 0 .5em; border-bottom: 3px solid var(--accent); padding-bottom: .15em; }
h3 { font-size: 1.15em; margin: 1.2em 0 .4em; }
nav { font-size: .85em; margin-top: .6em; }
nav a { margin-right: 1em; color: var(--accent); }
.question { font-size: 1.3em; font-weight: bold; margin: .4em 0; }
.meta, figcaption, .note { color: var(--grey); font-size: .85em; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .85em; }
table.headline tr > th:first-child { white-space: nowrap; }
th, td { border: 1px solid var(--line); padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f2f4f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sentences li { margin: .35em 0; }
figure { margin: 1em 0 2em; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
.estimate { color: var(--warn); font-weight: bold; }
code, pre { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; white-space: pre-wrap; }
details summary { cursor: pointer; color: var(--accent); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 0 24px; }
.grid figure { margin: .5em 0 1em; }
"#;

/// Renders the whole page.
pub fn render(p: &Page<'_>) -> Result<String, Error> {
    let r = p.report;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>nines · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        esc(&r.scenario)
    );
    let _ = writeln!(out, "<header><h1>{}</h1>", esc(&r.scenario));
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} trials of {} per variant · seed {} · nines {} · scenario {} (sha256 {}…)</p></header>",
        r.trials,
        format_duration(r.horizon_hours),
        r.seed,
        esc(&r.nines_version),
        esc(&r.scenario_file),
        &r.scenario_sha256[..12.min(r.scenario_sha256.len())]
    );
    let has_operations = r.variants.iter().any(|v| v.operations.is_some());
    // In page order: each optional section after the one it follows.
    let mut shown: Vec<(&str, &str)> = Vec::new();
    for &(id, title) in SECTIONS {
        shown.push((id, title));
        let optional = match id {
            "causes" if has_operations => Some(OPTIONAL_SECTIONS[0]),
            "data-protection" if r.uncertainty.is_some() => Some(OPTIONAL_SECTIONS[1]),
            _ => None,
        };
        shown.extend(optional);
    }
    let links: Vec<String> = shown.iter().map(|(id, title)| format!("<a href=\"#{id}\">{}</a>", esc(title))).collect();
    let _ = writeln!(out, "<nav>{}</nav>\n<main>", links.join(" "));
    question(&mut out, p);
    architecture(&mut out, p)?;
    answer(&mut out, p);
    charts(&mut out, p)?;
    causes(&mut out, r);
    if has_operations {
        operations(&mut out, r);
    }
    data_protection(&mut out, r);
    if let Some(u) = &r.uncertainty {
        uncertainty(&mut out, r, u)?;
    }
    cost(&mut out, p);
    assumptions::section(&mut out, p);
    reproduce(&mut out, p);
    let _ = writeln!(
        out,
        "</main>\n<footer><p class=\"note\">Made by nines {}.</p></footer>\n</body>\n</html>",
        esc(&r.nines_version)
    );
    Ok(out)
}

fn open_section(out: &mut String, id: &str) {
    let title = SECTIONS.iter().chain(OPTIONAL_SECTIONS).find(|s| s.0 == id).map_or(id, |s| s.1);
    let _ = writeln!(out, "<section id=\"{id}\">\n<h2>{}</h2>", esc(title));
}

/// What the scenario asks; without a `question`, the one every run answers.
fn question(out: &mut String, p: &Page<'_>) {
    open_section(out, "question");
    let r = p.report;
    let service = r.variants.first().map_or("the service", |v| v.service.as_str());
    let asked = match &p.scenario.question {
        Some(q) => q.clone(),
        None if r.variants.len() > 1 => {
            let names: Vec<&str> = r.variants.iter().map(|v| v.name.as_str()).collect();
            format!(
                "Which of {} keeps {service} up best — how many hours a year is it down, how often does a year meet the target, and at what cost?",
                names.join(", ")
            )
        }
        None => format!("How many hours a year is {service} down, and what takes it down?"),
    };
    let _ = writeln!(out, "<p class=\"question\">{}</p>", esc(&asked));
    if let Some(d) = &p.scenario.description {
        let _ = writeln!(out, "<p>{}</p>", esc(d));
    }
    let described: Vec<String> = r
        .variants
        .iter()
        .filter_map(|v| v.description.as_ref().map(|d| format!("<li><b>{}</b>: {}</li>", esc(&v.name), esc(d))))
        .collect();
    if !described.is_empty() {
        let _ =
            writeln!(out, "<p>The variants, each run on the same random numbers:</p><ul>{}</ul>", described.join(""));
    }
    let _ = writeln!(out, "</section>");
}

/// One diagram per distinct architecture, captioned with its variants.
fn architecture(out: &mut String, p: &Page<'_>) -> Result<(), Error> {
    open_section(out, "architecture");
    let s = p.scenario;
    let wanted: Vec<&crate::model::Model> =
        s.variants.iter().filter(|m| p.report.variants.iter().any(|v| v.name == m.variant)).collect();
    let mut pictures: Vec<(Diagram, Vec<String>)> = Vec::new();
    for m in wanted {
        let d = Diagram::new(&s.name, &s.sha256, m);
        match pictures.iter_mut().find(|(x, _)| x.signature() == d.signature()) {
            Some((_, names)) => names.push(m.variant.clone()),
            None => {
                let name = m.variant.clone();
                pictures.push((d, vec![name]));
            }
        }
    }
    if pictures.len() > 1 {
        let _ = writeln!(
            out,
            "<p class=\"note\">The variants differ in what they place where: one picture each.</p><div class=\"grid\">"
        );
    }
    for (d, names) in &pictures {
        let chart = ArchitectureChart { diagram: d, stem: "architecture".into() };
        let caption = if names.len() == p.report.variants.len() && names.len() > 1 {
            "Architecture (the same for every variant)".to_owned()
        } else {
            format!("Architecture of {}", names.join(", "))
        };
        figure(out, &chart, &caption)?;
    }
    if pictures.len() > 1 {
        let _ = writeln!(out, "</div>");
    }
    let _ = writeln!(out, "</section>");
    Ok(())
}

/// The headline figures of one variant: (label, cell).
fn headline(v: &VariantReport, r: &Report) -> Vec<(String, String)> {
    let d = &v.downtime_hours;
    let mut rows = vec![
        (
            "downtime h/yr [95% CI]".to_owned(),
            format!("{} [{}, {}]", sig(d.mean, 3), sig(d.ci95[0].max(0.0), 3), sig(d.ci95[1], 3)),
        ),
        ("availability".to_owned(), percent_avail(v.availability.mean)),
    ];
    if let Some(slo) = &v.slo {
        rows.push((
            format!("{} meeting {}", slo.windows_name(), percent_avail(slo.target)),
            probability(&slo.met_probability),
        ));
    }
    rows.push((format!("no outage in {}", format_duration(r.horizon_hours)), probability(&v.reliability)));
    rows.push(("outages/yr".to_owned(), sig(v.outages_per_year.mean, 3)));
    rows.push(("worst year, h".to_owned(), sig(d.max, 3)));
    if let Some(c) = &v.cost {
        rows.push(("$/month".to_owned(), sig(c.monthly_usd, 4)));
        if c.expected_downtime_usd_per_year.is_some() {
            rows.push(("total $/yr".to_owned(), sig(c.total_usd_per_year.mean, 4)));
        }
    }
    rows
}

/// The headline table (variants as columns, or as rows past three) and the
/// sentences.
fn answer(out: &mut String, p: &Page<'_>) {
    open_section(out, "answer");
    let r = p.report;
    let _ = writeln!(out, "<ul class=\"sentences\">");
    for s in sentences::sentences(r, p.comparisons) {
        let _ = writeln!(out, "<li>{}</li>", esc(&s));
    }
    let _ = writeln!(out, "</ul>");
    let cells: Vec<Vec<(String, String)>> = r.variants.iter().map(|v| headline(v, r)).collect();
    // Labels in first-seen order over all variants.
    let mut labels: Vec<String> = Vec::new();
    for v in &cells {
        for (l, _) in v {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
    }
    let cell = |i: usize, label: &str| -> String {
        cells[i].iter().find(|(l, _)| l == label).map_or("–".to_owned(), |(_, c)| c.clone())
    };
    let _ = writeln!(out, "<table class=\"headline\">");
    if r.variants.len() > MAX_VARIANT_COLUMNS {
        let head: String = labels.iter().map(|l| format!("<th>{}</th>", esc(l))).collect();
        let _ = writeln!(out, "<tr><th>variant</th>{head}</tr>");
        for (i, v) in r.variants.iter().enumerate() {
            let row: String = labels.iter().map(|l| format!("<td class=\"num\">{}</td>", esc(&cell(i, l)))).collect();
            let _ = writeln!(out, "<tr><th>{}</th>{row}</tr>", esc(&v.name));
        }
    } else {
        let head: String = r.variants.iter().map(|v| format!("<th>{}</th>", esc(&v.name))).collect();
        let _ = writeln!(out, "<tr><th></th>{head}</tr>");
        for l in &labels {
            let row: String =
                (0..r.variants.len()).map(|i| format!("<td class=\"num\">{}</td>", esc(&cell(i, l)))).collect();
            let _ = writeln!(out, "<tr><th>{}</th>{row}</tr>", esc(l));
        }
    }
    let _ = writeln!(out, "</table>");
    if !p.comparisons.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Paired differences with {}</h3><p class=\"note\">Every variant saw the same random numbers (the same failures of what they share), so the difference of their downtimes is measured trial by trial; its interval is much tighter than the two intervals above suggest.</p><table><tr><th>variant</th><th>more downtime than {} h/yr, mean [95% CI]</th><th>trials paired</th></tr>",
            esc(&p.comparisons[0].baseline),
            esc(&p.comparisons[0].baseline)
        );
        for c in p.comparisons {
            let _ = writeln!(
                out,
                "<tr><th>{}</th><td class=\"num\">{} [{}, {}]</td><td class=\"num\">{}</td></tr>",
                esc(&c.variant),
                sig(c.mean_hours, 3),
                sig(c.ci95[0], 3),
                sig(c.ci95[1], 3),
                c.trials
            );
        }
        let _ = writeln!(out, "</table>");
    }
    let _ = writeln!(out, "</section>");
}

/// Every chart of `run --plots`, inline.
fn charts(out: &mut String, p: &Page<'_>) -> Result<(), Error> {
    open_section(out, "charts");
    let r = p.report;
    figure(
        out,
        &DowntimeDistribution { report: r },
        "How bad can a year get: share of simulated years with more than x hours of downtime",
    )?;
    figure(
        out,
        &VariantsCompared { report: r },
        "Variants side by side: mean downtime with its 95% interval, and cost",
    )?;
    figure(out, &DowntimeByCause { report: r }, "Downtime by cause")?;
    if DataProtection::applies(r) {
        figure(out, &DataProtection { report: r }, "Data loss and recovery per incident")?;
    }
    for t in p.timelines {
        let chart = plot::TimelineChart { timeline: t, stem: format!("timeline-{}", plot::file_safe(&t.variant)) };
        figure(out, &chart, &format!("A year in the life of {} (trial {})", t.variant, t.trial))?;
    }
    let _ = writeln!(out, "</section>");
    Ok(())
}

/// Causes × variants: hours per year and share.
fn causes(out: &mut String, r: &Report) {
    open_section(out, "causes");
    let mut keys: Vec<(String, String)> = Vec::new();
    for v in &r.variants {
        for c in &v.causes {
            let k = (c.kind.clone(), c.name.clone());
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        let _ = writeln!(out, "<p>No variant was ever down: nothing to attribute.</p></section>");
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">The event that took the service down gets the whole outage it started: hours per year (share of the variant's downtime).</p><table><tr><th>cause</th>{}</tr>",
        r.variants.iter().map(|v| format!("<th>{}</th>", esc(&v.name))).collect::<String>()
    );
    for (kind, name) in &keys {
        let cells: String = r
            .variants
            .iter()
            .map(|v| {
                let c = v.causes.iter().find(|c| &c.kind == kind && &c.name == name);
                let text = c.map_or("–".to_owned(), |c| {
                    format!("{} ({})", sig(c.downtime_hours_per_year, 3), crate::report::table::percent(c.share, 2))
                });
                format!("<td class=\"num\">{}</td>", esc(&text))
            })
            .collect();
        let _ = writeln!(out, "<tr><th>{} {}</th>{cells}</tr>", esc(kind), esc(name));
    }
    let _ = writeln!(out, "</table></section>");
}

/// Crews, maintenance, hidden failures and shocks: the table's rows.
fn operations(out: &mut String, r: &Report) {
    open_section(out, "operations");
    let _ = writeln!(
        out,
        "<p class=\"note\">How operations shaped the downtime: repair crews and their queues, planned maintenance, failures nobody noticed until a test or until they were needed, and common-cause shocks. Rates are per year, means over the trials (95% intervals in brackets); hidden failures found by a test or when needed are counted over all trials.</p>"
    );
    table(out, r, &crate::report::table::operations_table(&r.variants));
    let _ = writeln!(out, "</section>");
}

/// What the inputs written as ranges do to mean downtime: their spread
/// across input sets and the tornado.
fn uncertainty(out: &mut String, r: &Report, u: &crate::report::uncertainty::UncertaintyReport) -> Result<(), Error> {
    open_section(out, "uncertainty");
    let _ = writeln!(
        out,
        "<p class=\"note\">Inputs written as ranges (what we do not know), drawn in {} input sets with common random numbers; each set is a whole run of the same trials.</p>",
        u.input_sets
    );
    let _ = writeln!(out, "<table><tr><th>input</th><th>law</th><th>low</th><th>high</th><th>central</th></tr>");
    for i in &u.inputs {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&i.input),
            esc(&i.law),
            esc(&i.low),
            esc(&i.high),
            esc(&i.central)
        );
    }
    let _ = writeln!(out, "</table>");
    let _ = writeln!(
        out,
        "<table><tr><th>mean downtime h/yr</th><th>inputs central</th><th>P5</th><th>P50</th><th>P95</th></tr>"
    );
    for v in &u.variants {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&v.name),
            sig(v.central, 3),
            sig(v.p5, 3),
            sig(v.p50, 3),
            sig(v.p95, 3)
        );
    }
    let _ = writeln!(out, "</table>");
    if !u.tornado.is_empty() {
        figure(
            out,
            &plot::Tornado { report: r },
            &format!(
                "Which unknown matters most for {}: each input from its low to its high end, the others central",
                u.tornado_variant
            ),
        )?;
    }
    let _ = writeln!(out, "</section>");
    Ok(())
}

/// A table of labelled rows, one column per variant.
fn table(out: &mut String, r: &Report, rows: &[(String, Vec<String>)]) {
    let _ = writeln!(
        out,
        "<table><tr><th></th>{}</tr>",
        r.variants.iter().map(|v| format!("<th>{}</th>", esc(&v.name))).collect::<String>()
    );
    for (label, cells) in rows {
        let cells: String = cells.iter().map(|c| format!("<td class=\"num\">{}</td>", esc(c))).collect();
        let _ = writeln!(out, "<tr><th>{}</th>{cells}</tr>", esc(label.trim()));
    }
    let _ = writeln!(out, "</table>");
}

/// Stores (RPO, RTO, incidents) and buckets (unavailability, credits, loss).
fn data_protection(out: &mut String, r: &Report) {
    open_section(out, "data-protection");
    let vs = &r.variants;
    let with_data = vs.iter().any(|v| v.data.is_some());
    let with_buckets = vs.iter().any(|v| !v.storage.is_empty());
    let with_datasets = vs.iter().any(|v| !v.durability.is_empty());
    if with_datasets {
        let _ = writeln!(
            out,
            "<h3>Datasets: durability</h3><table><tr><th>variant</th><th>dataset</th><th>scheme</th><th>data lost in a year [95% CI]</th><th>nines of durability</th><th>method</th></tr>"
        );
        for v in vs {
            for d in &v.durability {
                let loss = match (&d.annual_loss_probability, &d.estimator.refusal) {
                    (Some(p), _) => format!("{:.2e} [{:.2e}, {:.2e}]", p.estimate, p.ci95[0], p.ci95[1]),
                    (None, Some(why)) => format!("no figure: {why}"),
                    (None, None) => "–".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "<tr><th>{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    esc(&v.name),
                    esc(&d.name),
                    esc(&d.scheme),
                    esc(&loss),
                    d.durability_nines.map_or("–".to_owned(), |n| format!("{n:.1}")),
                    esc(&d.estimator.method)
                );
            }
        }
        let _ = writeln!(out, "</table>");
    }
    if !with_data && !with_buckets && !with_datasets {
        let _ = writeln!(
            out,
            "<p>This scenario models no data stores or buckets: it answers availability questions only (see the assumptions).</p></section>"
        );
        return;
    }
    let table = |out: &mut String, rows: Vec<(String, Vec<String>)>| {
        let _ = writeln!(
            out,
            "<table><tr><th></th>{}</tr>",
            vs.iter().map(|v| format!("<th>{}</th>", esc(&v.name))).collect::<String>()
        );
        for (label, cells) in rows {
            let tds: String = cells.iter().map(|c| format!("<td class=\"num\">{}</td>", esc(c))).collect();
            let _ = writeln!(out, "<tr><th>{}</th>{tds}</tr>", esc(&label));
        }
        let _ = writeln!(out, "</table>");
    };
    if with_data {
        for s in vs.iter().filter_map(sentences::data_sentence) {
            let _ = writeln!(out, "<p>{}</p>", esc(&s));
        }
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        let per =
            |f: &dyn Fn(&VariantReport) -> Option<String>| vs.iter().map(|v| f(v).unwrap_or("–".into())).collect();
        rows.push(("data incidents/yr".into(), per(&|v| v.data.as_ref().map(|d| sig(d.incidents_per_year.mean, 3)))));
        rows.push((
            "data-loss window h: mean / p99 / max".into(),
            per(&|v| {
                v.data_loss_window_hours
                    .as_ref()
                    .map(|s| format!("{} / {} / {}", sig(s.mean, 3), sig(s.p99, 3), sig(s.max, 3)))
            }),
        ));
        rows.push((
            "recovery time h: mean / p99 / max".into(),
            per(&|v| {
                v.recovery_time_hours
                    .as_ref()
                    .map(|s| format!("{} / {} / {}", sig(s.mean, 3), sig(s.p99, 3), sig(s.max, 3)))
            }),
        ));
        if let Some(rpo) = vs.iter().find_map(|v| v.rpo.as_ref()) {
            rows.push((
                format!("incidents within RPO {}", format_duration(rpo.target_hours)),
                per(&|v| v.rpo.as_ref().map(|r| probability(&r.met_probability))),
            ));
        }
        if let Some(rto) = vs.iter().find_map(|v| v.rto.as_ref()) {
            rows.push((
                format!("incidents within RTO {}", format_duration(rto.target_hours)),
                per(&|v| v.rto.as_ref().and_then(|r| r.met_probability.as_ref()).map(probability)),
            ));
        }
        rows.push((
            "no usable recovery point".into(),
            per(&|v| v.data.as_ref().map(|d| probability(&d.no_recovery_point))),
        ));
        rows.push((
            "data lost per year (hours of writes)".into(),
            per(&|v| v.data.as_ref().map(|d| sig(d.lost_hours_per_year.mean, 3))),
        ));
        table(out, rows);
    }
    if with_buckets {
        let mut names: Vec<&str> = Vec::new();
        for v in vs {
            for b in &v.storage {
                if !names.contains(&b.name.as_str()) {
                    names.push(&b.name);
                }
            }
        }
        for name in names {
            let get = |v: &VariantReport| v.storage.iter().find(|b| b.name == name).cloned();
            let per = |f: &dyn Fn(&crate::report::BucketReport) -> String| -> Vec<String> {
                vs.iter().map(|v| get(v).map_or("–".into(), |b| f(&b))).collect()
            };
            let _ = writeln!(out, "<h3>Bucket {}</h3>", esc(name));
            table(
                out,
                vec![
                    ("storage class".into(), per(&|b| b.class.clone())),
                    ("unavailable h/yr, all causes".into(), per(&|b| sig(b.downtime_hours.total.mean, 3))),
                    (
                        "of which the class's own outages (designed)".into(),
                        per(&|b| {
                            format!(
                                "{} ({})",
                                sig(b.downtime_hours.class_outages.mean, 3),
                                sig(b.downtime_hours.designed, 3)
                            )
                        }),
                    ),
                    (
                        "of which zone or region outages".into(),
                        per(&|b| sig(b.downtime_hours.zone_region_outages.mean, 3)),
                    ),
                    (
                        "data destroyed in the horizon (scenario)".into(),
                        per(&|b| probability(&b.durability.scenario_loss_probability)),
                    ),
                    (
                        "objects lost per year (designed)".into(),
                        per(&|b| sig(b.durability.designed_objects_lost_per_year, 2)),
                    ),
                    ("storage $/month".into(), per(&|b| sig(b.monthly_usd, 4))),
                ],
            );
        }
    }
    let _ = writeln!(out, "</section>");
}

/// The bill against the risk: monthly cost, downtime cost, total, and what
/// each change is worth.
fn cost(out: &mut String, p: &Page<'_>) {
    open_section(out, "cost");
    let r = p.report;
    if r.variants.iter().all(|v| v.cost.is_none()) {
        let _ = writeln!(
            out,
            "<p>The scenario prices nothing: give instance types, storage classes, <code>hourly_usd</code> or <code>monthly_usd</code>, and <code>targets.downtime_cost_per_hour</code> to weigh cost against risk.</p></section>"
        );
        return;
    }
    let _ = writeln!(
        out,
        "<table><tr><th>variant</th><th>infrastructure $/month</th><th>downtime h/yr</th><th>expected downtime $/yr</th><th>total $/yr</th><th>bill</th></tr>"
    );
    for v in &r.variants {
        let Some(c) = &v.cost else {
            let _ = writeln!(out, "<tr><th>{}</th><td colspan=\"5\">no cost given</td></tr>", esc(&v.name));
            continue;
        };
        let items: Vec<String> =
            c.items.iter().map(|i| format!("{}: ${}", esc(&i.item), sig(i.monthly_usd, 3))).collect();
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&v.name),
            sig(c.monthly_usd, 4),
            sig(v.downtime_hours.mean, 3),
            c.expected_downtime_usd_per_year.as_ref().map_or("–".into(), |d| sig(d.mean, 3)),
            sig(c.total_usd_per_year.mean, 4),
            items.join("<br>")
        );
    }
    let _ = writeln!(out, "</table>");
    let mut said = Vec::new();
    for c in p.comparisons {
        let find = |name: &str| r.variants.iter().find(|v| v.name == name);
        if let (Some(v), Some(b)) = (find(&c.variant), find(&c.baseline)) {
            said.extend(sentences::cost_sentence(c, v, b));
        }
    }
    said.extend(sentences::cheapest_sentence(r));
    for s in said {
        let _ = writeln!(out, "<p>{}</p>", esc(&s));
    }
    if let Some(price) = r.variants.iter().find_map(|v| v.cost.as_ref().and_then(|c| c.downtime_cost_per_hour)) {
        let _ = writeln!(
            out,
            "<p class=\"note\">The price of an hour of downtime (${}) is the scenario's input, not a measured figure: the break-even prices above say how far it may move before the choice changes.</p>",
            sig(price, 3)
        );
    }
    let _ = writeln!(out, "</section>");
}

/// Version, hash, seed, trials and the command.
fn reproduce(out: &mut String, p: &Page<'_>) {
    open_section(out, "reproduce");
    let r = p.report;
    let _ = writeln!(
        out,
        "<table><tr><th>nines version</th><td>{}</td></tr><tr><th>scenario file</th><td>{}</td></tr><tr><th>scenario SHA-256</th><td><code>{}</code></td></tr><tr><th>seed</th><td>{}</td></tr><tr><th>trials per variant</th><td>{}</td></tr><tr><th>horizon per trial</th><td>{}</td></tr><tr><th>command</th><td><code>{}</code></td></tr></table>",
        esc(&r.nines_version),
        esc(&r.scenario_file),
        esc(&r.scenario_sha256),
        r.seed,
        r.trials,
        format_duration(r.horizon_hours),
        esc(p.command)
    );
    let _ = writeln!(
        out,
        "<p class=\"note\">The same nines version, scenario file (same SHA-256), seed and trials give the same figures on any machine and any number of threads.</p></section>"
    );
}
