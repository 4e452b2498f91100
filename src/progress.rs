//! The progress bar on stderr. It appears only when a run is still going
//! after [`SHOW_AFTER`] (a quick run prints nothing but its report), and
//! never when stderr is not a terminal or with `--quiet`, so logs and pipes
//! stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a run goes before its bar shows.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar over `total` trials, shown after [`SHOW_AFTER`].
pub struct Progress {
    bar: ProgressBar,
    stop: Option<mpsc::Sender<()>>,
    reveal: Option<JoinHandle<()>>,
}

impl Progress {
    /// A bar that shows only if `show` (not `--quiet`), stderr is a
    /// terminal and the run lasts longer than [`SHOW_AFTER`].
    pub fn new(total: u64, show: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:16} [{bar:30}] {pos}/{len} trials, {eta} left")
                .expect("valid template")
                .progress_chars("=> "),
        );
        if !show || !std::io::stderr().is_terminal() {
            return Progress { bar, stop: None, reveal: None };
        }
        let (stop, wait) = mpsc::channel::<()>();
        let shown = bar.clone();
        let reveal = std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(SHOW_AFTER) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress { bar, stop: Some(stop), reveal: Some(reveal) }
    }

    /// Names what is running (a variant, a sweep value).
    pub fn set_message(&self, msg: impl Into<String>) {
        self.bar.set_message(msg.into());
    }

    /// Trials done so far, over the whole run.
    pub fn set_position(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Removes the bar (if it showed).
    pub fn finish(self) {
        drop(self);
    }

    fn stop_reveal(&mut self) {
        drop(self.stop.take());
        if let Some(h) = self.reveal.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_reveal();
        self.bar.finish_and_clear();
    }
}
