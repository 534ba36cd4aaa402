//! Reading an input from outside whole, up to a limit, without reading a larger one first:
//! a request, a credential, an override, a test file. A file the file system says is too
//! large is refused by its size; anything else (stdin, a device, a file that grew) is read
//! only up to one byte over the limit, so that `/dev/zero` ends.

use std::io::Read as _;

/// The size of `file` when it is a regular file (a device or a pipe reports no useful size).
pub fn regular_file_size(file: &std::fs::File) -> Option<u64> {
    file.metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
}

/// Reads `input` whole when it is at most `max` bytes; over the limit, the inner error says
/// so, naming the input as `what` ("the request is N bytes, ...") or, without one, starting
/// at the size ("N bytes, more than the limit of M", as a malformed approval says). `size` is the input's size when the file system knows it: then an
/// over-size input is not read at all. The outer error is a failure to read.
pub fn read_bounded(
    input: impl std::io::Read,
    size: Option<u64>,
    max: usize,
    what: Option<&str>,
) -> std::io::Result<Result<Vec<u8>, String>> {
    let subject = what.map(|w| format!("{w} is ")).unwrap_or_default();
    let too_large = |size: Option<u64>| match size {
        Some(n) if n > max as u64 => {
            format!("{subject}{n} bytes, more than the limit of {max}")
        }
        _ => format!("{subject}more than {max} bytes, the limit"),
    };
    if size.is_some_and(|n| n > max as u64) {
        return Ok(Err(too_large(size)));
    }
    let mut buf = Vec::new();
    input.take(max as u64 + 1).read_to_end(&mut buf)?;
    Ok(if buf.len() > max {
        Err(too_large(None))
    } else {
        Ok(buf)
    })
}

/// Reads the file at `path` whole when it is at most `max` bytes ([`read_bounded`]; the
/// inner error starts at the size). A device or pipe (`/dev/zero`, a FIFO, `<(...)`) is read
/// only up to one byte over the limit, where reading a path whole would never end.
pub fn read_file_bounded(
    path: &std::path::Path,
    max: usize,
) -> std::io::Result<Result<Vec<u8>, String>> {
    let file = std::fs::File::open(path)?;
    let size = regular_file_size(&file);
    read_bounded(file, size, max, None)
}
