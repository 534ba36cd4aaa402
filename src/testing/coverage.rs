//! Coverage of a policy by its test cases (`gavel test --coverage`).
//!
//! A test suite that never sees a rule fire cannot notice the rule breaking, and one that
//! never sees it stay quiet cannot notice it firing on everything. So coverage asks, of the
//! cases that were decided: did every rule fire in some case and not fire in another? Did
//! every risk factor contribute in some case and not in another? Did every atom of every
//! condition — each comparison, quantifier and test — hold in some case and fail in another
//! (see [`crate::eval::condition_atoms`]), so that both sides of each threshold were tried?
//! Did the default (or, without one, the default deny) decide some case? Did some case send
//! a request without files, where `all files in ...` holds and `any file in ...` does not?
//!
//! A case counts only when its request was read and every rule and risk factor was evaluated
//! without an error: an input error or a failed evaluation says nothing about which rules
//! would have fired.

use std::collections::{HashMap, HashSet};

use crate::ast::Span;
use crate::checked::CheckedPolicy;
use crate::eval::{ConditionAtom, Decision, condition_atoms};

/// What one decided case showed about the policy, for coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The rules that fired.
    pub fired: Vec<String>,
    /// The risk factors that contributed, by label.
    pub factors: Vec<String>,
    /// Whether no rule fired and the default (or the default deny) decided.
    pub default_applied: bool,
    /// How many files the request had.
    pub files: u64,
    /// Whether each atom of the policy's conditions held (by where it is written; see
    /// [`crate::eval::condition_atoms`]); an atom whose evaluation failed is absent.
    pub conditions: Vec<(Span, bool)>,
}

impl Observed {
    /// What `decision` shows, with how its request's conditions went (`conditions`), or
    /// `None` when it shows nothing about the rules (its request was refused, or an
    /// evaluation failed).
    pub fn of(decision: &Decision, conditions: Vec<(Span, bool)>) -> Option<Observed> {
        // Which rules fired is unknown when the request was refused, or when a rule, a risk
        // factor (rules may read the score) or the request's totals failed; a failing
        // message, evidence or approval window leaves it known.
        let unknown = |location: &str| {
            location.starts_with("rule `")
                || location.starts_with("risk factor `")
                || location == "request facts"
        };
        if decision.input_error.is_some() || decision.errors.iter().any(|e| unknown(&e.location)) {
            return None;
        }
        Some(Observed {
            fired: decision.fired.iter().map(|f| f.rule.to_string()).collect(),
            factors: decision
                .risk
                .iter()
                .flat_map(|r| r.factors.iter().map(|f| f.factor.to_string()))
                .collect(),
            default_applied: decision.default_applied,
            files: decision.request.files,
            conditions,
        })
    }
}

/// How often something was seen one way and the other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BothWays {
    /// Cases where it fired (a rule) or contributed (a risk factor).
    pub yes: usize,
    /// Cases where it did not.
    pub no: usize,
}

impl BothWays {
    /// Whether it was seen both ways.
    pub fn covered(self) -> bool {
        self.yes > 0 && self.no > 0
    }
}

/// The coverage of one policy by a set of decided cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Cases that counted (see the module docs).
    pub cases: usize,
    /// Cases that did not count: the request was refused or an evaluation failed.
    pub uncounted: usize,
    /// Each rule, by name (the policy's order).
    pub rules: Vec<(String, BothWays)>,
    /// Each risk factor, by label, in the order written (labels are distinct: E0010).
    pub factors: Vec<(String, BothWays)>,
    /// Each atom of the policy's conditions, with how often it held and failed.
    pub conditions: Vec<(ConditionAtom, BothWays)>,
    /// Whether the policy has a default (else no rule firing is a default deny).
    pub has_default: bool,
    /// Cases no rule fired in.
    pub default_applied: usize,
    /// Cases whose request had no files.
    pub without_files: usize,
}

