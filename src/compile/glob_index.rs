//! The glob index: which globs of the policy a request's file path matches.
//!
//! globset answers this with several strategies run one after the other on every path
//! (literal, prefix and suffix automata, extensions, a regex set). Most globs in policies have
//! one of a few everyday shapes ([`crate::glob::shape`]), each a test on the path's directory
//! and name: those are put in hash tables keyed by the text they need, so a path costs a few
//! lookups — one for the whole path, one per enclosing directory, one for its directory's
//! wildcard names, one per distinct prefix or suffix length of the `**/` names, and, for
//! `W/**` and `**/D/**`, a byte test per directory name (a lookup when it passes). Only
//! globs of other shapes go to a globset (built only when there are some).
//!
//! Only for normalized paths (request file paths after validation): on those the shapes mean
//! what [`crate::glob::reference_match`] means. Arbitrary strings tested against a set still
//! go through the policy's full globset.

use globset::{GlobSet, GlobSetBuilder};

use super::CompileError;
use super::key_table::{ByteSet, KeyTable};
use super::str_hash::StrMap;
use crate::glob::shape::{Name, Shape, Wild};

/// Glob ids (positions in the policy's list of all globs) by shape.
#[derive(Debug, Default)]
pub(crate) struct GlobIndex {
    /// Whole paths.
    paths: KeyTable<Vec<usize>>,
    /// `D/**`, by `D`.
    inside: KeyTable<Vec<usize>>,
    /// Wildcard names directly in a directory, by directory (`""` for the root).
    in_directory: KeyTable<Vec<(Wild, usize)>>,
    /// `**/name`, by name.
    names: KeyTable<Vec<usize>>,
    /// `**/prefix*suffix` with a prefix, by prefix.
    by_prefix: Affixes,
    /// `**/*suffix`, by suffix.
    by_suffix: Affixes,
    /// `W/**` and `**/D/**`: paths inside directories named a certain way; boxed, being rare.
    inside_named: Option<Box<InsideNamed>>,
    /// `**`.
    everything: Vec<usize>,
    /// Globs of no shape, and their ids.
    rest: Option<(GlobSet, Vec<usize>)>,
    /// How many globs the index holds.
    globs: usize,
}

/// `**/` wildcard names keyed by their prefix or their suffix, with the distinct key lengths
/// to try.
#[derive(Debug, Default)]
struct Affixes {
    lengths: Vec<usize>,
    /// The bytes names must start with (prefix keys) or end with (suffix keys) to have a key.
    /// Keys are never empty: `**/*` is `**`.
    edges: ByteSet,
    table: StrMap<Vec<(Wild, usize)>>,
}

impl Affixes {
    fn add(&mut self, key: &str, from_start: bool, wild: Wild, id: usize) {
        if !self.lengths.contains(&key.len()) {
            self.lengths.push(key.len());
        }
        let bytes = key.as_bytes();
        if let Some(&edge) = if from_start {
            bytes.first()
        } else {
            bytes.last()
        } {
            self.edges.insert(edge);
        }
        self.table.entry(key.into()).or_default().push((wild, id));
    }

    /// Ids of the globs matching `name`, keyed by its start (`from_start`) or its end.
    ///
    /// Inlined: for most names the byte at the edge turns them away, and that test costs
    /// less than the call.
    #[inline(always)]
    fn matches(&self, name: &str, from_start: bool, hits: &mut Vec<usize>) {
        let bytes = name.as_bytes();
        let edge = if from_start {
            bytes.first()
        } else {
            bytes.last()
        };
        if edge.is_some_and(|&b| self.edges.contains(b)) {
            self.lookup(name, from_start, hits);
        }
    }

    /// [`Affixes::matches`] for a name whose edge byte is the edge of some key.
    #[inline(never)]
    fn lookup(&self, name: &str, from_start: bool, hits: &mut Vec<usize>) {
        for &len in &self.lengths {
            let key = if from_start {
                name.get(..len)
            } else {
                name.len().checked_sub(len).and_then(|at| name.get(at..))
            };
            if let Some(candidates) = key.and_then(|k| self.table.get(k)) {
                hits.extend(
                    candidates
                        .iter()
                        .filter(|(wild, _)| wild.matches(name))
                        .map(|&(_, id)| id),
                );
            }
        }
    }
}

/// Segment names (exact, or one `*`) keyed for lookup: by the whole name, by prefix, by
/// suffix, and `*` itself.
#[derive(Debug, Default)]
struct SegmentNames {
    exact: KeyTable<Vec<usize>>,
    by_prefix: Affixes,
    by_suffix: Affixes,
    any: Vec<usize>,
}

