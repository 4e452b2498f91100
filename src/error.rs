//! Errors and the exit codes they map to.
//!
//! A scenario error always says where (file, line, column), which field (its
//! path, such as `components.db.mttr`) and what rule was broken, so a
//! workshop participant can fix the file without reading nines' source.

use std::fmt;
use std::path::PathBuf;

/// A problem in a scenario file, located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The scenario file.
    pub file: PathBuf,
    /// 1-based line of the offending value (or of the nearest enclosing one).
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Dotted field path, e.g. `components.db.mttr`; empty for syntax errors.
    pub path: String,
    /// The variant the error arises in, when it arises only there.
    pub variant: Option<String>,
    /// What rule was broken, and what was expected.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.col)?;
        if let Some(v) = &self.variant {
            write!(f, "in variant {v:?}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// Every way a nines command can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario is malformed or impossible.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Anything else that went wrong while running.
    #[error("{0}")]
    Runtime(String),
    /// Standard output was closed by its reader (`| head`): the command
    /// stops, quietly and successfully, since nobody reads the rest.
    #[error("standard output closed")]
    ClosedOutput,
    /// A rare-event estimate failed its diagnostics: the report says "no
    /// reliable estimate" instead of a number, and the command fails.
    #[error("{0}")]
    Unreliable(String),
}

impl Error {
    /// Exit code: 2 for bad input (scenario or command line), 1 for failures
    /// while running, 3 when an estimate was refused as unreliable, 0 when
    /// the reader closed standard output.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario(_) | Error::Usage(_) => 2,
            Error::Io { .. } | Error::Runtime(_) => 1,
            Error::Unreliable(_) => 3,
            Error::ClosedOutput => 0,
        }
    }

    /// Whether the user should be told (not for a closed standard output).
    pub fn is_quiet(&self) -> bool {
        matches!(self, Error::ClosedOutput)
    }
}

thread_local! {
    /// Where in nines' source each scenario rule broken on this thread was
    /// checked, in order (see [`rules_broken`]).
    static RULES_BROKEN: std::cell::RefCell<Vec<&'static std::panic::Location<'static>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Records that the rule checked at `site` was broken. Cheap, and only on
/// the error path.
pub(crate) fn note_rule_broken(site: &'static std::panic::Location<'static>) {
    RULES_BROKEN.with(|r| r.borrow_mut().push(site));
}

/// The source locations (`file`, `line`) of the scenario rules broken on
/// this thread since the last call, and forgets them. The test suite uses
/// it to prove that every rule has a fixture that breaks it.
pub fn rules_broken() -> Vec<(&'static str, u32)> {
    RULES_BROKEN.with(|r| r.borrow_mut().drain(..).map(|l| (l.file(), l.line())).collect())
}
