//! A request prepared for deciding: what a decision needs from the request alone, whatever
//! the policy, computed once.
//!
//! That is the request's digest (SHA-256 of its canonical JSON, named in every decision),
//! its files normalized and checked (no `..`, no duplicates, counts in range) and the number
//! of directories they span (counted when a policy first reads it). None of it depends on
//! the policy, and together it is about a
//! third of the cost of a decision — the digest alone hashes the whole request. A service
//! that decides one request more than once (again as approvals arrive, against the audit
//! log's state, against more than one policy) prepares it once; [`crate::Policy::decide`] on
//! a plain [`Request`] prepares it on the way and costs the same as before.
//!
//! A [`PreparedRequest`] owns its request and hands out only `&Request`, so the digest and
//! the files can never describe a different request than the one decided.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use super::count::too_large;
use super::parse::RequestError;
use super::request::{FileStatus, Request};
use super::{normalize_path, request_digest_bytes};
use crate::eval::RequestSummary;
use crate::limits::{
    MAX_ATTRIBUTES, MAX_LINE_COUNT, MAX_REQUEST_FILES, MAX_REQUEST_LINES, MAX_USAGE_COUNT,
};
use crate::quote::{excerpt, quote};

/// A request with its digest computed and its files normalized and checked, ready to be
/// decided any number of times by [`crate::Policy::decide_prepared`].
///
/// A request whose files are wrong (a `..` path, a path listed twice) still prepares: the
/// problem is kept and every decision on it is a `block` naming it, as for a plain request.
///
/// ```
/// use gavel::{Context, Policy, PreparedRequest, Request};
///
/// let policy = Policy::from_str("policy \"p\"\ndefault auto_approve\n").unwrap();
/// let request = Request::from_json(
///     br#"{"action": "apply_patch", "actor": {"id": "agent-7", "kind": "agent"},
///          "files": [{"path": "docs/a.md", "added": 3}]}"#,
/// )
/// .unwrap();
/// let prepared = PreparedRequest::new(request.clone());
/// let context = Context::at("2026-03-01T12:00:00Z".parse().unwrap());
/// // Same decision, byte for byte, as deciding the plain request.
/// assert_eq!(
///     policy.decide_prepared(&prepared, &context),
///     policy.decide(&request, &context)
/// );
/// assert_eq!(prepared.digest(), gavel::eval::request_digest(&request));
/// ```
#[derive(Clone, Debug)]
pub struct PreparedRequest {
    request: Request,
    facts: RequestFacts<'static>,
}

impl PreparedRequest {
    /// Prepares `request`: computes its digest, normalizes and checks its files.
    pub fn new(request: Request) -> PreparedRequest {
        let facts = RequestFacts::of(&request).into_owned();
        PreparedRequest { request, facts }
    }

    /// The request.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The request's digest: SHA-256 of its canonical JSON, lowercase hex.
    pub fn digest(&self) -> &str {
        &self.facts.summary.digest
    }

    /// The request back.
    pub fn into_request(self) -> Request {
        self.request
    }

    pub(crate) fn facts(&self) -> &RequestFacts<'_> {
        &self.facts
    }
}

impl From<Request> for PreparedRequest {
    fn from(request: Request) -> PreparedRequest {
        PreparedRequest::new(request)
    }
}

/// What deciding needs from a request alone (see the module documentation). Its paths
/// borrow from the request (`'r`) when normalizing left them as they were; a
/// [`PreparedRequest`] keeps an owned copy (`'static`).
#[derive(Clone, Debug)]
pub(crate) struct RequestFacts<'r> {
    /// What every decision on the request says about it, with its digest
    /// ([`crate::eval::request_digest`]); decisions share it.
    pub summary: Arc<RequestSummary>,
    /// The digest's 32 bytes, which decision ids hash.
    pub digest_bytes: [u8; 32],
    /// The checked files, or why the request's files or counts are refused.
    files: Result<CheckedFiles<'r>, RequestError>,
}

