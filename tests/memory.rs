//! Memory does not grow with the number of trials: 10 000 000 trials of the
//! 2-of-3 model run in well under 100 MB peak resident memory.
//!
//! Peak RSS is the process's high-water mark (`VmHWM` in /proc/self/status,
//! Linux only; elsewhere the tests only run the trials). The 10 M-trial run
//! takes 12 s on an idle 2-core machine (up to 18 s while a build runs next
//! to it), so it is `#[ignore]`d:
//!
//! ```text
//! cargo test --release --test memory -- --ignored --nocapture
//! ```
//!
//! The quick test below runs by default: it checks that going from 100 000
//! to 1 000 000 trials does not raise the peak at all (beyond allocator
//! noise), which is the property that makes 10 M (or 1 G) trials fit.
//!
//! The tests of this file share one process, hence one high-water mark, so
//! they take a lock and run one at a time.

use nines::model::Model;
use std::path::Path;
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Peak resident set size of this process, in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

fn two_of_three(trials: u64) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two-of-three.toml");
    let mut model = nines::scenario::load(&path).expect("shipped scenario").variants.remove(0);
    model.trials = trials;
    model
}

/// Runs `trials` trials on the global pool; returns the peak RSS after it.
fn run(trials: u64) -> Option<u64> {
    let model = two_of_three(trials);
    let started = std::time::Instant::now();
    let stats = nines::runner::run(&model, &|_| {});
    assert_eq!(stats.trials, trials);
    // The closed form 3a² − 2a³ with a = 1000/1010 gives 2.573 h a year.
    let mean = stats.downtime.mean();
    assert!((mean - 2.573).abs() < 0.1, "mean downtime {mean} h/y");
    let peak = peak_rss();
    eprintln!(
        "{trials} trials in {:.1} s on {} threads: peak RSS {}",
        started.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
        peak.map_or("unknown".into(), |p| format!("{:.1} MB", p as f64 / 1e6))
    );
    peak
}

#[test]
fn peak_memory_does_not_grow_with_trials() {
    let _lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let small = run(100_000);
    let large = run(1_000_000);
    if let (Some(small), Some(large)) = (small, large) {
        // Ten times the trials: same chunks, same batch size, same merge.
        assert!(
            large < small + 2 * 1024 * 1024,
            "peak RSS {small} bytes after 100 000 trials, {large} after 1 000 000"
        );
        assert!(large < 100 * 1024 * 1024, "peak RSS {large} bytes");
    }
}

#[test]
#[ignore = "10 M trials take 12-18 s on 2 cores; run with --ignored"]
fn ten_million_trials_under_100_mb() {
    let _lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(peak) = run(10_000_000) {
        assert!(peak < 100 * 1024 * 1024, "peak RSS {peak} bytes for 10 000 000 trials");
    }
}
