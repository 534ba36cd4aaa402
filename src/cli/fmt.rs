//! `gavel fmt`: rewrite policies in the canonical layout, or check that they are.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diagnostic::render_human;
use crate::load::{discover_policies, gavel_files, read_source};
use crate::source::SourceSet;

/// Arguments of `gavel fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Policy directory (or a directory of policy directories).
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Do not write; print a diff and exit 1 when anything would change.
    #[arg(long)]
    check: bool,
}

/// Exit code 0 when every file is (now) formatted, 1 on errors or, with `--check`, changes.
pub fn run(args: &FmtArgs) -> u8 {
    let dirs = match discover_policies(&args.policies) {
        Ok(d) => d,
        Err(e) => {
            crate::cli::output::print_error(&e);
            return 1;
        }
    };
    let mut failed = false;
    let mut changed = 0usize;
    for dir in dirs {
        let files = match gavel_files(&dir) {
            Ok(f) => f,
            Err(e) => {
                crate::cli::output::print_error(&e);
                failed = true;
                continue;
            }
        };
        for path in files {
            match format_one(&path, args.check) {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(message) => {
                    err!("{message}");
                    failed = true;
                }
            }
        }
    }
    if args.check {
        if changed > 0 {
            errln!("{changed} file(s) would be reformatted; run `gavel fmt`");
            return 1;
        }
    } else if changed > 0 {
        errln!("reformatted {changed} file(s)");
    }
    u8::from(failed)
}

/// Formats one file; returns whether it changed (or would change).
fn format_one(path: &Path, check: bool) -> Result<bool, String> {
    let name = path.display().to_string();
    let text =
        read_source(path).map_err(|d| render_human(&SourceSet::new(), std::slice::from_ref(&d)))?;
    let formatted = crate::fmt::format_source(&name, &text).map_err(|diagnostics| {
        let mut sources = SourceSet::new();
        sources.add(name.clone(), text.clone());
        render_human(&sources, &diagnostics)
    })?;
    if formatted == text {
        return Ok(false);
    }
    if check {
        // The diff shows policy text: its hidden characters (E0008) as placeholders, the
        // file name escaped, as diagnostics show them.
        let diff = unified_diff(
            &crate::quote::one_line(&name),
            &crate::diagnostic::visible(&text),
            &crate::diagnostic::visible(&formatted),
        );
        out!("{diff}");
        return Ok(true);
    }
    write_atomically(path, &formatted).map_err(|e| format!("error: {name}: {e}\n"))?;
    Ok(true)
}

/// A unified diff of `old` → `new`.
///
/// The diff search gives up after [`DIFF_TIMEOUT`] and shows a coarser (still correct) diff:
/// Myers' algorithm takes time proportional to the lines times the differences, so a large
/// file whose every line changes took minutes (found by QA: 1 MB of `let aN=1` lines, which
/// `gavel fmt --check` in CI would run into on every push).
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (current)"), &format!("{name} (formatted)"))
        .to_string()
}

/// How long [`unified_diff`] searches for the smallest diff of one file.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Writes through a temporary file in the same directory and renames it into place, so an
/// interrupted write never leaves a half-written policy. A symlink is followed: the file it
/// points to is rewritten and the link stays (renaming over the link replaced it with a
/// copy, and the shared file it pointed to was left unformatted).
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = std::fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("policy");
    let tmp = dir.join(format!(".{file_name}.gavel-fmt.tmp"));
    std::fs::write(&tmp, text)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, metadata.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