impl<'r> RequestFacts<'r> {
    pub(crate) fn of(request: &'r Request) -> RequestFacts<'r> {
        let digest_bytes = request_digest_bytes(request);
        let digest = crate::canonical::hex_lower(&digest_bytes);
        RequestFacts {
            summary: Arc::new(RequestSummary::of(request, digest)),
            digest_bytes,
            files: check_files(request)
                .and_then(|files| check_usage(request).map(|()| files))
                .map(|files| CheckedFiles {
                    files,
                    directories: OnceLock::new(),
                }),
        }
    }

    /// The normalized files, or why the request's files (or its usage counters, which are
    /// checked with them) are refused.
    pub(crate) fn files(&self) -> Result<&CheckedFiles<'r>, &RequestError> {
        self.files.as_ref()
    }

    /// A copy that owns its paths, so that it can live next to its request.
    fn into_owned(self) -> RequestFacts<'static> {
        RequestFacts {
            summary: self.summary,
            digest_bytes: self.digest_bytes,
            files: self.files.map(|checked| CheckedFiles {
                files: checked
                    .files
                    .into_iter()
                    .map(|f| FileFacts {
                        path: Cow::Owned(f.path.into_owned()),
                        added: f.added,
                        removed: f.removed,
                        status: f.status,
                    })
                    .collect(),
                directories: checked.directories,
            }),
        }
    }
}

/// One file as rules see it: normalized path, line counts, status.
#[derive(Clone, Debug)]
pub(crate) struct FileFacts<'a> {
    pub path: Cow<'a, str>,
    pub added: u64,
    pub removed: u64,
    pub status: FileStatus,
}

/// A request's files after normalizing and checking: the old path of a rename follows its
/// new path as a deleted file of its own.
#[derive(Clone, Debug)]
pub(crate) struct CheckedFiles<'r> {
    files: Vec<FileFacts<'r>>,
    /// Counted the first time a policy reads `directories.count` (a sort of the paths).
    directories: OnceLock<u64>,
}

/// The files, as a slice.
impl<'r> std::ops::Deref for CheckedFiles<'r> {
    type Target = [FileFacts<'r>];

    fn deref(&self) -> &[FileFacts<'r>] {
        &self.files
    }
}

impl CheckedFiles<'_> {
    /// How many distinct directories hold the files (a file at the root has none).
    pub(crate) fn directories(&self) -> u64 {
        *self.directories.get_or_init(|| directories(&self.files))
    }
}

