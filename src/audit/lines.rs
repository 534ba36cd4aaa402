//! Reading a log line by line with a bound on line length.
//!
//! A line longer than [`crate::limits::MAX_LOG_RECORD_BYTES`] is
//! reported as too long and skipped without being held in memory; a final fragment without a
//! newline is reported as incomplete (a torn tail).

use std::io::Read;

use crate::limits::MAX_LOG_RECORD_BYTES;

/// One line of the log.
#[derive(Debug)]
pub(crate) struct RawLine<'a> {
    /// The bytes without the newline (empty when `too_long`).
    pub bytes: &'a [u8],
    /// Byte offset of the line's start in the file.
    pub offset: u64,
    /// Length including the newline, if there was one.
    pub len: u64,
    /// 1-based line number (counted from where reading started).
    pub number: u64,
    /// The line ends with a newline.
    pub complete: bool,
    /// The line is longer than the limit; its bytes were skipped.
    pub too_long: bool,
}

/// Splits a byte stream into lines.
pub(crate) struct LineReader<R> {
    source: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    offset: u64,
    number: u64,
    eof: bool,
    limit: usize,
}

const CHUNK: usize = 1 << 20;

impl<R: Read> LineReader<R> {
    /// Reads from `source`, whose first byte is at `offset` in the file.
    pub(crate) fn new(source: R, offset: u64) -> Self {
        Self::sized(source, offset, CHUNK as u64)
    }

    /// Like [`LineReader::new`] for a source of about `expected` bytes: the buffer starts
    /// no larger than needed.
    pub(crate) fn sized(source: R, offset: u64, expected: u64) -> Self {
        let capacity = usize::try_from(expected.saturating_add(1))
            .unwrap_or(CHUNK)
            .clamp(256, CHUNK);
        LineReader {
            source,
            buf: vec![0; capacity],
            start: 0,
            end: 0,
            offset,
            number: 0,
            eof: false,
            limit: MAX_LOG_RECORD_BYTES,
        }
    }

    #[cfg(test)]
    fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Bytes consumed so far, as a file offset.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Reads more bytes after the unconsumed ones; false at end of input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(self.limit + CHUNK);
            self.buf.resize(grown.max(self.buf.len() + 1), 0);
        }
        loop {
            let target = self.buf.get_mut(self.end..).unwrap_or_default();
            match self.source.read(target) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next line, or `None` at end of input.
    pub(crate) fn next_line(&mut self) -> std::io::Result<Option<RawLine<'_>>> {
        let mut scanned = 0;
        let mut skipped: u64 = 0;
        loop {
            let window = self.buf.get(self.start + scanned..self.end).unwrap_or(&[]);
            if let Some(pos) = memchr::memchr(b'\n', window) {
                let line_end = self.start + scanned + pos;
                let start = self.start;
                self.start = line_end + 1;
                let len = skipped + (line_end + 1 - start) as u64;
                let offset = self.offset;
                self.offset += len;
                self.number += 1;
                if skipped > 0 || line_end - start > self.limit {
                    return Ok(Some(RawLine {
                        bytes: &[],
                        offset,
                        len,
                        number: self.number,
                        complete: true,
                        too_long: true,
                    }));
                }
                return Ok(Some(RawLine {
                    bytes: self.buf.get(start..line_end).unwrap_or(&[]),
                    offset,
                    len,
                    number: self.number,
                    complete: true,
                    too_long: false,
                }));
            }
            // `fill` moves the unconsumed bytes to the front, so `scanned` stays relative
            // to `start`.
            scanned = self.end - self.start;
            if scanned > self.limit {
                // Too long: drop what we hold and keep looking for the newline.
                skipped += scanned as u64;
                self.start = self.end;
                scanned = 0;
            }
            if !self.fill()? {
                let rest = (self.end - self.start) as u64 + skipped;
                if rest == 0 {
                    return Ok(None);
                }
                let start = self.start;
                self.start = self.end;
                let offset = self.offset;
                self.offset += rest;
                self.number += 1;
                let too_long = skipped > 0;
                return Ok(Some(RawLine {
                    bytes: if too_long {
                        &[]
                    } else {
                        self.buf.get(start..self.end).unwrap_or(&[])
                    },
                    offset,
                    len: rest,
                    number: self.number,
                    complete: false,
                    too_long,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], limit: usize) -> Vec<(String, u64, bool, bool)> {
        let mut reader = LineReader::new(input, 0).with_limit(limit);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().unwrap() {
            out.push((
                String::from_utf8_lossy(line.bytes).into_owned(),
                line.offset,
                line.complete,
                line.too_long,
            ));
        }
        out
    }

    #[test]
    fn splits_lines_and_reports_a_torn_tail() {
        assert_eq!(
            collect(b"a\nbc\nde", 100),
            vec![
                ("a".into(), 0, true, false),
                ("bc".into(), 2, true, false),
                ("de".into(), 5, false, false)
            ]
        );
        assert!(collect(b"", 100).is_empty());
    }

    #[test]
    fn long_lines_are_skipped_not_held() {
        let mut input = b"ok\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 50));
        input.extend(b"\nafter\n");
        input.extend(std::iter::repeat_n(b'y', 30));
        let lines = collect(&input, 10);
        assert_eq!(lines[0], ("ok".into(), 0, true, false));
        assert_eq!(lines[1], ("".into(), 3, true, true));
        assert_eq!(lines[2], ("after".into(), 54, true, false));
        assert_eq!(lines[3], ("".into(), 60, false, true));
    }
}
