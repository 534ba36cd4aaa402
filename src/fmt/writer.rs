//! The output buffer: indented lines, and the comments that ride along with them.
//!
//! Every printed line says which source range it prints (`src`). Comments wait in a queue in
//! source order, and each line, before it is emitted, takes the comments that start before
//! the end of its range:
//!
//! - the first of them becomes a *trailing* comment of the line printed before, when it
//!   starts before the new line's source and no line break separates the previous line's end
//!   from it (the author wrote it at the end of that line);
//! - the rest become *leading* comments, each on its own line above the new one, including
//!   comments written in the middle of the construct the line prints (they are hoisted).
//!
//! Because the queue is only ever consumed, and [`Writer::finish`] flushes whatever is left,
//! no comment can be lost or printed twice, whatever the shape of the tree. Because hoisted
//! comments land before the line that contained them, formatting again attaches them to
//! the same line: the layout is idempotent.

use std::ops::Range;

use super::comments::{Comment, has_blank_line, has_newline};

/// Spaces per indentation level.
pub(crate) const INDENT: usize = 2;
/// The column limit lines are broken to fit in (where a construct can break).
pub(crate) const MAX_WIDTH: usize = 100;

/// One output line.
enum Line {
    /// An empty line separating top-level groups.
    Blank,
    /// Indented text with an optional trailing comment.
    Text {
        indent: usize,
        text: String,
        trailing: Option<String>,
    },
}

/// Collects lines and places comments. See the module documentation.
pub(crate) struct Writer<'a> {
    /// The original text: empty when printing without comments.
    source: &'a str,
    /// All comments of `source`, in order.
    comments: Vec<Comment>,
    /// Index of the first comment not yet placed.
    next: usize,
    lines: Vec<Line>,
    /// Source offset where the last emitted line (or comment) ends.
    last_end: usize,
}

impl<'a> Writer<'a> {
    /// A writer that places `comments` found in `source`.
    pub(crate) fn new(source: &'a str, comments: Vec<Comment>) -> Self {
        Writer {
            source,
            comments,
            next: 0,
            lines: Vec::new(),
            last_end: 0,
        }
    }

    /// The original text (empty when printing bare).
    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    /// Whether any comment of the source starts inside `range`. Layout decisions use it
    /// (a condition with comments between its operands is broken), so it looks at all
    /// comments, placed or not: the answer depends only on the source.
    pub(crate) fn has_comment_in(&self, range: Range<usize>) -> bool {
        let first = self.comments.partition_point(|c| c.start < range.start);
        self.comments
            .get(first)
            .is_some_and(|c| c.start < range.end)
    }

    /// Where the source text before `pos` really ends, stepping back over whitespace and
    /// comments. A span of a rule that ends in a repetition (`roles a, b`, `a and b`, a risk
    /// factor) also covers the whitespace and comments after it (pest skips them while
    /// looking for one more repetition), and a comment after a line must not count as inside
    /// it.
    pub(crate) fn trim_end(&self, pos: usize) -> usize {
        let bytes = self.source.as_bytes();
        let mut end = pos.min(bytes.len());
        loop {
            while end > 0 && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
                end -= 1;
            }
            let before = self.comments.partition_point(|c| c.start < end);
            match before.checked_sub(1).and_then(|i| self.comments.get(i)) {
                Some(comment) if end <= comment.end => end = comment.start,
                _ => return end,
            }
        }
    }

    /// Emits a line printing source `src`, preceded by the comments that start before
    /// `src.end` (at the line's own indentation). Ends are trimmed with [`Self::trim_end`].
    pub(crate) fn line(&mut self, indent: usize, text: String, src: Range<usize>) {
        let end = self.trim_end(src.end);
        self.place_comments_before(src.start, end, indent);
        self.push(indent, text, end);
    }

    /// Emits a closing line (`}`, `]`) at `src`; comments before it belong to the block it
    /// closes and are indented as its contents (`comment_indent`).
    pub(crate) fn close(
        &mut self,
        indent: usize,
        text: &str,
        src: Range<usize>,
        comment_indent: usize,
    ) {
        let end = self.trim_end(src.end);
        self.place_comments_before(src.start, end, comment_indent);
        self.push(indent, text.to_string(), end);
    }

    /// Prepares for a top-level item starting at `start`: places the comments before it at
    /// column 0 and keeps one empty line wherever the author left at least one, between
    /// items and comments alike, but never at the top of the file.
    pub(crate) fn top_level(&mut self, start: usize) {
        self.take_trailing(start);
        while let Some(comment) = self.pending_before(start) {
            self.blank_line_before(comment.start);
            self.push_comment(0, comment);
        }
        self.blank_line_before(start);
    }

    /// Places the remaining comments (the end of the file) and renders the text: lines
    /// joined by `\n`, no trailing whitespace, exactly one final `\n` (none for no lines).
    pub(crate) fn finish(mut self) -> String {
        self.top_level_comments_to_end();
        let mut out = String::new();
        for line in &self.lines {
            if let Line::Text {
                indent,
                text,
                trailing,
            } = line
            {
                out.extend(std::iter::repeat_n(' ', *indent));
                out.push_str(text);
                if let Some(comment) = trailing {
                    out.push(' ');
                    out.push_str(comment);
                }
                let kept = out.trim_end_matches([' ', '\t']).len();
                out.truncate(kept);
            }
            out.push('\n');
        }
        out
    }

    fn top_level_comments_to_end(&mut self) {
        self.take_trailing(usize::MAX);
        while let Some(comment) = self.pending_before(usize::MAX) {
            self.blank_line_before(comment.start);
            self.push_comment(0, comment);
        }
    }

    /// Places the comments before `end` for a line whose source starts at `start`: one
    /// written before `start` on the previous line's source line trails that line, the rest
    /// (including those inside the new line's construct) go above the new line.
    fn place_comments_before(&mut self, start: usize, end: usize, indent: usize) {
        self.take_trailing(start);
        while let Some(comment) = self.pending_before(end) {
            self.push_comment(indent, comment);
        }
    }

    /// Attaches the next comment to the last line when it starts before `before` and sits on
    /// the same source line as that line's end.
    fn take_trailing(&mut self, before: usize) {
        let Some(comment) = self.comments.get(self.next) else {
            return;
        };
        if comment.start >= before
            || comment.start < self.last_end
            || has_newline(self.source, self.last_end, comment.start)
        {
            return;
        }
        let Some(Line::Text { trailing, .. }) = self.lines.last_mut() else {
            return;
        };
        if trailing.is_some() {
            return;
        }
        *trailing = Some(comment.text.clone());
        self.last_end = comment.end;
        self.next += 1;
    }

    /// Takes the next comment if it starts before `before`.
    fn pending_before(&mut self, before: usize) -> Option<Comment> {
        let comment = self.comments.get(self.next)?;
        if comment.start >= before {
            return None;
        }
        let comment = comment.clone();
        self.next += 1;
        Some(comment)
    }

    fn push_comment(&mut self, indent: usize, comment: Comment) {
        self.lines.push(Line::Text {
            indent,
            text: comment.text,
            trailing: None,
        });
        self.last_end = comment.end;
    }

    fn push(&mut self, indent: usize, text: String, src_end: usize) {
        self.lines.push(Line::Text {
            indent,
            text,
            trailing: None,
        });
        self.last_end = self.last_end.max(src_end);
    }

    fn blank_line_before(&mut self, start: usize) {
        let after_text = matches!(self.lines.last(), Some(Line::Text { .. }));
        if after_text && has_blank_line(self.source, self.last_end, start) {
            self.lines.push(Line::Blank);
        }
    }
}
