//! The policy source files, kept for diagnostics, formatting and the spec hash.

use crate::ast::{FileId, Span};

/// One policy source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Name shown in diagnostics: the path relative to the policy directory, or as given.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// All files of one policy, in a fixed order (sorted by name when loaded from a directory).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceSet {
    files: Vec<SourceFile>,
}

impl SourceSet {
    /// An empty set.
    pub fn new() -> Self {
        SourceSet::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The source text a span covers, or `""` when the span is out of range.
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
    }

    /// A [`Locator`] for many line and column lookups in these files.
    pub(crate) fn locator(&self) -> Locator<'_> {
        Locator {
            sources: self,
            line_starts: vec![None; self.files.len()],
            last: vec![None; self.files.len()],
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let Some(source) = self.get(file) else {
            return (1, 1);
        };
        let offset = offset.min(source.text.len());
        let before = source.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// Line and column lookups for many offsets (every diagnostic of a report): each file's
/// line starts are found once, and a column is counted on from the previous lookup when it
/// was earlier on the same line, as for diagnostics in position order. [`SourceSet::line_col`]
/// scans the text from its start on every call, which made reports of many diagnostics
/// quadratic (found by QA: 1 MB of `rule` lines took minutes to report as JSON).
pub(crate) struct Locator<'a> {
    sources: &'a SourceSet,
    line_starts: Vec<Option<Vec<usize>>>,
    /// Per file: the last offset located, its 0-based line and its 1-based column.
    last: Vec<Option<(usize, usize, usize)>>,
}

impl Locator<'_> {
    /// 1-based line and column (in characters) of a byte offset, as [`SourceSet::line_col`].
    pub(crate) fn line_col(&mut self, file: FileId, offset: usize) -> (usize, usize) {
        let index = file.0 as usize;
        let Some(source) = self.sources.get(file) else {
            return (1, 1);
        };
        let text = source.text.as_str();
        let offset = offset.min(text.len());
        if !text.is_char_boundary(offset) {
            return self.sources.line_col(file, offset);
        }
        let (Some(starts), Some(last)) =
            (self.line_starts.get_mut(index), self.last.get_mut(index))
        else {
            return self.sources.line_col(file, offset);
        };
        let starts = starts.get_or_insert_with(|| line_starts(text));
        // The last line starting at or before `offset` (a line start at `offset` itself is
        // the line `offset` is on, as `line_col` counts it).
        let line = starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = starts.get(line).copied().unwrap_or(0);
        let column = match *last {
            Some((at, at_line, at_column)) if at_line == line && at <= offset => {
                at_column + text.get(at..offset).map_or(0, |s| s.chars().count())
            }
            _ => {
                text.get(line_start..offset)
                    .map_or(0, |s| s.chars().count())
                    + 1
            }
        };
        *last = Some((offset, line, column));
        (line + 1, column)
    }

    /// The byte range of the line holding `offset`, without its `\n`.
    pub(crate) fn line_range(
        &mut self,
        file: FileId,
        offset: usize,
    ) -> Option<std::ops::Range<usize>> {
        let text = self.sources.get(file)?.text.as_str();
        let offset = offset.min(text.len());
        let starts = self
            .line_starts
            .get_mut(file.0 as usize)?
            .get_or_insert_with(|| line_starts(text));
        let line = starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = starts.get(line).copied().unwrap_or(0);
        let end = starts.get(line + 1).map_or(text.len(), |next| next - 1);
        Some(start..end)
    }
}

/// Where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The locator answers as `line_col` does, for offsets in any order, on line starts and
    /// ends, inside multi-byte characters and past the end.
    #[test]
    fn locator_agrees_with_line_col() {
        let mut sources = SourceSet::new();
        let a = sources.add("a", "ab\nçd日\n\n😀x\ny");
        let b = sources.add("b", "no newline é");
        let offsets: Vec<usize> = (0..20)
            .chain((0..20).rev())
            .chain([3, 3, 1, 9, 2])
            .collect();
        let mut locator = sources.locator();
        for file in [a, b, FileId(7)] {
            for &offset in &offsets {
                assert_eq!(
                    locator.line_col(file, offset),
                    sources.line_col(file, offset),
                    "file {file:?} offset {offset}"
                );
            }
        }
    }
}
