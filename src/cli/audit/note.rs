//! `gavel audit note`.

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;

use clap::Args;

use super::{LogArgs, fail};
use crate::audit::Entry;
use crate::keys::PrivateKey;
use crate::sign::Signer;

/// Arguments of `gavel audit note`.
#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The note's text.
    #[arg(required_unless_present = "stdin")]
    text: Option<String>,
    /// Append one note per line of stdin instead, each stored (fsynced) before the next is
    /// read; prints `stored seq N` after each.
    #[arg(long, conflicts_with = "text")]
    stdin: bool,
    /// Who writes the note.
    #[arg(long = "as", value_name = "ID")]
    by: Option<String>,
    /// Sign the notes with this private key.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    #[command(flatten)]
    log: LogArgs,
}

/// Appends notes; prints `stored seq N` once each is durable.
pub fn run(args: &NoteArgs) -> u8 {
    // Checked before the log is opened (which creates a missing log): a blank note records
    // nothing anyone can read, as blank lines on `--stdin` are skipped for the same reason.
    if !args.stdin && args.text.as_deref().is_none_or(crate::quote::says_nothing) {
        return fail("the note is empty: give the text to record");
    }
    // `--as` names who wrote it: an empty or invisible author is no author.
    if let Some(by) = args
        .by
        .as_deref()
        .filter(|by| crate::quote::says_nothing(by))
    {
        return fail(format!(
            "--as {} names nobody; give your id, or leave --as out",
            crate::quote::quote(by)
        ));
    }
    let mut log = match args.log.open() {
        Ok(log) => log,
        Err(e) => return fail(e),
    };
    if let Some(path) = &args.key {
        match PrivateKey::load(path) {
            Ok(key) => log = log.with_signer(Signer::new(key)),
            Err(e) => return fail(e),
        }
    }
    let store = |text: String| -> Result<u64, String> {
        let entry = Entry::note(text, args.by.clone()).map_err(|e| e.to_string())?;
        let receipt = log.append(entry).map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "stored seq {}", receipt.seq)
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
        Ok(receipt.seq)
    };
    if !args.stdin {
        return match store(args.text.clone().unwrap_or_default()) {
            Ok(_) => 0,
            Err(e) => fail(e),
        };
    }
    for line in std::io::stdin().lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => return fail(format!("stdin: {e}")),
        };
        if crate::quote::says_nothing(&line) {
            continue;
        }
        if let Err(e) = store(line) {
            return fail(e);
        }
    }
    0
}
