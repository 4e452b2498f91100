//! The HTML report: every shipped scenario renders a self-contained page
//! with every section; and, in a real browser (Debian's Chromium, headless),
//! the page loads without a console message and a 1280×800 screenshot is
//! not blank.
//!
//! The browser part needs `chromium` (or `$CHROMIUM`); `.ci/run` installs
//! it and sets `NINES_REQUIRE_CHROMIUM=1`, which turns a missing browser
//! into a failure instead of a skipped check.

use nines::html::{OPTIONAL_SECTIONS, SECTIONS};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every shipped scenario: `scenarios/*.toml` and the workshop steps.
fn shipped() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/workshop"] {
        let Ok(entries) = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 6, "found only {files:?}");
    files
}

/// Writes the report of `scenario` with `nines report` (few trials).
fn report(scenario: &Path, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{}.html", scenario.file_stem().unwrap().to_string_lossy()));
    let status = Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(["report", "--trials", "1500", "-q", "-o"])
        .arg(&out)
        .arg(scenario)
        .status()
        .expect("nines runs");
    assert!(status.success(), "nines report {} failed", scenario.display());
    out
}

/// What a self-contained page must be: every section, inline SVG, nothing
/// loaded from elsewhere, no script.
fn check_page(name: &str, html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{name}: not an HTML page");
    for (id, title) in SECTIONS {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{name}: no section {id}");
        assert!(html.contains(&format!("<h2>{title}</h2>")), "{name}: no heading {title}");
    }
    for banned in ["<script", "<img", "<link", "<iframe", "url(", "@import", "<object", "<embed"] {
        assert!(!html.contains(banned), "{name}: the page loads something ({banned})");
    }
    // Architecture, three charts of every run, and a timeline per variant.
    assert!(html.matches("<svg ").count() >= 5, "{name}: charts missing");
}

#[test]
fn every_shipped_scenario_renders_a_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    for s in shipped() {
        let path = report(&s, dir.path());
        let html = std::fs::read_to_string(&path).unwrap();
        check_page(&s.display().to_string(), &html);
    }
}

/// Operations and uncertain inputs get their own sections (linked from the
/// navigation, in page order) only when the run has them: the operations
/// scenario's crews, maintenance, hidden failures and shock, and with
/// `--uncertainty` its ranges and tornado.
#[test]
fn operations_and_uncertain_inputs_have_sections_when_the_run_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = |scenario: &str, extra: &[&str]| {
        let out = dir.path().join("page.html");
        let status = Command::new(env!("CARGO_BIN_EXE_nines"))
            .args(["run", "--trials", "500", "-q", "--html"])
            .arg(&out)
            .args(extra)
            .arg(root.join(scenario))
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(&out).unwrap()
    };
    let html = page("scenarios/operations.toml", &["--uncertainty", "4"]);
    check_page("operations", &html);
    for (id, title) in OPTIONAL_SECTIONS {
        assert!(html.contains(&format!("<section id=\"{id}\">\n<h2>{title}</h2>")), "no section {id}");
    }
    let nav = &html[html.find("<nav>").unwrap()..html.find("</nav>").unwrap()];
    let at = |id: &str| nav.find(&format!("href=\"#{id}\"")).unwrap_or_else(|| panic!("{id} not linked"));
    assert!(at("causes") < at("operations") && at("operations") < at("data-protection"));
    assert!(at("data-protection") < at("uncertainty") && at("uncertainty") < at("cost"));
    for needle in [
        "crew oncall",
        "maintenance web",
        "hidden failures db",
        "shock bad-deploy",
        "P95",
        "Which unknown matters most",
    ] {
        assert!(html.contains(needle), "the page lacks {needle:?}");
    }
    let plain = page("scenarios/two-of-three.toml", &[]);
    check_page("two-of-three", &plain);
    for (id, _) in OPTIONAL_SECTIONS {
        assert!(
            !plain.contains(&format!("id=\"{id}\"")) && !plain.contains(&format!("#{id}\"")),
            "{id} without a reason"
        );
    }
}

