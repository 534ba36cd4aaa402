//! Writing output files safely.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Creates `path` with `text`, refusing to overwrite, through a temporary file renamed into
/// place so no partial file is ever left behind.
pub fn write_new(path: &Path, text: &str) -> Result<(), String> {
    stage_new(path, text)?.commit()
}

/// A new file written in full (and fsynced) under a temporary name beside its destination,
/// not yet in place. It exists so that a command can do what must come first — record a
/// credential in the audit log — between writing the file and publishing it: a failure in
/// between leaves no file behind (dropping a `Staged` removes the temporary file).
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    path: PathBuf,
}

/// Writes `text` to a temporary file beside `path`, refusing when `path` already exists;
/// [`Staged::commit`] puts it in place.
pub fn stage_new(path: &Path, text: &str) -> Result<Staged, String> {
    if path.exists() {
        return Err(format!(
            "`{}` already exists; refusing to overwrite",
            crate::cli::shown_path(path)
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let staged = Staged {
        tmp: dir.join(format!(".{name}.{}.tmp", std::process::id())),
        path: path.to_path_buf(),
    };
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&staged.tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    // On error `staged` is dropped here, removing whatever was written.
    result
        .map(|()| staged)
        .map_err(|e| format!("cannot write `{}`: {e}", crate::cli::shown_path(path)))
}

impl Staged {
    /// Puts the file in place (a hard link, so an existing file is never replaced).
    pub fn commit(self) -> Result<(), String> {
        std::fs::hard_link(&self.tmp, &self.path)
            .map_err(|e| format!("cannot write `{}`: {e}", crate::cli::shown_path(&self.path)))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Committed or not, the temporary name goes: the file lives on under `path` when
        // the link was made.
        let _ = std::fs::remove_file(&self.tmp);
    }
}
