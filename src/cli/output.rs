//! Writing to stdout and stderr without panicking.
//!
//! `outln!` panics when stdout cannot be written (a full disk, a closed pipe: `gavel test |
//! head -1`), and a panic exits 101, a code the README does not document. Everything the
//! CLI prints goes through [`outln!`], [`out!`] and [`errln!`] instead: a failed write to
//! stdout is remembered, nothing more is written there, and [`super::run`] ends with one
//! line on stderr and exit 1 — the caller did not get what it asked for, so it must not read
//! success (for `gavel eval`, the decision it did not see). A failed write to stderr has
//! nowhere to be reported and is dropped.

use std::fmt;
use std::io::Write;
use std::sync::Mutex;

/// Why stdout could not be written, once it could not.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

fn failed() -> Option<String> {
    FAILED
        .lock()
        .map(|f| f.clone())
        .unwrap_or_else(|e| e.into_inner().clone())
}

fn record(error: std::io::Error) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    failed.get_or_insert_with(|| error.to_string());
}

/// Writes `args` to stdout, unless an earlier write failed.
pub(crate) fn write_out(args: fmt::Arguments<'_>) {
    if failed().is_some() {
        return;
    }
    if let Err(error) = std::io::stdout().lock().write_fmt(args) {
        record(error);
    }
}

/// Whether a write to stderr failed.
static STDERR_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes `args` to stderr. A failure cannot be reported (there is nowhere left to say it),
/// but it is remembered for the commands whose report is on stderr ([`stderr_failed`]).
pub(crate) fn write_err(args: fmt::Arguments<'_>) {
    if std::io::stderr().lock().write_fmt(args).is_err() {
        STDERR_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether anything written to stderr failed to arrive: for `gavel check`, whose human
/// report is its stderr, that is output that could not be written (exit 1).
pub(crate) fn stderr_failed() -> bool {
    STDERR_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Prints `error: MESSAGE` on stderr, on one line: a message may quote outside text (a
/// path, a member name a file holds, a value), escaped so that it cannot forge output lines
/// or reach the terminal as escape sequences ([`crate::quote::one_line`]).
pub(crate) fn print_error(message: &dyn fmt::Display) {
    write_err(format_args!(
        "error: {}\n",
        crate::quote::one_line(&message.to_string())
    ));
}

/// Flushes stdout and says whether everything written there arrived: `Err` with why not.
pub(crate) fn finish() -> Result<(), String> {
    if failed().is_none()
        && let Err(error) = std::io::stdout().lock().flush()
    {
        record(error);
    }
    match failed() {
        Some(why) => Err(why),
        None => Ok(()),
    }
}
