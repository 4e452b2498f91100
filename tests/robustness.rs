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

/// Runs `args` with standard output a pipe whose reader has already gone:
/// `head -c 0` exits at once, and nines starts half a second later, so
/// every write fails with EPIPE. Returns nines' exit code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rc = dir.path().join("rc");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "(sleep 0.5; '{}' {} 2>'{}/stderr'; echo $? > '{}') | head -c 0",
        env!("CARGO_BIN_EXE_nines"),
        quoted.join(" "),
        dir.path().display(),
        rc.display()
    );
    let status = Command::new("sh").arg("-c").arg(&script).current_dir(env!("CARGO_MANIFEST_DIR")).status();
    assert!(status.expect("sh runs").success());
    let code = std::fs::read_to_string(&rc).expect("exit code").trim().parse().ok();
    (code, std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default())
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
        let (code, stderr) = with_closed_stdout(args);
        assert_eq!(code, Some(0), "nines {args:?}: exit code; stderr: {stderr}");
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

// ---------------------------------------------------------------------------
// Figures stay finite, and probabilities read right.

/// Table, CSV and JSON of a run: no `inf`, no `NaN`, no JSON null.
fn assert_finite(r: &nines::report::Report, what: &str) {
    let s_names: Vec<String> = Vec::new();
    let table = nines::report::table::render(r);
    nines::probe::no_non_finite(what, &table, &s_names).unwrap_or_else(|b| panic!("{}", b.0));
    let csv = nines::report::csv::summary(r).expect("csv");
    nines::probe::no_non_finite(what, &String::from_utf8_lossy(&csv), &s_names).unwrap_or_else(|b| panic!("{}", b.0));
    nines::probe::no_non_finite(what, &r.to_json(), &s_names).unwrap_or_else(|b| panic!("{}", b.0));
    assert_eq!(nines::probe::non_finite_field(r), None, "{what}: a figure is not finite (JSON null)");
}

/// Every probability cell in a table: none rounded to 100% with decimals
/// (exactly 1 prints as "100%"), no bound above 100% or below 0%.
fn assert_probabilities_read_right(table: &str, what: &str) {
    for bad in ["> 100", "< 0%", "100.0", "[100", ", 100]"] {
        assert!(!table.contains(bad), "{what}: the table shows {bad:?}:\n{table}");
    }
}

#[test]
fn shipped_scenarios_report_finite_figures_and_possible_probabilities() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("scenarios").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for file in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let opts =
            nines::runner::RunOptions { file: file.clone(), trials: Some(3000), quiet: true, ..Default::default() };
        let (_, r) = nines::runner::simulate(&opts, None).expect("shipped scenarios run");
        assert_finite(&r, &file.display().to_string());
        assert_probabilities_read_right(&nines::report::table::render(&r), &file.display().to_string());
    }
}

/// Every price, cost and size at its largest allowed value, and a service
/// down most of the time: every figure is still a finite number.
#[test]
fn the_largest_inputs_give_finite_figures() {
    let text = r#"
[simulation]
horizon = "1y"
trials = 600
[targets]
slo = "99.9%"
rto = "1h"
rpo = "1m"
downtime_cost_per_hour = 1e12
[costs]
other = 1e12
[components.web]
count = 1000
mttf = "1h"
mttr = "1000000000000y"
hourly_usd = 1e12
monthly_usd = 1e12
[buckets.b]
class = "standard"
size = "18EB"
objects = 9223372036854775807
region = "r"
price_per_gb_month = 1e12
[regions.r]
zones = ["z"]
[stores.db]
size = "18EB"
change_rate = "18EB/ms"
zone = "z"
loss = { rate = "100/y" }
backups = [{ every = "1h", throughput = "1B/y", monthly_usd = 1e12 }]
recovery = { restore_throughput = "1B/y" }
monthly_usd = 1e12
[services.app]
up_when = { all = [{ at_least = 1, of = ["web"] }, "b", "db"] }
"#;
    let s = nines::scenario::load_str(Path::new("largest.toml"), text, &[]).unwrap_or_else(|e| panic!("{e}"));
    let m = &s.variants[0];
    let stats = nines::runner::run(m, &|_| {});
    let v = nines::report::VariantReport::new(m, &stats);
    let r = nines::report::Report::new(&s, "largest.toml", vec![v], Vec::new(), Default::default());
    assert_finite(&r, "largest inputs");
}