impl SegmentNames {
    fn add(&mut self, name: Name, id: usize) {
        match name {
            Name::Exact(name) => self.exact.entry(&name).push(id),
            Name::Wild(wild) if wild.prefix.is_empty() && wild.suffix.is_empty() => {
                self.any.push(id)
            }
            Name::Wild(wild) if wild.prefix.is_empty() => {
                let suffix = wild.suffix.clone();
                self.by_suffix.add(&suffix, false, wild, id);
            }
            Name::Wild(wild) => {
                let prefix = wild.prefix.clone();
                self.by_prefix.add(&prefix, true, wild, id);
            }
        }
    }

    fn matches(&self, segment: &str, hits: &mut Vec<usize>) {
        if let Some(ids) = self.exact.get(segment) {
            push_ids(hits, ids);
        }
        self.by_prefix.matches(segment, true, hits);
        self.by_suffix.matches(segment, false, hits);
        push_ids(hits, &self.any);
    }
}

/// `W/**` (a root directory named like `W`) and `**/D/**` (a directory at any depth named
/// like `D`).
#[derive(Debug, Default)]
struct InsideNamed {
    root: SegmentNames,
    anywhere: SegmentNames,
    /// A screen in front of both, as [`Affixes`] has: the first bytes of exact names and
    /// prefixes, the last bytes of suffixes, and whether some name is `*`. Most directories
    /// of most paths pass none of it, and skip both tables.
    firsts: ByteSet,
    lasts: ByteSet,
    any: bool,
}

impl InsideNamed {
    fn add(&mut self, root: bool, name: Name, id: usize) {
        match &name {
            Name::Exact(s) => s.bytes().take(1).for_each(|b| self.firsts.insert(b)),
            Name::Wild(w) if !w.prefix.is_empty() => {
                w.prefix.bytes().take(1).for_each(|b| self.firsts.insert(b))
            }
            Name::Wild(w) if !w.suffix.is_empty() => w
                .suffix
                .bytes()
                .last()
                .into_iter()
                .for_each(|b| self.lasts.insert(b)),
            Name::Wild(_) => self.any = true,
        }
        match root {
            true => self.root.add(name, id),
            false => self.anywhere.add(name, id),
        }
    }

    /// Whether `segment` might match a name of either table.
    #[inline(always)]
    fn may_match(&self, segment: &str) -> bool {
        let bytes = segment.as_bytes();
        self.any
            || bytes.first().is_some_and(|&b| self.firsts.contains(b))
            || bytes.last().is_some_and(|&b| self.lasts.contains(b))
    }

    /// Ids of the globs that `path` is inside a directory of: `ends` are the positions of its
    /// slashes, the ends of its directories, outermost first.
    fn matches(&self, path: &str, ends: impl Iterator<Item = usize>, hits: &mut Vec<usize>) {
        let mut start = 0;
        for end in ends {
            if let Some(segment) = path.get(start..end)
                && self.may_match(segment)
            {
                if start == 0 {
                    self.root.matches(segment, hits);
                }
                self.anywhere.matches(segment, hits);
            }
            start = end + 1;
        }
    }
}

/// Collects the globs of a policy, in id order, into a [`GlobIndex`].
#[derive(Default)]
pub(crate) struct GlobIndexBuilder {
    index: GlobIndex,
    rest: Option<(GlobSetBuilder, Vec<usize>)>,
    next_id: usize,
}

impl GlobIndexBuilder {
    /// Adds the next glob: `pattern` as written, and `glob` as built for globset.
    pub(crate) fn add(&mut self, pattern: &str, glob: globset::Glob) {
        let id = self.next_id;
        self.next_id += 1;
        let Some(shapes) = crate::glob::shape::shapes(pattern) else {
            let (builder, ids) = self
                .rest
                .get_or_insert_with(|| (GlobSetBuilder::new(), Vec::new()));
            builder.add(glob);
            ids.push(id);
            return;
        };
        let index = &mut self.index;
        for shape in shapes {
            match shape {
                Shape::Path(path) => index.paths.entry(&path).push(id),
                Shape::Inside(dir) => index.inside.entry(&dir).push(id),
                Shape::InDirectory { dir, name } => index.in_directory.entry(&dir).push((name, id)),
                Shape::Anywhere(Name::Exact(name)) => index.names.entry(&name).push(id),
                Shape::Anywhere(Name::Wild(wild)) if wild.prefix.is_empty() => {
                    let suffix = wild.suffix.clone();
                    index.by_suffix.add(&suffix, false, wild, id);
                }
                Shape::Anywhere(Name::Wild(wild)) => {
                    let prefix = wild.prefix.clone();
                    index.by_prefix.add(&prefix, true, wild, id);
                }
                Shape::InsideRootWild(wild) => index
                    .inside_named
                    .get_or_insert_with(Box::default)
                    .add(true, Name::Wild(wild), id),
                Shape::InsideAnywhere(name) => index
                    .inside_named
                    .get_or_insert_with(Box::default)
                    .add(false, name, id),
                Shape::Everything => index.everything.push(id),
            }
        }
    }

