//! The commands a new user reaches for first: `new` (every template loads
//! and is named), `--help` with examples everywhere, shell completions and
//! the manual pages.

use std::process::{Command, Output};

fn nines(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nines")).args(args).current_dir(dir).output().expect("nines runs")
}

#[test]
fn new_writes_every_template_named_and_loadable() {
    let dir = tempfile::tempdir().unwrap();
    for (template, _, _) in nines::new::TEMPLATES {
        let name = format!("my-{template}");
        let out = nines(&["new", &name, "--from", template], dir.path());
        assert!(out.status.success(), "{template}: {}", String::from_utf8_lossy(&out.stderr));
        let file = dir.path().join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(&format!("name = \"{name}\"")), "{template}: not named");
        let check = nines(&["check", file.to_str().unwrap()], dir.path());
        assert!(check.status.success(), "{template}: {}", String::from_utf8_lossy(&check.stderr));
        assert!(String::from_utf8_lossy(&check.stdout).contains(&format!("scenario \"{name}\" is valid")));
    }
    // Never over an existing file, unless asked.
    let again = nines(&["new", "my-starter"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    assert!(nines(&["new", "my-starter", "--force"], dir.path()).status.success());
    let unknown = nines(&["new", "x", "--from", "nope"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("lab-web-app"), "lists the templates");
}

#[test]
fn every_command_has_examples_in_its_help() {
    let dir = tempfile::tempdir().unwrap();
    let cmd = <nines::cli::Cli as clap::CommandFactory>::command();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let out = nines(&[sub.get_name(), "--help"], dir.path());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", sub.get_name());
        assert!(text.contains("Examples:\n  "), "nines {} --help has no examples:\n{text}", sub.get_name());
    }
    let presets = nines(&["presets", "--help"], dir.path());
    let text = String::from_utf8_lossy(&presets.stdout);
    for topic in nines::presets::TOPICS {
        assert!(text.contains(&format!("  {topic} ")), "presets --help does not list {topic}:\n{text}");
    }
}

#[test]
fn completions_and_manual_pages() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = nines(&["completions", shell], dir.path());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("validate") && text.contains("report"), "{shell}");
    }
    let man = nines(&["manpage"], dir.path());
    assert!(String::from_utf8_lossy(&man.stdout).starts_with(".ie"), "roff");
    let out = nines(&["manpage", "-o", "."], dir.path());
    assert!(out.status.success());
    for page in ["nines.1", "nines-run.1", "nines-report.1", "nines-validate.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn check_shows_prices_durations_as_written_and_placement() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = nines(&["check", "scenarios/lab-web-app.toml"], root);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("t3.micro at $0.0104/h each, $15.18 a month for 2"), "{text}");
    assert!(text.contains("db.t4g.micro at $0.016/h each"), "{text}");
    assert!(text.contains("mean 4.3mo"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "[simulation]\nhorizon = \"1y\"\ntrials = 10\n[components.a]\nmttf = \"50h\"\nmttr = \"1e-9h\"\n[services.s]\nup_when = \"a\"\n",
    )
    .unwrap();
    let text = String::from_utf8_lossy(&nines(&["check", file.to_str().unwrap()], dir.path()).stdout).into_owned();
    assert!(text.contains("mean 50h") && text.contains("mean 1e-9h"), "{text}");
    assert!(text.contains("not placed in a zone") && !text.contains("anywhere"), "{text}");
}

#[test]
fn sources_are_urls_not_a_file_users_do_not_have() {
    // Everything a user reads (scenarios, presets, README, the sheets) cites
    // sources by URL; the facts file nines was built from is not shipped.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("scenarios"), root.join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "toml" || x == "md" || x == "rs") {
                files.push(p);
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for banned in ["aws-facts", "shared/facts"] {
            assert!(!text.contains(banned), "{} cites {banned}", f.display());
        }
    }
    let presets = nines::presets::render(None).unwrap();
    assert!(!presets.contains("facts"), "nines presets cites the facts file");
}
