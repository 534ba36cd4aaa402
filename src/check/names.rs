//! Name tables built from the declarations, with use tracking for "unused" warnings.

use std::cell::Cell;
use std::collections::HashMap;

use crate::checked::{
    ACTOR_KINDS, BUILTIN_ACTIONS, BUILTIN_KINDS, Domain, MODES, STATUSES, Type, VERSIONS,
};

/// A declared name and whether anything used it.
pub(crate) struct Declared {
    pub used: Cell<bool>,
}

impl Declared {
    pub fn new() -> Self {
        Declared {
            used: Cell::new(false),
        }
    }
}

/// What the checker knows about a helper once it is checked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HelperInfo {
    pub ty: Type,
    pub file_scope: bool,
    pub reads_risk: bool,
}

/// Every name a policy declares.
#[derive(Default)]
pub(crate) struct Names {
    pub environments: Vec<String>,
    pub roles: HashMap<String, Declared>,
    pub role_order: Vec<String>,
    pub actions: Vec<String>,
    pub kinds: Vec<String>,
    /// Levels from lowest (the catch-all) to highest, so index order is severity order.
    pub levels: Vec<String>,
    pub tiers: Vec<String>,
    pub sets: HashMap<String, (usize, Declared)>,
    pub attributes: HashMap<String, (usize, Declared)>,
    pub helpers: HashMap<String, (usize, Declared)>,
    /// Filled in as helpers are checked (in dependency order); `None` = not checked or failed.
    pub helper_info: Vec<Option<HelperInfo>>,
}

impl Names {
    /// The members of a domain, in the domain's order.
    pub fn domain_members(&self, domain: Domain) -> Vec<&str> {
        match domain {
            Domain::Environment => self.environments.iter().map(String::as_str).collect(),
            Domain::Action => self.actions.iter().map(String::as_str).collect(),
            Domain::ActorKind => ACTOR_KINDS.to_vec(),
            Domain::ChangeKind => self.kinds.iter().map(String::as_str).collect(),
            Domain::Version => VERSIONS.to_vec(),
            Domain::Mode => MODES.to_vec(),
            Domain::Level => self.levels.iter().map(String::as_str).collect(),
            Domain::Status => STATUSES.to_vec(),
            Domain::Tier => self.tiers.iter().map(String::as_str).collect(),
        }
    }

    /// Whether `name` is a member of `domain`.
    pub fn is_member(&self, domain: Domain, name: &str) -> bool {
        self.domain_members(domain).contains(&name)
    }

    /// Marks a role used; false when the role is not declared.
    pub fn use_role(&self, name: &str) -> bool {
        match self.roles.get(name) {
            Some(d) => {
                d.used.set(true);
                true
            }
            None => false,
        }
    }

    /// Actions: built-ins then declared.
    pub fn with_builtins(declared: &[String], builtins: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = builtins.iter().map(|s| (*s).to_string()).collect();
        for d in declared {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        all
    }

    /// Built-in actions plus `declared`.
    pub fn actions_from(declared: &[String]) -> Vec<String> {
        Self::with_builtins(declared, BUILTIN_ACTIONS)
    }

    /// Built-in change kinds plus `declared`.
    pub fn kinds_from(declared: &[String]) -> Vec<String> {
        Self::with_builtins(declared, BUILTIN_KINDS)
    }
}