    pub(crate) fn build(mut self) -> Result<GlobIndex, CompileError> {
        self.index.globs = self.next_id;
        if let Some((builder, ids)) = self.rest {
            let set = builder
                .build()
                .map_err(|e| CompileError(format!("cannot build the glob set: {e}")))?;
            self.index.rest = Some((set, ids));
        }
        Ok(self.index)
    }
}

impl GlobIndex {
    /// Whether the index holds no glob (no path matches anything).
    pub(crate) fn is_empty(&self) -> bool {
        self.globs == 0
    }

    /// Replaces `hits` with the ids of the globs `path` matches (in no particular order,
    /// possibly repeated). `path` must be normalized.
    pub(crate) fn matches_into(&self, path: &str, hits: &mut Vec<usize>) {
        match &self.rest {
            Some((set, ids)) => {
                set.matches_into(path, hits);
                for hit in hits.iter_mut() {
                    *hit = ids.get(*hit).copied().unwrap_or(usize::MAX);
                }
            }
            None => hits.clear(),
        }
        // Where the `/`s are, in one pass: the ends of the enclosing directories.
        let mut slashes = [0usize; 16];
        let mut depth = 0;
        let mut deep = false;
        let mut last_slash = None;
        for_each_slash(path.as_bytes(), |i| {
            match slashes.get_mut(depth) {
                Some(slot) => *slot = i,
                None => deep = true,
            }
            depth += 1;
            last_slash = Some(i);
        });
        let (dir, name) = match last_slash {
            Some(at) => (
                path.get(..at).unwrap_or(""),
                path.get(at + 1..).unwrap_or(""),
            ),
            None => ("", path),
        };
        if let Some(ids) = self.paths.get(path) {
            push_ids(hits, ids);
        }
        if deep {
            // More directories than positions kept: walk up from the end instead.
            let mut enclosing = dir;
            while !enclosing.is_empty() {
                if let Some(ids) = self.inside.get(enclosing) {
                    push_ids(hits, ids);
                }
                enclosing = enclosing.rsplit_once('/').map_or("", |(parent, _)| parent);
            }
        } else {
            for &end in slashes.get(..depth).unwrap_or(&[]) {
                if let Some(ids) = path.get(..end).and_then(|d| self.inside.get(d)) {
                    push_ids(hits, ids);
                }
            }
        }
        if let Some(wilds) = self.in_directory.get(dir) {
            hits.extend(
                wilds
                    .iter()
                    .filter(|(wild, _)| wild.matches(name))
                    .map(|&(_, id)| id),
            );
        }
        if let Some(ids) = self.names.get(name) {
            push_ids(hits, ids);
        }
        self.by_prefix.matches(name, true, hits);
        self.by_suffix.matches(name, false, hits);
        if let Some(named) = &self.inside_named {
            match deep {
                false => named.matches(path, slashes.iter().take(depth).copied(), hits),
                true => named.matches(
                    path,
                    path.bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'/')
                        .map(|(i, _)| i),
                    hits,
                ),
            }
        }
        push_ids(hits, &self.everything);
    }
}

/// Appends `ids` to `hits`. The lists are a glob or two each: pushed one by one, rather than
/// copied by `extend_from_slice`, whose call to `memcpy` costs more than the copy (about 60
/// instructions of a 5-file decision, counted with callgrind).
#[inline(always)]
fn push_ids(hits: &mut Vec<usize>, ids: &[usize]) {
    for &id in ids {
        hits.push(id);
    }
}

