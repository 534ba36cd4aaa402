//! Path sets tested against strings that are not request file paths (`actor.id matches
//! "bot-*"`, `lower(path) in docs`).
//!
//! Request file paths are normalized, and the [`super::glob_index::GlobIndex`] is exact on
//! those; any other string that happens to be a normalized path is looked up there too. For
//! the rest (a string with `//`, a leading `/`, a `..` segment, a backslash...) the meaning is
//! globset's, as it always was: each set gets its own globset, built the first time a string
//! is tested against it. Most policies never test such strings, so they never pay for these
//! globsets, neither in compile time nor in memory.

use std::sync::OnceLock;

use globset::{GlobSet, GlobSetBuilder};

use super::glob_strategy;
use crate::checked::PathSet;

/// One lazily built globset per path set.
#[derive(Debug)]
pub(crate) struct StringSets {
    sets: Vec<OnceLock<Result<GlobSet, String>>>,
}

impl StringSets {
    /// Room for `count` sets, none built.
    pub(crate) fn new(count: usize) -> StringSets {
        StringSets {
            sets: (0..count).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Whether `s` matches a glob of `set` (number `id`), by globset.
    pub(crate) fn is_match(&self, id: usize, set: &PathSet, s: &str) -> Result<bool, String> {
        let built = self
            .sets
            .get(id)
            .ok_or_else(|| "internal error: set id".to_string())?
            .get_or_init(|| build(set));
        match built {
            Ok(globs) => Ok(globs.is_match(s)),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The globset of one path set, configured as at compile time.
fn build(set: &PathSet) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in &set.patterns {
        let glob =
            crate::glob::build_engine_text(&pattern.glob, &glob_strategy::steer(&pattern.engine))
                .map_err(|e| format!("glob `{}`: {e}", pattern.glob))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the glob set of `{}`: {e}", set.name))
}

#[cfg(test)]
mod tests {
    use crate::{Context, Policy, Request};

    /// `actor.id matches "glob"` decides as globset decides, for normalized and other strings.
    #[test]
    fn strings_match_as_globset_matches_them() {
        let patterns = ["a/**", "**/*.md", "*", "a/*b", "{a,b}/c", "a/**/c", "x?"];
        let strings = [
            "a/b", "a//b", "/a/b", "a/", "a/./b", "a/../b", "a\\b", "b.md", "d/.md", "/x.md", "x",
            "xy", "a/cb", "a/c/b", "a/c", "b/c", "a/x/c", "a\u{1}b", "", "é/x.md",
        ];
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let (mut tested, mut matched) = (0, 0);
        for pattern in patterns {
            let policy = Policy::from_str(&format!(
                "policy \"p\"\nrule r {{ when actor.id matches \"{pattern}\" then auto_approve }}\n"
            ))
            .unwrap();
            let globset = globset::GlobSetBuilder::new()
                .add(crate::glob::build(pattern).unwrap())
                .build()
                .unwrap();
            for s in strings {
                let json = serde_json::json!({
                    "action": "apply_patch",
                    "actor": {"id": s, "kind": "agent"},
                });
                let Ok(request) = Request::from_json(json.to_string().as_bytes()) else {
                    continue;
                };
                let decision = policy.decide(&request, &Context::at(now));
                if decision.input_error.is_some() {
                    continue;
                }
                assert_eq!(
                    decision.fired.len() == 1,
                    globset.is_match(s),
                    "`{s}` against `{pattern}`: {:?}",
                    decision.errors
                );
                tested += 1;
                matched += usize::from(globset.is_match(s));
            }
        }
        assert!(
            tested > 100 && matched > 20,
            "{tested} tested, {matched} matched"
        );
    }
}
