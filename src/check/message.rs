//! Messages with `{fact}` interpolations: `block "requested {attr.runs} runs"`.

use crate::ast::StrLit;
use crate::checked::{Message, MessagePart};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::parse_interpolation;

use super::expr::ExprChecker;

impl ExprChecker<'_> {
    /// Splits a message into text and checked interpolations. Works on the raw source text so
    /// that `\{` stays a literal brace.
    pub(crate) fn message(&mut self, lit: &StrLit) -> Option<Message> {
        let raw = lit.raw.as_str();
        let base = lit.span.start as usize + 1;
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut ok = true;
        let mut i = 0;
        let bytes = raw.as_bytes();
        while i < bytes.len() {
            match bytes.get(i) {
                Some(b'\\') => {
                    let escaped: String = raw.get(i..).unwrap_or("").chars().take(2).collect();
                    text.push_str(&unescape_one(&escaped));
                    i += escaped.len().max(1);
                }
                Some(b'{') => {
                    let Some(close) = raw.get(i + 1..).and_then(|r| r.find('}')) else {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::BadInterpolation,
                                lit.span.slice(i + 1..i + 2),
                                "unclosed `{` in message",
                            )
                            .with_label("opened here")
                            .with_help("close it with `}`, or write `\\{` for a literal brace"),
                        );
                        return None;
                    };
                    let inner = raw.get(i + 1..i + 1 + close).unwrap_or("");
                    if !text.is_empty() {
                        parts.push(MessagePart::Text(std::mem::take(&mut text)));
                    }
                    match parse_interpolation(lit.span.file, base + i + 1, inner) {
                        Ok(expr) => match self.check(&expr, None) {
                            Some(checked) => parts.push(MessagePart::Expr(checked)),
                            None => ok = false,
                        },
                        Err(diagnostics) => {
                            for mut d in diagnostics {
                                d.code = Code::BadInterpolation;
                                // The interpolation's text ends at its `}`, not at the end
                                // of the file the parser saw.
                                let message = d.message.replace(
                                    "unexpected end of file",
                                    "unexpected end of the `{...}`",
                                );
                                d.message = format!("in message interpolation: {message}");
                                self.diagnostics.push(d);
                            }
                            ok = false;
                        }
                    }
                    i += close + 2;
                }
                Some(_) => {
                    let c = raw.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
                    text.push(c);
                    i += c.len_utf8();
                }
                None => break,
            }
        }
        if !text.is_empty() {
            parts.push(MessagePart::Text(text));
        }
        ok.then_some(Message { parts })
    }
}

fn unescape_one(escape: &str) -> String {
    match escape {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        other => other.chars().skip(1).collect(),
    }
}
