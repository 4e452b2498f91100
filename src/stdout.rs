//! What commands print: the report on standard output, notes on standard
//! error, without the panics of `print!` and `eprintln!`.
//!
//! Standard output closed by the reader (`nines timeline … | head -1`) is
//! not an error: the reader has what it wanted, so the command ends quietly
//! with exit code 0, as ripgrep and other filters do ([`Error::ClosedOutput`]).
//! Any other failure to write it (a full disk, `> /dev/full`) is an error
//! with exit code 1. Notes on standard error are dropped when standard error
//! cannot take them: they are never worth failing a run for.

use crate::error::Error;
use std::fmt::Display;
use std::io::{self, Write};

/// Writes `text` to standard output, whole, and flushes it.
pub fn print(text: &str) -> Result<(), Error> {
    print_bytes(text.as_bytes())
}

/// Writes `bytes` to standard output, whole, and flushes it (an output
/// file named `/dev/stdout` goes here).
pub fn print_bytes(bytes: &[u8]) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(error)
}

/// The error a failed write to standard output stands for.
pub fn error(e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Error::ClosedOutput
    } else {
        Error::Io { path: "standard output".into(), source: e }
    }
}

/// A line on standard error (a note, a warning, an error message); lost if
/// standard error cannot take it.
pub fn note(line: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}
