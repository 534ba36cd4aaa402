//! Compiling a checked policy into the immutable, `Send + Sync` [`Policy`] that decides.
//!
//! Compilation adds only speed: every glob of every path set (named and inline) goes into
//! one glob index (`glob_index`), so one pass over a file path yields its membership in every
//! set at once; every regex is compiled once; symbol domains get index tables. Strings other
//! than file paths are matched against one set at a time (`string_sets`).

mod glob_index;
mod glob_strategy;
mod key_table;
mod policy;
mod str_hash;
mod string_sets;

pub use policy::{Policy, PolicyError};
pub(crate) use str_hash::SpanMap;

use glob_index::{GlobIndex, GlobIndexBuilder};
use string_sets::StringSets;

use crate::checked::{CheckedPolicy, Domain};
use crate::eval::IdPrefix;

/// The compiled form shared by all clones of a [`Policy`].
#[derive(Debug)]
pub(crate) struct Compiled {
    pub checked: CheckedPolicy,
    /// All globs of all sets, for request file paths (normalized).
    pub index: GlobIndex,
    /// Each set's globs, for other strings.
    pub strings: StringSets,
    /// For each glob of `globs`: the set it belongs to and its index within that set.
    pub glob_owner: Vec<(usize, usize)>,
    /// Compiled regexes, by regex id.
    pub regexes: Vec<regex::Regex>,
    /// The decision-id hash state after this policy's constant prefix, with the policy's
    /// name and hex spec hash as decisions name them.
    pub id_prefix: IdPrefix,
    /// Conditions, risk weights and helpers compiled to straight-line programs.
    pub programs: crate::eval::Programs,
}

/// Why a checked policy failed to compile (globs or regexes the checker accepted but the
/// matcher engines refused: a bug or a resource limit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CompileError(pub String);

impl Compiled {
    pub(crate) fn new(checked: CheckedPolicy) -> Result<Compiled, CompileError> {
        let mut index = GlobIndexBuilder::default();
        let mut glob_owner = Vec::new();
        for (set_id, set) in checked.sets.iter().enumerate() {
            for (position, pattern) in set.patterns.iter().enumerate() {
                let glob = crate::glob::build_engine_text(
                    &pattern.glob,
                    &glob_strategy::steer(&pattern.engine),
                )
                .map_err(|e| CompileError(format!("glob `{}`: {e}", pattern.glob)))?;
                index.add(&pattern.glob, glob);
                glob_owner.push((set_id, position));
            }
        }
        let index = index.build()?;
        let strings = StringSets::new(checked.sets.len());
        let regexes = checked
            .regexes
            .iter()
            .map(|r| {
                crate::check::build_regex(&r.pattern, &r.flags)
                    .map_err(|e| CompileError(format!("regex {}: {e}", r.display())))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let id_prefix = IdPrefix::new(&checked.name, &hex::encode(checked.spec_hash));
        let programs = crate::eval::Programs::new(&checked);
        Ok(Compiled {
            checked,
            index,
            strings,
            glob_owner,
            regexes,
            id_prefix,
            programs,
        })
    }

    /// Position of a symbol in its domain's order, for `<`/`>=` on ordered domains.
    pub(crate) fn symbol_rank(&self, domain: Domain, name: &str) -> Option<usize> {
        symbol_rank(&self.checked, domain, name)
    }
}

/// Position of a symbol in its domain's order (environments by promotion, versions
/// patch < minor < major, levels from the catch-all up, tiers by declaration).
pub(crate) fn symbol_rank(policy: &CheckedPolicy, domain: Domain, name: &str) -> Option<usize> {
    match domain {
        Domain::Environment => policy.environments.iter().position(|e| e == name),
        Domain::Version => crate::checked::VERSIONS.iter().position(|v| *v == name),
        Domain::Level => policy
            .risk
            .as_ref()
            .and_then(|r| r.levels.iter().rev().position(|l| l.name == name)),
        Domain::Tier => policy.licenses.iter().position(|t| t.name == name),
        _ => None,
    }
}