/// Calls `found` with the position of each `/` in `bytes`, in order.
///
/// Every file of every request is scanned. A branch per byte mispredicts wherever a slash
/// falls, and the paths of real requests differ from one another, so the predictor cannot
/// learn them: eight bytes are tested at once as one word instead (a zero-byte test on the
/// word xor `////////`), with one branch per slash found. Measured on the `autopack` bench
/// requests, whose paths differ: a prepared 1,000-file decision 17 % faster, 40 files 7 %;
/// 5 files (the same five paths decided again and again, which the predictor learns)
/// unchanged.
#[inline(always)]
fn for_each_slash(bytes: &[u8], mut found: impl FnMut(usize)) {
    const SLASHES: u64 = u64::from_ne_bytes([b'/'; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ SLASHES;
        // The top bit of each byte of `x` that is zero, exactly (no carries between bytes):
        // the low seven bits plus 0x7f carry into the top bit unless they are all zero.
        let mut zero = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while zero != 0 {
            found(base + zero.trailing_zeros() as usize / 8);
            zero &= zero - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'/' {
            found(base + i);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::glob::{build, reference_match, validate};

    fn index(patterns: &[&str]) -> GlobIndex {
        let mut builder = GlobIndexBuilder::default();
        for p in patterns {
            builder.add(p, build(p).unwrap());
        }
        builder.build().unwrap()
    }

    /// The ids the index reports for `path`, sorted and deduplicated.
    fn hits(index: &GlobIndex, path: &str) -> Vec<usize> {
        let mut hits = vec![99];
        index.matches_into(path, &mut hits);
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// The ids the reference matcher reports.
    fn expected(patterns: &[&str], path: &str) -> Vec<usize> {
        (0..patterns.len())
            .filter(|&i| reference_match(patterns[i], path))
            .collect()
    }

    #[test]
    fn autopack_globs() {
        let patterns = [
            "src/autopack/models.py",
            "alembic/versions/**",
            ".git/**",
            ".env*",
            "**/.env*",
            "src/autopack/**",
            "tests/**",
            "**/*.db",
            "**/*.sqlite",
            "**/*.sqlite3",
            "tests/test_*.py",
            "a/**/b",
            "docs/{a,b}/*.md",
            ".env*/**",
            "**/.env*/**",
            "**/node_modules/**",
            "*/**",
            "**/*.d/**",
            "**",
        ];
        let index = index(&patterns);
        for path in [
            "src/autopack/models.py",
            "src/autopack/x/y.py",
            "src/autopackx",
            "alembic/versions/1.py",
            "alembic/x.py",
            ".env",
            ".env.local",
            "config/.env",
            "config/.envy/x",
            "tests/test_a.py",
            "tests/test_.py",
            "tests/test.py",
            "tests/x/test_a.py",
            "x.db",
            "a/b/.db",
            "x.sqlite3",
            "a/b",
            "a/x/y/b",
            "docs/a/x.md",
            "docs/c/x.md",
            "README.md",
            ".envs/prod.key",
            ".env/a/b",
            "x/.env.d/db.env",
            "x/y/.env",
            "node_modules/a.js",
            "a/node_modules/b/c.js",
            "a/node_modules",
            "conf.d/x",
            "a/conf.d/b/c",
            "a/.d/x",
        ] {
            assert_eq!(hits(&index, path), expected(&patterns, path), "{path}");
        }
    }

    #[test]
    fn every_slash_is_found_in_order() {
        let text = "a/bc//d/efghijklmnop/q/rstuvwxyz/0123456789ab/c/\u{e9}/\u{2f}x/";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                let slice = &bytes[start..end];
                let mut found = Vec::new();
                for_each_slash(slice, |i| found.push(i));
                let expected: Vec<usize> = (0..slice.len()).filter(|&i| slice[i] == b'/').collect();
                assert_eq!(found, expected, "{:?}", String::from_utf8_lossy(slice));
            }
        }
        // Bytes that differ from `/` in one bit, or have its bits and more, are no slash.
        let near: Vec<u8> = (0..8)
            .map(|bit| b'/' ^ (1 << bit))
            .chain([0xff, 0x6f, 0])
            .collect();
        let mut found = Vec::new();
        for_each_slash(&near, |i| found.push(i));
        assert_eq!(found, Vec::<usize>::new());
    }

    /// Pieces of patterns: everyday shapes and others, in every combination the generator
    /// makes.
    const SEGMENTS: &[&str] = &[
        "a", "b", "ab", ".a", "a.b", "*", "a*", "*b", "a*b", "*.b", "**", "?", "[ab]", "{a,b}",
        "{a,}", "{,b}", "{a*,b}", "é", "\\*", "a-b", "[.-0]", "a[ -~]b",
    ];

    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(SEGMENTS), 1..4).prop_map(|s| s.join("/"))
    }

    fn path() -> impl Strategy<Value = String> {
        let segment = prop::sample::select(
            &[
                "a", "b", "ab", "ba", ".a", "a.b", "aab", "é", "*", "a-b", "b.b", "0", "a b",
            ][..],
        );
        prop::collection::vec(segment, 1..5).prop_map(|s| s.join("/"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn the_index_equals_the_reference_matcher(
            patterns in prop::collection::vec(pattern(), 1..12),
            paths in prop::collection::vec(path(), 24),
        ) {
            let patterns: Vec<&str> = patterns
                .iter()
                .map(String::as_str)
                .filter(|p| validate(p).is_ok())
                .collect();
            let index = index(&patterns);
            for path in &paths {
                prop_assert_eq!(hits(&index, path), expected(&patterns, path), "{}", path);
            }
        }
    }
}