/// The number of distinct directories holding `files` (files at the root have none).
fn directories(files: &[FileFacts<'_>]) -> u64 {
    // Consecutive files often share a directory (requests list files in path order): those
    // are skipped before sorting.
    let mut dirs: Vec<&str> = Vec::with_capacity(files.len());
    for file in files {
        if let Some((dir, _)) = file.path.rsplit_once('/')
            && dirs.last() != Some(&dir)
        {
            dirs.push(dir);
        }
    }
    dirs.sort_unstable();
    dirs.dedup();
    dirs.len() as u64
}

fn err(field: impl Into<String>, message: impl Into<String>) -> RequestError {
    RequestError::field(field, message)
}

/// The request's files, normalized, each checked; the old path of a rename is listed too.
fn check_files(request: &Request) -> Result<Vec<FileFacts<'_>>, RequestError> {
    if request.files.len() > MAX_REQUEST_FILES {
        return Err(err(
            "files",
            format!(
                "{} files, more than the limit of {MAX_REQUEST_FILES}",
                request.files.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(request.files.len());
    let mut lines: u64 = 0;
    let mut seen = Seen {
        set: HashSet::new(),
        expected: request.files.len(),
        ascending: true,
    };
    for (i, file) in request.files.iter().enumerate() {
        let path = normalize_path(&file.path).map_err(|m| {
            err(
                format!("files[{i}].path"),
                format!("`{}`: {m}", excerpt(&file.path)),
            )
        })?;
        for (name, count) in [("added", file.added), ("removed", file.removed)] {
            if count > MAX_LINE_COUNT {
                return Err(err(
                    format!("files[{i}].{name}"),
                    too_large(&count, " lines", MAX_LINE_COUNT),
                ));
            }
        }
        // At most 2 * 10^9 per file and 10^5 files: no overflow.
        lines += file.added + file.removed;
        if seen.listed(&out, &path) {
            return Err(err(
                format!("files[{i}].path"),
                format!("{} appears twice", quote(&path)),
            ));
        }
        let old = match (&file.from, file.status) {
            (Some(from), FileStatus::Renamed) => Some(normalize_path(from).map_err(|m| {
                err(
                    format!("files[{i}].from"),
                    format!("`{}`: {m}", excerpt(from)),
                )
            })?),
            (None, FileStatus::Renamed) => {
                return Err(err(
                    format!("files[{i}].from"),
                    "a renamed file needs `from`, its old path",
                ));
            }
            (Some(_), _) => {
                return Err(err(
                    format!("files[{i}].from"),
                    "`from` is only for files with status `renamed`",
                ));
            }
            (None, _) => None,
        };
        out.push(FileFacts {
            path,
            added: file.added,
            removed: file.removed,
            status: file.status,
        });
        if let Some(old) = old {
            // The old path of a rename is judged too, as a deletion: moving a protected
            // file out of its directory must not escape the rule that protects it.
            if seen.listed(&out, &old) {
                return Err(err(
                    format!("files[{i}].from"),
                    format!("{} appears twice", quote(&old)),
                ));
            }
            out.push(FileFacts {
                path: old,
                added: 0,
                removed: 0,
                status: FileStatus::Deleted,
            });
        }
    }
    // `lines.changed` must be a number like every other: over the limit, deciding would fail
    // on a request that is the requester's to fix.
    if lines > MAX_REQUEST_LINES {
        return Err(err(
            "files",
            format!(
                "the files add up to {}",
                too_large(&lines, " lines added and removed", MAX_REQUEST_LINES)
            ),
        ));
    }
    Ok(out)
}

/// Checks the request's usage counters: each must be a number (reading a request refuses
/// larger ones already; a request built in code, or from `gavel eval --usage`, is checked
/// here). With them, what reading a document refuses in the request's maps and its license
/// claim, held for a request built in code too: at most [`MAX_ATTRIBUTES`] attributes and
/// usage counters, and keys and license fields within `MAX_STRING_BYTES` and without a
/// NUL byte. Checked once per request, whatever the policy.
fn check_usage(request: &Request) -> Result<(), RequestError> {
    for (field, entries) in [
        ("attributes", request.attribute_map().len()),
        ("usage", request.usage.as_map().len()),
    ] {
        if entries > MAX_ATTRIBUTES {
            return Err(err(
                field,
                format!("{entries} entries, more than the limit of {MAX_ATTRIBUTES}"),
            ));
        }
    }
    let text = crate::eval::check_string_lazy;
    for name in request.attribute_map().keys() {
        text(&|| format!("attributes.{}", excerpt(name)), name)?;
    }
    for (name, &count) in request.usage.as_map() {
        text(&|| format!("usage.{}", excerpt(name)), name)?;
        if count > MAX_USAGE_COUNT {
            return Err(err(
                format!("usage.{name}"),
                too_large(&count, "", MAX_USAGE_COUNT),
            ));
        }
    }
    if let Some(license) = &request.license {
        text(&|| "license.tier".to_string(), &license.tier)?;
        if let Some(org) = &license.org {
            text(&|| "license.org".to_string(), org)?;
        }
    }
    Ok(())
}

/// The paths already listed, to refuse a path listed twice.
struct Seen<'a> {
    /// Filled only once there are more than [`Seen::SCAN_UP_TO`] paths. SipHash, not a
    /// faster unkeyed hash: the paths come from the request, and colliding keys chosen by a
    /// requester would make this check quadratic.
    set: HashSet<Cow<'a, str>>,
    /// How many paths to make room for then.
    expected: usize,
    /// Whether each path listed so far sorts after the one before it (byte order). While it
    /// holds, a path that sorts after the last one cannot be among them: no lookup, no hash.
    /// Requests from git list their files sorted, so large ones usually never hash at all.
    ascending: bool,
}

impl<'a> Seen<'a> {
    /// Up to this many paths, comparing with each listed one costs less than hashing.
    const SCAN_UP_TO: usize = 16;

    /// Whether `path` is already among `listed` (every path listed so far, in order).
    // A `Cow` rather than a `&str`: the set keeps a clone of it, which is only a borrow when
    // normalizing did not rewrite the path.
    #[allow(clippy::ptr_arg)]
    fn listed(&mut self, listed: &[FileFacts<'a>], path: &Cow<'a, str>) -> bool {
        if self.ascending {
            match listed.last() {
                Some(last) if *last.path >= **path => self.ascending = false,
                _ => return false,
            }
        }
        if listed.len() <= Self::SCAN_UP_TO {
            return listed.iter().any(|f| f.path == *path);
        }
        if self.set.is_empty() {
            self.set.reserve(self.expected.max(listed.len() + 1));
            self.set.extend(listed.iter().map(|f| f.path.clone()));
        }
        !self.set.insert(path.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{ActorKind, FileChange, request_digest};

    fn file(path: &str) -> FileChange {
        FileChange {
            path: path.into(),
            added: 1,
            removed: 2,
            status: FileStatus::Modified,
            from: None,
        }
    }

    fn request(files: Vec<FileChange>) -> Request {
        let mut r = Request::minimal("apply_patch", "a", ActorKind::Agent);
        r.files = files;
        r
    }

    #[test]
    fn files_are_normalized_and_renames_list_their_old_path() {
        let mut renamed = file("src/new.rs");
        renamed.status = FileStatus::Renamed;
        renamed.from = Some("./src\\old.rs".into());
        let r = request(vec![file("./docs/a.md"), renamed, file("README.md")]);
        let facts = RequestFacts::of(&r);
        let files = facts.files().unwrap();
        let listed: Vec<(String, u64, u64, FileStatus)> = files
            .iter()
            .map(|f| (f.path.to_string(), f.added, f.removed, f.status))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("docs/a.md".into(), 1, 2, FileStatus::Modified),
                ("src/new.rs".into(), 1, 2, FileStatus::Renamed),
                ("src/old.rs".into(), 0, 0, FileStatus::Deleted),
                ("README.md".into(), 1, 2, FileStatus::Modified),
            ]
        );
        // `docs` and `src`; README.md is at the root.
        assert_eq!(files.directories(), 2);
        assert_eq!(facts.summary.digest, request_digest(&r));
        assert_eq!(hex::encode(facts.digest_bytes), facts.summary.digest);
    }

    #[test]
    fn a_path_listed_twice_is_refused_whether_or_not_the_paths_come_sorted() {
        let sorted: Vec<FileChange> = (0..40).map(|i| file(&format!("d{i:02}/f"))).collect();
        let mut shuffled = sorted.clone();
        shuffled.swap(3, 30);
        for listed in [sorted, shuffled] {
            let r = request(listed.clone());
            assert_eq!(RequestFacts::of(&r).files().unwrap().len(), 40);
            // Again as the last path, again right after itself, and again after a rename
            // whose old path breaks the order.
            let mut renamed = file("zz/new");
            renamed.status = FileStatus::Renamed;
            renamed.from = Some("a/old".into());
            for (extra, field) in [
                (vec![file("d07/f")], "files[40].path"),
                (vec![file("d39/f")], "files[40].path"),
                (vec![renamed.clone(), file("d20/f")], "files[41].path"),
                (vec![renamed, file("a/old")], "files[41].path"),
            ] {
                let mut files = listed.clone();
                files.extend(extra);
                let r = request(files);
                let facts = RequestFacts::of(&r);
                let error = facts.files().unwrap_err();
                assert_eq!(error.field.as_deref(), Some(field));
                assert!(error.message.contains("appears twice"), "{}", error.message);
            }
        }
    }

    #[test]
    fn a_refused_file_is_kept_as_the_error_every_decision_names() {
        let many: Vec<FileChange> = (0..40).map(|i| file(&format!("d{i}/f"))).collect();
        let mut twice = many.clone();
        twice.push(file("./d7/f"));
        for (files, field, message) in [
            (vec![file("a/../b")], "files[0].path", "`..`"),
            (twice, "files[40].path", "appears twice"),
            (vec![file("a"), file("a")], "files[1].path", "appears twice"),
        ] {
            let r = request(files);
            let facts = RequestFacts::of(&r);
            let error = facts.files().unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field));
            assert!(error.message.contains(message), "{}", error.message);
        }
    }

    #[test]
    fn a_prepared_request_gives_back_the_request_it_was_made_from() {
        let r = request(vec![file("docs/a.md")]);
        let prepared = PreparedRequest::from(r.clone());
        assert_eq!(prepared.request(), &r);
        assert_eq!(prepared.digest(), request_digest(&r));
        assert_eq!(prepared.into_request(), r);
    }
}
