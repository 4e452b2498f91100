//! Progress on stderr: a bar over trials and a count of events, and an
//! early warning when a run will take long.
//!
//! The bar appears only when a run is still going after [`SHOW_AFTER`] (a
//! quick run prints nothing but its report), and never when stderr is not a
//! terminal or with `--quiet`, so logs and pipes stay clean. The warning is
//! one line, printed (unless `--quiet`) even when stderr is a log: once the
//! first trials are done, if the run is projected to take longer than
//! [`WARN_AFTER`]; or, before any trial has finished, as soon as that
//! alone shows the run will take longer.
//! Events are counted by the engine as it goes (see
//! [`crate::engine::Scratch::count_events`]), so progress moves even when a
//! single trial is huge.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a run goes before its bar shows.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A run projected to last longer than this says so, with its projection.
pub const WARN_AFTER: Duration = Duration::from_secs(60);

/// How long a run goes without a finished trial before it is judged.
const FIRST_LOOK: Duration = Duration::from_secs(5);

/// Shared between the run and the thread that draws.
struct State {
    start: Instant,
    total: u64,
    trials: AtomicU64,
    /// Trials done by earlier parts of the run (a sweep's earlier values).
    base: AtomicU64,
    events: Arc<AtomicU64>,
    warned: AtomicBool,
    quiet: bool,
    label: Mutex<String>,
    bar: ProgressBar,
}

impl State {
    /// The one-line warning, if the run looks long and nothing was said yet.
    fn warn_if_long(&self) {
        if self.quiet || self.warned.load(Ordering::Relaxed) {
            return;
        }
        let elapsed = self.start.elapsed();
        let done = self.trials.load(Ordering::Relaxed);
        let events = self.events.load(Ordering::Relaxed);
        let line = if done == 0 {
            // Every trial in flight has taken at least `elapsed` so far: a
            // lower bound on the whole run, with every core busy.
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
            let at_least = self.total as f64 * elapsed.as_secs_f64() / workers;
            if elapsed < FIRST_LOOK || at_least < WARN_AFTER.as_secs_f64() {
                return;
            }
            format!(
                "note: no trial has finished after {}, so {} trials will take at least {}; {} events so far \
                 ({}/s). Look for very short durations or very high rates, or shorten the horizon or --trials",
                clock(elapsed.as_secs_f64()),
                self.total,
                clock(at_least),
                count(events as f64),
                count(events as f64 / elapsed.as_secs_f64()),
            )
        } else {
            // Projections from the first moments of a run are noise (thread
            // start-up, a busy machine): wait a little.
            let left = (self.total - done) as f64 * elapsed.as_secs_f64() / done as f64;
            if elapsed < FIRST_LOOK || left < WARN_AFTER.as_secs_f64() {
                return;
            }
            let per_trial = events as f64 / done as f64;
            let rate = events as f64 / elapsed.as_secs_f64();
            let detail = if events > 0 {
                format!("about {} events per trial at {} events/s: ", count(per_trial), count(rate))
            } else {
                String::new()
            };
            format!(
                "note: {detail}{} trials will take about {} more (use --trials to shorten)",
                self.total,
                clock(left)
            )
        };
        if !self.warned.swap(true, Ordering::Relaxed) {
            self.bar.suspend(|| crate::stdout::note(line));
        }
    }
}

/// A progress bar over `total` trials, shown after [`SHOW_AFTER`].
pub struct Progress {
    bar: ProgressBar,
    state: Arc<State>,
    stop: Option<mpsc::Sender<()>>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// A bar that shows only if `show` (not `--quiet`), stderr is a
    /// terminal and the run lasts longer than [`SHOW_AFTER`].
    pub fn new(total: u64, show: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:40} [{bar:30}] {pos}/{len} trials, {eta} left")
                .expect("valid template")
                .progress_chars("=> "),
        );
        let state = Arc::new(State {
            start: Instant::now(),
            total,
            trials: AtomicU64::new(0),
            base: AtomicU64::new(0),
            events: Arc::new(AtomicU64::new(0)),
            warned: AtomicBool::new(false),
            quiet: !show,
            label: Mutex::new(String::new()),
            bar: bar.clone(),
        });
        if !show {
            return Progress { bar, state, stop: None, ticker: None };
        }
        let (stop, wait) = mpsc::channel::<()>();
        let (shown, st) = (bar.clone(), Arc::clone(&state));
        let terminal = std::io::stderr().is_terminal();
        let ticker = std::thread::spawn(move || {
            let mut visible = false;
            loop {
                match wait.recv_timeout(Duration::from_millis(200)) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
                if terminal && !visible && st.start.elapsed() >= SHOW_AFTER {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                    visible = true;
                }
                if visible {
                    let label = st.label.lock().map(|l| l.clone()).unwrap_or_default();
                    let events = st.events.load(Ordering::Relaxed) as f64;
                    shown.set_message(format!("{label} · {} events", count(events)));
                }
                st.warn_if_long();
            }
        });
        Progress { bar, state, stop: Some(stop), ticker: Some(ticker) }
    }

    /// The counter the engine adds its events to.
    pub fn event_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.state.events)
    }

    /// Names what is running (a variant, a sweep value).
    pub fn set_message(&self, msg: impl Into<String>) {
        if let Ok(mut l) = self.state.label.lock() {
            *l = msg.into();
        }
    }

    /// Starts a new part of the run (a sweep's next value): positions
    /// given from now on count from what is done so far.
    pub fn next_part(&self) {
        self.state.base.store(self.state.trials.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// Trials done so far in this part of the run.
    pub fn set_position(&self, done: u64) {
        let done = done + self.state.base.load(Ordering::Relaxed);
        self.bar.set_position(done);
        self.state.trials.store(done, Ordering::Relaxed);
        self.state.warn_if_long();
    }

    /// Removes the bar (if it showed).
    pub fn finish(self) {
        drop(self);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(h) = self.ticker.take() {
            let _ = h.join();
        }
        self.bar.finish_and_clear();
    }
}

/// "3.2 M", "41 k", "950".
fn count(x: f64) -> String {
    match x {
        x if x >= 1e12 => format!("{:.1e}", x),
        x if x >= 1e9 => format!("{:.1} G", x / 1e9),
        x if x >= 1e6 => format!("{:.1} M", x / 1e6),
        x if x >= 1e4 => format!("{:.0} k", x / 1e3),
        x => format!("{x:.0}"),
    }
}

/// "45 s", "12 min", "3.4 h", "5.1 days".
fn clock(seconds: f64) -> String {
    match seconds {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s if s < 3.2e9 => format!("{:.1} days", s / 86_400.0),
        s => format!("{:.1e} years", s / 3.156e7),
    }
}
