//! Output files, written whole or not at all: the content goes to a
//! temporary file (`.nines-XXXXXX`) in the destination's folder, which is
//! then renamed over the destination, so a reader never sees half a report.
//!
//! What the destination is decides how it is written:
//! - a symbolic link is followed, and its target replaced (the link stays a
//!   link, as with any editor's save);
//! - something that is not a regular file (a device, a FIFO, a socket) is
//!   written directly, never replaced: renaming over `/dev/null` would
//!   replace the device (as root), and over a FIFO would leave its reader
//!   waiting;
//! - `/dev/stdout` (or `/dev/fd/1`, `/proc/self/fd/1`) is nines' own
//!   standard output, written through the same writer as the report so the
//!   two come out in order; `/dev/stderr` likewise.
//!
//! Every temporary file is listed in a registry while it exists. On SIGINT
//! or SIGTERM ([`remove_temporary_files_on_signals`]) the files listed are
//! removed before the process ends the way the signal asks, so an
//! interrupted run leaves no `.nines-*` file; the destinations keep their
//! previous content. [`write_all_atomic`] writes every temporary file of a
//! batch before renaming any, so the window in which an interruption leaves
//! some files new and some old is a few renames.

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary files that exist right now. Locked while one is created
/// and registered, or renamed and unregistered, so the signal handler sees
/// every file that exists.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Symbolic links followed before giving up (a loop).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_all_atomic(&[(path.to_owned(), bytes.to_vec())])
}

/// Writes each `(path, bytes)`: first every temporary file, then every
/// rename, so that a failure or an interruption before the renames leaves
/// all previous files as they were.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        match destination(path)? {
            Destination::Direct(target) => write_direct(path, &target, bytes)?,
            Destination::Stdout => crate::stdout::print_bytes(bytes)?,
            Destination::Stderr => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
            Destination::Replace(target) => staged.push((path, stage(path, &target, bytes)?)),
        }
    }
    for (path, temp) in staged {
        temp.persist().map_err(|source| Error::Io { path: path.clone(), source })?;
    }
    Ok(())
}

/// Writes to `path` what `write` produces, streamed (memory does not hold
/// the whole file), with the same guarantees as [`write_atomic`]: a
/// regular file is replaced whole or not at all.
pub fn write_streamed(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    match destination(path)? {
        Destination::Direct(target) => {
            let f = std::fs::OpenOptions::new().write(true).open(&target).map_err(io)?;
            let mut w = std::io::BufWriter::new(f);
            write(&mut w).and_then(|()| w.flush()).map_err(io)
        }
        Destination::Stdout => {
            let mut out = std::io::stdout().lock();
            write(&mut out).and_then(|()| out.flush()).map_err(crate::stdout::error)
        }
        Destination::Stderr => {
            let _ = write(&mut std::io::stderr().lock());
            Ok(())
        }
        Destination::Replace(target) => {
            let staged = stage_with(path, &target, write)?;
            staged.persist().map_err(io)
        }
    }
}

/// How a path is written.
enum Destination {
    /// Replace this regular file (or create it).
    Replace(PathBuf),
    /// Open this existing non-regular file and write into it.
    Direct(PathBuf),
    /// nines' own standard output.
    Stdout,
    /// nines' own standard error.
    Stderr,
}

/// Follows symbolic links from `path` to what should be written.
fn destination(path: &Path) -> Result<Destination, Error> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        match current.to_str() {
            Some("/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1") => return Ok(Destination::Stdout),
            Some("/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2") => return Ok(Destination::Stderr),
            _ => {}
        }
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Destination::Replace(current)),
            Err(e) => return Err(io(e)),
        };
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&current).map_err(io)?;
            current = match current.parent() {
                Some(dir) if target.is_relative() => dir.join(target),
                _ => target,
            };
            continue;
        }
        return Ok(if meta.is_file() { Destination::Replace(current) } else { Destination::Direct(current) });
    }
    Err(io(std::io::Error::other(format!("more than {MAX_LINKS} symbolic links (a loop?)"))))
}

/// Writes into an existing file that is not a regular one.
fn write_direct(path: &Path, target: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let mut f = std::fs::OpenOptions::new().write(true).open(target).map_err(io)?;
    f.write_all(bytes).and_then(|()| f.flush()).map_err(io)
}

/// A registered temporary file beside its destination; removed (and
/// unregistered) when dropped unless persisted.
struct Staged {
    file: Option<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl Staged {
    /// Renames the temporary file over its destination.
    fn persist(mut self) -> Result<(), std::io::Error> {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        let file = self.file.take().expect("persisted once");
        let temp = file.path().to_owned();
        let result = file.persist(&self.target).map(|_| ()).map_err(|e| e.error);
        live.retain(|p| p != &temp);
        result
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
            live.retain(|p| p != file.path());
            drop(file); // removes it
        }
    }
}

/// Writes `bytes` to a new registered temporary file beside `target`.
fn stage(path: &Path, target: &Path, bytes: &[u8]) -> Result<Staged, Error> {
    stage_with(path, target, |w| w.write_all(bytes))
}

/// Writes what `write` produces to a new registered temporary file beside
/// `target`.
fn stage_with(
    path: &Path,
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, Error> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".nines-");
    // Like any file a program creates (0666 less the umask), not the
    // owner-only 0600 of a temporary file: reports and charts get shared.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let staged = {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        let file = builder.tempfile_in(dir).map_err(io)?;
        live.push(file.path().to_owned());
        Staged { file: Some(file), target: target.to_owned() }
    };
    let f = staged.file.as_ref().expect("just created").as_file();
    let mut w = std::io::BufWriter::new(f);
    write(&mut w).and_then(|()| w.flush()).map_err(io)?;
    drop(w);
    f.sync_all().map_err(io)?;
    Ok(staged)
}

/// On SIGINT or SIGTERM, removes every temporary file that exists, then
/// ends the process as the signal would have (so a shell sees "interrupted").
/// Call once, early, from the command line's entry point.
pub fn remove_temporary_files_on_signals() -> Result<(), Error> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Error::Runtime(format!("cannot watch for interruptions: {e}")))?;
    std::thread::Builder::new()
        .name("nines-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process ends: no temporary file is created
                // or renamed after this point.
                let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
                for temp in live.iter() {
                    let _ = std::fs::remove_file(temp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        })
        .map_err(|e| Error::Runtime(format!("cannot watch for interruptions: {e}")))?;
    Ok(())
}

/// The temporary files that exist now (for tests).
pub fn live_temporary_files() -> Vec<PathBuf> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
