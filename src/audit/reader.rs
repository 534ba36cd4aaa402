//! Reading records in order, verified or not.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use super::chain::{Anomaly, Chain, Fault};
use super::error::AuditError;
use super::key::KeyRing;
use super::lines::LineReader;
use super::record::{Line, Record};
use super::tamper::{Finding, TamperKind};
use super::verify::{VerifyOptions, verify_path};

/// The records of a log in order. With a key ring every MAC and link is checked and the
/// first failure ends the iteration with an error (the verifier's account of it); without
/// one, records are parsed but not authenticated.
pub struct Records {
    path: PathBuf,
    reader: LineReader<File>,
    chain: Option<Chain>,
    done: bool,
    /// Whether any record was read: a log always holds at least its genesis record.
    any: bool,
    /// The `seq` the next record should have, as far as the records read so far say: what
    /// a finding names when the chain is not checked (no key ring).
    next_seq: u64,
}

impl Records {
    /// Reads the log at `path`; `ring` verifies MACs when given.
    pub fn open(path: &Path, ring: Option<KeyRing>) -> Result<Records, AuditError> {
        let file = File::open(path).map_err(|e| AuditError::io(path, &e))?;
        Ok(Records {
            path: path.to_path_buf(),
            reader: LineReader::new(file, 0),
            chain: ring.map(Chain::new),
            done: false,
            any: false,
            next_seq: 0,
        })
    }

    /// The error for a file without a single complete record.
    fn not_a_log(&self, bytes: u64) -> AuditError {
        super::writer::not_a_log(&self.path, bytes)
    }

    fn fail(&mut self, fallback: Finding) -> Option<Result<Record, AuditError>> {
        self.done = true;
        let ring = self.chain.as_ref().map(|c| c.ring().clone());
        let finding = ring
            .and_then(|ring| verify_path(&self.path, &ring, VerifyOptions::default()).ok())
            .and_then(|r| r.finding)
            .unwrap_or(fallback);
        Some(Err(AuditError::Tampered(Box::new(finding))))
    }
}

impl Iterator for Records {
    type Item = Result<Record, AuditError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let raw = match self.reader.next_line() {
            Ok(Some(raw)) if raw.complete => raw,
            // An incomplete last line (a crashed writer; `verify` reports it) — unless it
            // is all there is: then the file is not a log.
            Ok(Some(raw)) => {
                let bytes = raw.len;
                self.done = true;
                return (!self.any).then(|| Err(self.not_a_log(bytes)));
            }
            // The end. (A log opened but never written is empty: no records, no error.)
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                return Some(Err(AuditError::io(&self.path, &e)));
            }
        };
        let fallback = Finding {
            kind: TamperKind::Malformed,
            seq: self.chain.as_ref().map_or(self.next_seq, |c| c.next_seq),
            line: raw.number,
            detail: "the line does not verify".into(),
        };
        if raw.too_long {
            let finding = Finding {
                detail: "the line is longer than the record size limit".into(),
                ..fallback
            };
            return self.fail(finding);
        }
        let line = match Line::parse(raw.bytes) {
            Ok(line) => line,
            Err(why) => {
                let finding = Finding {
                    detail: why,
                    ..fallback
                };
                return self.fail(finding);
            }
        };
        if let Some(chain) = self.chain.as_mut() {
            match chain.accept(&line) {
                Ok(()) => {}
                Err(Fault::Fatal(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Err(Fault::Anomaly(Anomaly::Malformed(why) | Anomaly::ForgedRotation(why))) => {
                    let finding = Finding {
                        detail: why,
                        ..fallback
                    };
                    return self.fail(finding);
                }
                Err(Fault::Anomaly(_)) => return self.fail(fallback),
            }
        }
        match line.to_record() {
            Ok(record) => {
                self.any = true;
                self.next_seq = record.seq.saturating_add(1);
                Some(Ok(record))
            }
            Err(why) => {
                let finding = Finding {
                    detail: why,
                    ..fallback
                };
                self.fail(finding)
            }
        }
    }
}

/// The last `n` complete records of the log (not authenticated), and the offset just past
/// the last complete line (where `--follow` continues). Reads backwards from the end, so
/// the cost does not grow with the log.
pub fn last_records(path: &Path, n: usize) -> Result<(Vec<Record>, u64), AuditError> {
    let mut file = File::open(path).map_err(|e| AuditError::io(path, &e))?;
    let len = file.metadata().map_err(|e| AuditError::io(path, &e))?.len();
    let mut end = len;
    let mut tail: Vec<u8> = Vec::new();
    const STEP: u64 = 64 * 1024;
    // Bytes of complete lines end at the last newline.
    let mut complete_end: Option<u64> = None;
    loop {
        let start = end.saturating_sub(STEP);
        let mut chunk = vec![0u8; (end - start) as usize];
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.read_exact(&mut chunk))
            .map_err(|e| AuditError::io(path, &e))?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        if complete_end.is_none()
            && let Some(pos) = memchr::memrchr(b'\n', &tail)
        {
            complete_end = Some(start + pos as u64 + 1);
        }
        let newlines = memchr::memchr_iter(b'\n', &tail).count();
        if start == 0 || newlines > n || tail.len() > 64 << 20 {
            let complete_end = complete_end.unwrap_or(0);
            let body_end = (complete_end.saturating_sub(start)) as usize;
            let body = tail.get(..body_end).unwrap_or(&[]);
            let mut lines: Vec<&[u8]> = body
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .collect();
            if start > 0 && !lines.is_empty() {
                // The first piece may be a partial line.
                lines.remove(0);
            }
            let skip = lines.len().saturating_sub(n);
            let mut records = Vec::new();
            for bytes in lines.into_iter().skip(skip) {
                match parse_record(bytes) {
                    Ok(record) => records.push(record),
                    Err(why) => {
                        // Where the line starts in the file, from where it lies in `body`.
                        let at = start + (bytes.as_ptr() as usize - body.as_ptr() as usize) as u64;
                        let line =
                            line_number(&mut file, at).map_err(|e| AuditError::io(path, &e))?;
                        // `why` may say "not a valid record" itself.
                        let why = why.strip_prefix("not a valid record: ").unwrap_or(&why);
                        return Err(AuditError::Malformed(format!(
                            "{}: line {line} is not a valid record: {why}",
                            path.display()
                        )));
                    }
                }
            }
            return Ok((records, complete_end));
        }
        end = start;
    }
}

/// One line of the log (without its newline) as a record, not authenticated, or why it is
/// none.
pub(crate) fn parse_record(bytes: &[u8]) -> Result<Record, String> {
    Line::parse(bytes).and_then(|l| l.to_record())
}

/// The 1-based number of the line starting at byte `offset`: the newlines before it, plus
/// one. Only for naming a bad line in an error, so reading from the start is fine.
fn line_number(file: &mut File, offset: u64) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(0))?;
    let mut before = file.take(offset);
    let mut buf = vec![0u8; 64 * 1024];
    let mut newlines = 0u64;
    loop {
        let n = before.read(&mut buf)?;
        if n == 0 {
            return Ok(newlines + 1);
        }
        newlines += memchr::memchr_iter(b'\n', buf.get(..n).unwrap_or_default()).count() as u64;
    }
}