#[test]
fn the_page_check_fails_on_a_broken_page() {
    let good = "<!DOCTYPE html>".to_owned()
        + &SECTIONS
            .iter()
            .map(|(id, t)| format!("<section id=\"{id}\">\n<h2>{t}</h2><svg ></svg></section>"))
            .collect::<String>();
    check_page("good", &good);
    for broken in [good.replace("<section id=\"cost\">", "<section>"), good.clone() + "<img src=\"x.png\">"] {
        assert!(std::panic::catch_unwind(|| check_page("broken", &broken)).is_err());
    }
}

/// The browser, if any.
fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// Headless Chromium with the flags this machine needs, a fresh profile.
fn browser(bin: &Path, profile: &Path) -> Command {
    let mut c = Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Loads `page`; returns the DOM after load and the console messages
/// Chromium logged (`INFO:CONSOLE` lines: errors, warnings, logs alike).
fn load(bin: &Path, page: &Path, profile: &Path) -> (String, Vec<String>) {
    let out = browser(bin, profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium --dump-dom {} failed: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_owned)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// A 1280×800 screenshot: (width, height, share of pixels that are not
/// white, distinct colours seen).
fn screenshot(bin: &Path, page: &Path, profile: &Path, png: &Path) -> (u32, u32, f64, usize) {
    let out = browser(bin, profile)
        .arg("--window-size=1280,800")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium --screenshot failed: {}", String::from_utf8_lossy(&out.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).expect("a screenshot")));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let mut inked = 0usize;
    let mut colours = std::collections::HashSet::new();
    for px in pixels.chunks(channels) {
        let rgb = (px[0], px[1], px[2 % channels]);
        if rgb.0 < 235 || rgb.1 < 235 || rgb.2 < 235 {
            inked += 1;
        }
        if colours.len() < 10_000 {
            colours.insert(rgb);
        }
    }
    (info.width, info.height, inked as f64 / (pixels.len() / channels) as f64, colours.len())
}

/// What the browser must see: no console message, every section, ink on
/// the first screen.
fn check_in_browser(bin: &Path, page: &Path, dir: &Path) {
    let name = page.display().to_string();
    let profile = tempfile::tempdir().unwrap();
    let (dom, console) = load(bin, page, profile.path());
    assert!(console.is_empty(), "{name}: console messages: {console:#?}");
    for (id, _) in SECTIONS {
        assert!(dom.contains(&format!("id=\"{id}\"")), "{name}: the loaded page has no section {id}");
    }
    let png = dir.join(format!("{}.png", page.file_stem().unwrap().to_string_lossy()));
    let (w, h, inked, colours) = screenshot(bin, page, profile.path(), &png);
    assert_eq!((w, h), (1280, 800), "{name}: screenshot size");
    assert!(
        inked > 0.02 && colours > 20,
        "{name}: the screenshot is blank ({:.2}% inked, {colours} colours)",
        inked * 100.0
    );
}

#[test]
fn every_shipped_report_loads_cleanly_in_chromium() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("NINES_REQUIRE_CHROMIUM").is_none(),
            "NINES_REQUIRE_CHROMIUM is set but no chromium was found (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium (apt-get install chromium, or set CHROMIUM)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The check itself must be able to fail: a page with a script error,
    // and a blank page.
    let bad = dir.path().join("bad.html");
    std::fs::write(&bad, "<!DOCTYPE html><html><body><p>x</p><script>missing()</script></body></html>").unwrap();
    let profile = tempfile::tempdir().unwrap();
    assert!(!load(&bin, &bad, profile.path()).1.is_empty(), "a script error was not seen");
    let blank = dir.path().join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let (_, _, inked, _) = screenshot(&bin, &blank, profile.path(), &dir.path().join("blank.png"));
    assert!(inked < 0.001, "a blank page was not seen as blank ({inked})");

    for s in shipped() {
        let page = report(&s, dir.path());
        check_in_browser(&bin, &page, dir.path());
    }
}