impl Coverage {
    /// The coverage of `policy` by the cases that showed `observed` (`None` for a case
    /// that does not count).
    pub fn of<'o>(
        policy: &CheckedPolicy,
        observed: impl IntoIterator<Item = Option<&'o Observed>>,
    ) -> Coverage {
        let mut rules: Vec<(String, BothWays)> = policy
            .rules
            .iter()
            .map(|r| (r.name.to_string(), BothWays::default()))
            .collect();
        let mut factors: Vec<(String, BothWays)> = Vec::new();
        for factor in policy.risk.iter().flat_map(|r| &r.factors) {
            factors.push((factor.label.to_string(), BothWays::default()));
        }
        let mut conditions: Vec<(ConditionAtom, BothWays)> = condition_atoms(policy)
            .into_iter()
            .map(|atom| (atom, BothWays::default()))
            .collect();
        let by_span: HashMap<Span, usize> = conditions
            .iter()
            .enumerate()
            .map(|(i, (atom, _))| (atom.span, i))
            .collect();
        let (mut cases, mut uncounted, mut default_applied, mut without_files) = (0, 0, 0, 0);
        for seen in observed {
            let Some(seen) = seen else {
                uncounted += 1;
                continue;
            };
            cases += 1;
            tally(&mut rules, &seen.fired);
            tally(&mut factors, &seen.factors);
            for (span, holds) in &seen.conditions {
                if let Some((_, both)) = by_span.get(span).and_then(|&i| conditions.get_mut(i)) {
                    if *holds {
                        both.yes += 1;
                    } else {
                        both.no += 1;
                    }
                }
            }
            default_applied += usize::from(seen.default_applied);
            without_files += usize::from(seen.files == 0);
        }
        Coverage {
            cases,
            uncounted,
            rules,
            factors,
            conditions,
            has_default: policy.default.is_some(),
            default_applied,
            without_files,
        }
    }

    /// What the cases did not cover, one line each; empty when they covered everything.
    pub fn gaps(&self) -> Vec<String> {
        if self.cases == 0 {
            return vec![if self.uncounted == 0 {
                "no test case: nothing is covered".to_string()
            } else {
                "no case was decided without an error: nothing is covered".to_string()
            }];
        }
        let mut gaps = Vec::new();
        let one_way = |kind: &str, name: &str, seen: BothWays, yes: &str, no: &str| {
            match (seen.yes, seen.no) {
                // Only a condition can go uncounted in a counted case: its evaluation
                // failed (a rule's or factor's failure leaves the whole case uncounted).
                (0, 0) => Some(format!("{kind} {name} failed to evaluate in every case")),
                (0, _) => Some(format!("{kind} {name} never {yes}")),
                (_, 0) => Some(format!("{kind} {name} {yes} in every case, never {no}")),
                _ => None,
            }
        };
        for (name, seen) in &self.rules {
            let name = format!("`{name}`");
            gaps.extend(one_way("rule", &name, *seen, "fired", "stayed quiet"));
        }
        for (label, seen) in &self.factors {
            let label = crate::quote::quote(label);
            gaps.extend(one_way(
                "risk factor",
                &label,
                *seen,
                "contributed",
                "left out",
            ));
        }
        for (atom, seen) in &self.conditions {
            let name = format!(
                "`{}` ({}, {})",
                crate::quote::one_line(&atom.text),
                atom.owner,
                atom.location
            );
            gaps.extend(one_way("condition", &name, *seen, "held", "failed"));
        }
        if self.default_applied == 0 {
            gaps.push(if self.has_default {
                "the default never applied (some rule fired in every case)".to_string()
            } else {
                "the default deny never applied (some rule fired in every case)".to_string()
            });
        }
        if self.without_files == 0 {
            gaps.push("no case sends a request without files".to_string());
        }
        gaps
    }

    /// The one-line tally: `7 of 7 rules, 9 of 9 risk factors, 40 of 41 conditions seen both
    /// ways; the default applied in 12 cases; 3 cases without files (85 cases counted)`.
    pub fn summary(&self) -> String {
        let covered =
            |items: &[(String, BothWays)]| items.iter().filter(|(_, s)| s.covered()).count();
        let mut out = format!("{} of {} rules", covered(&self.rules), self.rules.len());
        if !self.factors.is_empty() {
            out.push_str(&format!(
                ", {} of {} risk factors",
                covered(&self.factors),
                self.factors.len()
            ));
        }
        let conditions = self.conditions.iter().filter(|(_, s)| s.covered()).count();
        out.push_str(&format!(
            ", {conditions} of {} conditions seen both ways; the default{} applied in {} \
             case{}; {} case{} without files ({} case{} counted",
            self.conditions.len(),
            if self.has_default { "" } else { " deny" },
            self.default_applied,
            plural(self.default_applied),
            self.without_files,
            plural(self.without_files),
            self.cases,
            plural(self.cases),
        ));
        if self.uncounted > 0 {
            out.push_str(&format!(
                ", {} refused or failed and not counted",
                self.uncounted
            ));
        }
        out.push(')');
        out
    }
}

/// Counts, for each named item, whether it is among `seen`.
fn tally(items: &mut [(String, BothWays)], seen: &[String]) {
    let seen: HashSet<&str> = seen.iter().map(String::as_str).collect();
    for (name, both) in items.iter_mut() {
        if seen.contains(name.as_str()) {
            both.yes += 1;
        } else {
            both.no += 1;
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