#[test]
fn a_price_that_would_overflow_is_refused() {
    let out = run(&["check", "tests/fixtures/errors/price_too_large.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("price_too_large.toml:6:26: targets.downtime_cost_per_hour: is too large"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Output files: links, devices, FIFOs, interruptions.

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo runs").success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".nines-"))
        .collect()
}

const QUICK: [&str; 4] = ["run", "--quiet", "--trials", "200"];

#[test]
fn a_symlink_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("real.json");
    std::fs::write(&real, "old").expect("write");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).expect("symlink");
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink("sub/made.csv", &dangling).expect("symlink");
    let mut args = QUICK.to_vec();
    let (l, d) = (link.to_str().expect("utf-8"), dangling.to_str().expect("utf-8"));
    args.extend(["scenarios/two-of-three.toml", "--json", l, "--csv", d]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(&real).expect("target").contains("\"variants\""), "the target was not written");
    assert!(std::fs::symlink_metadata(&dangling).expect("link").file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.path().join("sub/made.csv")).expect("made").contains("two-of-three"));
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn devices_and_fifos_are_written_directly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("report.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the FIFO"))
    };
    let mut args = QUICK.to_vec();
    args.extend(["scenarios/two-of-three.toml", "--json", fifo.to_str().expect("utf-8"), "--csv", "/dev/null"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(reader.join().expect("reader").contains("\"variants\""), "the FIFO's reader got no JSON");
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").expect("/dev/null").file_type().is_char_device(), "/dev/null replaced");
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn dev_stdout_follows_the_report_on_standard_output() {
    let mut args = QUICK.to_vec();
    args.extend(["scenarios/two-of-three.toml", "--json", "/dev/stdout"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let table = text.find("downtime h/yr").expect("the table");
    let json = text.find("\"variants\"").expect("the JSON");
    assert!(table < json, "{text}");
}

/// `--plots DIR` draws every chart before replacing any. A FIFO standing
/// where the second chart goes blocks nines after the first chart's
/// temporary files are written; SIGINT then must remove them and leave the
/// previous first chart as it was.
#[test]
fn an_interrupted_run_leaves_the_previous_charts_and_no_temporary_file() {
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = dir.path().join("downtime-distribution.png");
        std::fs::write(&first, "previous chart").expect("write");
        mkfifo(&dir.path().join("variants-compared.png"));
        let mut args = QUICK.to_vec();
        args.extend(["scenarios/two-of-three.toml", "--plots", dir.path().to_str().expect("utf-8")]);
        let mut child = nines().args(&args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn");
        let start = std::time::Instant::now();
        while temporaries(dir.path()).len() < 2 {
            if start.elapsed().as_secs() > 120 {
                let _ = child.kill(); // blocked on the FIFO
                panic!("SIG{signal}: nines never staged the first chart");
            }
            assert!(child.try_wait().expect("wait").is_none(), "nines ended before blocking on the FIFO");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let pid = child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill").success());
        let status = child.wait().expect("wait");
        use std::os::unix::process::ExitStatusExt;
        assert!(status.signal().is_some(), "SIG{signal}: nines should end as interrupted, got {status}");
        assert_eq!(temporaries(dir.path()), Vec::<String>::new(), "SIG{signal}: temporary files left");
        assert_eq!(std::fs::read_to_string(&first).expect("first chart"), "previous chart", "SIG{signal}");
        assert!(!dir.path().join("downtime-by-cause.png").exists(), "SIG{signal}: a later chart was written");
    }
}

// ---------------------------------------------------------------------------
// Inputs the fuzz target found a defect with, kept as regressions.

/// Every file in `tests/fixtures/fuzz/` goes through the fuzz target's
/// checks (`nines::probe`) without breaking any.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz findings") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("UTF-8");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if let Err(b) = nines::probe::probe(&name, &text, nines::probe::Limits::default()) {
            panic!("{name}: {}", b.0);
        }
        n += 1;
    }
    assert!(n >= 1, "no fuzz findings in {}", dir.display());
}

#[test]
fn a_run_that_cannot_finish_soon_says_so_early() {
    // One-second failures and repairs over a century: about 3e9 events a
    // trial. No trial finishes within the first seconds, which alone shows
    // the run will take long: nines says so on stderr (a pipe here, not a
    // terminal) without waiting for it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slow.toml");
    std::fs::write(
        &file,
        "[simulation]\nhorizon = \"100y\"\ntrials = 1000\n[components.x]\nmttf = \"1s\"\nmttr = \"1s\"\n[services.s]\nup_when = \"x\"\n",
    )
    .unwrap();
    let mut child =
        nines().args(["run", file.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(30));
    child.kill().unwrap();
    let _ = child.wait();
    let line = line.expect("a note within 30 s");
    assert!(line.starts_with("note: no trial has finished after"), "{line}");
    assert!(line.contains("1000 trials will take at least") && line.contains("events so far"), "{line}");
}
