//! Path patterns: what `"docs/**"`, `"**/.env*"` and `"tests/test_*.py"` mean, exactly.
//!
//! A pattern is matched against the whole repository-relative path, anchored at the root, byte
//! for byte and case-sensitively:
//!
//! | pattern      | matches                                   | does not match            |
//! |--------------|-------------------------------------------|---------------------------|
//! | `docs/*.md`  | `docs/a.md`, `docs/.md`                   | `docs/x/a.md`, `a.md`     |
//! | `.env*`      | `.env`, `.env.local`                      | `config/.env`             |
//! | `**/.env*`   | `.env`, `config/.env`, `a/b/.env.local`   | `env`                     |
//! | `a/**`       | `a/x`, `a/x/y`                            | `a`                       |
//! | `a/**/b`     | `a/b`, `a/x/y/b`                          | `ab`                      |
//! | `file?.txt`  | `file1.txt`                               | `file/.txt`, `file10.txt` |
//! | `[!a]*`      | `b`, `.git`                               | `a`, `ab`                 |
//! | `x{,.bak}`   | `x`, `x.bak`                              | `x.orig`                  |
//!
//! `*` and `?` never match `/`, and neither does any class; `**` is a whole segment matching
//! any number of directories; `.` at the start of a name is not special. `?` and classes match
//! one *byte*, so a two-byte character such as `é` needs `??`; write non-ASCII text literally.
//! The full rules are on [`reference_match()`]; what is refused, and why, on [`validate`].
//!
//! Two matchers implement these rules: [`reference_match()`], short enough to check by reading,
//! and [`build`], which configures globset for the evaluator. Differential tests hold them
//! equal on everything [`validate`] accepts. Paths given to either must be normalized as gavel
//! normalizes request paths: relative, `/`-separated, without empty, `.` or `..` segments,
//! trailing `/` or NUL.

mod class;
mod compiled;
mod double_star;
mod glob_error;
mod parse;
mod parsed;
mod pattern;
mod reference_match;
mod segments;
pub(crate) mod shape;

pub use compiled::{build, build_engine_text, engine_text};
pub use glob_error::GlobError;
pub use pattern::validate;
pub use reference_match::reference_match;
