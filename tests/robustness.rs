//! Robustness: inputs and environments at their extremes. A structure as
//! deep as memory allows, standard output closed or full, seeds over the
//! whole u64 range, output paths that are links, devices or FIFOs, and
//! interrupted runs. Each test drives the built binary where the behaviour
//! is the process's (exit codes, signals, file descriptors).

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The binary, run from the crate root.
fn nines() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nines"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    nines().args(args).output().expect("nines runs")
}

/// A chain of `n` services, `s0` uses `s1` … uses component `x`.
fn chain(n: usize) -> String {
    let mut t =
        String::from("[simulation]\nhorizon = \"1y\"\ntrials = 2\n[components.x]\nmttf = \"1000h\"\nmttr = \"1h\"\n");
    for i in 0..n {
        let next = if i + 1 < n { format!("s{}", i + 1) } else { "x".to_owned() };
        t.push_str(&format!("[services.s{i}]\nup_when = \"{next}\"\n"));
    }
    t
}

// ---------------------------------------------------------------------------
// Deep structures.

/// Compiling, describing and simulating a 100 000-deep chain of services
/// needs no deeper call stack than a test thread's 2 MiB: every walk over
/// the structure is iterative.
#[test]
fn a_chain_of_100000_services_loads_prints_and_runs() {
    let n = 100_000;
    let s = nines::scenario::load_str(Path::new("chain.toml"), &chain(n), &[]).expect("the chain loads");
    let m = &s.variants[0];
    assert_eq!(m.service, "s0");
    assert_eq!(m.gates.len(), n, "one gate per service");
    let text = nines::report::check::render(&s, "chain.toml");
    let lines = text.lines().filter(|l| l.contains(": all of 1")).count();
    assert_eq!(lines, n, "one tree line per service");
    // Lines stay short however deep the chain: the indent stops growing.
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest < 200, "a tree line is {widest} characters wide");
    assert!(text.contains("(level 99999) s99999: all of 1"), "deep levels are numbered");
    let stats = nines::runner::run(m, &|_| {});
    assert_eq!(stats.trials, 2);
}

/// The binary too (its main thread has a larger stack, so this is the
/// command a user runs rather than a stronger check).
#[test]
fn check_and_run_survive_a_deep_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("chain.toml");
    std::fs::write(&file, chain(100_000)).expect("write");
    let file = file.to_str().expect("utf-8 path");
    for args in [&["check", file][..], &["run", "--quiet", "--trials", "3", file]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(0), "nines {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A service reached along several paths is spelled out once: the tree of
/// a ladder of 40 shared services is 40-odd lines, not 2^40.
#[test]
fn a_shared_service_prints_once() {
    let mut t =
        String::from("[simulation]\nhorizon = \"1y\"\ntrials = 2\n[components.x]\nmttf = \"1000h\"\nmttr = \"1h\"\n");
    let n = 40;
    for i in 0..n {
        let next = if i + 1 < n { format!("s{}", i + 1) } else { "x".to_owned() };
        let alt = if i + 1 < n { format!("{{ all = [\"{next}\"] }}") } else { "\"x\"".to_owned() };
        if i + 1 < n {
            t.push_str(&format!("[services.s{i}]\nup_when = {{ any = [\"{next}\", {alt}] }}\n"));
        } else {
            t.push_str(&format!("[services.s{i}]\nup_when = \"x\"\n"));
        }
    }
    let s = nines::scenario::load_str(Path::new("ladder.toml"), &t, &[]).expect("the ladder loads");
    let text = nines::report::check::render(&s, "ladder.toml");
    assert!(text.lines().count() < 10 * n, "{} lines", text.lines().count());
    assert!(text.contains("s2: as above"), "{text}");
}

// ---------------------------------------------------------------------------
// Standard output closed or full.

/// Runs `args` with standard output the write end of a pipe whose read end
/// is already closed: every write fails with EPIPE.
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    nines().args(args).stdout(writer).stderr(Stdio::piped()).output().expect("nines runs")
}

#[test]
fn a_closed_stdout_ends_quietly_and_successfully() {
    let dir = tempfile::tempdir().expect("temp dir");
    let long = dir.path().join("century.toml");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two-of-three.toml"))
        .expect("shipped scenario");
    std::fs::write(&long, text.replace("horizon = \"8760h\"", "horizon = \"100y\"")).expect("write");
    let plots = dir.path().to_str().expect("utf-8");
    let long = long.to_str().expect("utf-8");
    for args in [
        &["check", "scenarios/two-of-three.toml"][..],
        &["presets"],
        &["run", "--quiet", "--trials", "500", "scenarios/two-of-three.toml"],
        &["timeline", "--quiet", "--trials", "5", "--plots", plots, long],
    ] {
        let out = with_closed_stdout(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "nines {args:?}: exit code; stderr: {stderr}");
        assert!(stderr.is_empty(), "nines {args:?}: should say nothing, said: {stderr}");
    }
}

#[test]
fn a_full_stdout_is_an_error_with_exit_1() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let out = nines().args(["check", "scenarios/two-of-three.toml"]).stdout(full).output().expect("nines runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.starts_with("error: standard output: No space left on device"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Seeds over the whole u64 range.

fn json_of(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("r.json");
    let mut all = args.to_vec();
    all.extend(["--quiet", "--json", json.to_str().expect("utf-8")]);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "nines {all:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(&std::fs::read_to_string(&json).expect("json written")).expect("json parses")
}

#[test]
fn seeds_of_2_pow_63_and_above_work_from_the_command_line_and_the_file() {
    for seed in [1u64 << 63, u64::MAX] {
        let from_flag =
            json_of(&["run", "scenarios/two-of-three.toml", "--trials", "300", "--seed", &seed.to_string()]);
        assert_eq!(from_flag["seed"].as_u64(), Some(seed));
        // The same seed written in the file as a string of digits.
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("s.toml");
        let text = std::fs::read_to_string("scenarios/two-of-three.toml")
            .or_else(|_| {
                std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two-of-three.toml"))
            })
            .expect("shipped scenario");
        std::fs::write(&file, text.replace("seed = 42", &format!("seed = \"{seed}\""))).expect("write");
        let from_file = json_of(&["run", file.to_str().expect("utf-8"), "--trials", "300"]);
        assert_eq!(from_file["seed"].as_u64(), Some(seed));
        assert_eq!(from_flag["variants"], from_file["variants"], "seed {seed}: flag and file differ");
    }
    // And the seed matters: the two top seeds give different years.
    let a = json_of(&["run", "scenarios/two-of-three.toml", "--trials", "300", "--seed", &(1u64 << 63).to_string()]);
    let b = json_of(&["run", "scenarios/two-of-three.toml", "--trials", "300", "--seed", &u64::MAX.to_string()]);
    assert_ne!(a["variants"][0]["downtime_hours"], b["variants"][0]["downtime_hours"]);
}

#[test]
fn a_bad_seed_on_the_command_line_names_the_flag_not_the_file() {
    for bad in ["18446744073709551616", "-1", "x"] {
        let out = run(&["run", "--quiet", "scenarios/two-of-three.toml", "--seed", bad]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--seed {bad}: {stderr}");
        assert!(stderr.contains("--seed") || stderr.contains("'-1'"), "--seed {bad}: {stderr}");
        assert!(!stderr.contains("two-of-three.toml:"), "--seed {bad} blamed on the file: {stderr}");
    }
}
