//! Warnings: things that compile but are probably mistakes.

use crate::checked::{CheckedPolicy, GateSpec, Outcome};
use crate::diagnostic::{Code, Diagnostic};

use super::declarations::Declarations;

pub(crate) fn report(
    policy: &CheckedPolicy,
    decls: &Declarations<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    unused(policy, decls, diagnostics);
    unsatisfiable_gates(policy, decls, diagnostics);
    unusable_halt(policy, decls, diagnostics);
    for approver in &decls.approvers {
        if approver.key.is_none() {
            diagnostics.push(
                Diagnostic::new(
                    Code::ApproverWithoutKey,
                    approver.id.span,
                    format!("approver `{}` has no key", approver.id.value),
                )
                .with_label("their approvals can never be verified")
                .with_help(
                    "add `key \"ed25519:...\"` (from `gavel keys new`) or an `ssh-ed25519 ...` key",
                ),
            );
        }
    }
}

/// Uses are recorded by the checker while resolving names; anything never resolved is unused.
fn unused(policy: &CheckedPolicy, decls: &Declarations<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let used_sets = used_set_names(policy);
    for set in &decls.sets {
        if !used_sets.contains(&set.name.value.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedSet,
                    set.name.span,
                    format!("path set `{}` is never used", set.name.value),
                )
                .with_label("no rule or helper refers to it")
                .with_help("use it in a condition (`any file in ...`) or remove it"),
            );
        }
    }
    let used_roles = used_role_names(policy);
    let mut reported = Vec::new();
    for role in &decls.roles {
        if !used_roles.contains(&role.value.as_str()) && !reported.contains(&role.value) {
            reported.push(role.value.clone());
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedRole,
                    role.span,
                    format!("role `{}` is never used", role.value),
                )
                .with_label("no gate, halt setting or condition names it")
                .with_help("name it in a `require ... from` gate, or remove it"),
            );
        }
    }
    let mut attrs_used = vec![false; policy.attributes.len()];
    let mut helpers_used = vec![false; policy.helpers.len()];
    crate::checked::visit::policy_uses(policy, &mut |u| match u {
        crate::checked::visit::Use::Attr(i) => {
            if let Some(slot) = attrs_used.get_mut(i) {
                *slot = true;
            }
        }
        crate::checked::visit::Use::Helper(i) => {
            if let Some(slot) = helpers_used.get_mut(i) {
                *slot = true;
            }
        }
        _ => {}
    });
    for (decl, used) in decls.attributes.iter().zip(attrs_used) {
        if !used {
            let name: Vec<&str> = decl.name.iter().map(|p| p.value.as_str()).collect();
            let span = match (decl.name.first(), decl.name.last()) {
                (Some(f), Some(l)) => f.span.to(l.span),
                _ => decl.ty.span,
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedAttribute,
                    span,
                    format!("attribute `{}` is never used", name.join(".")),
                )
                .with_label("no condition reads it")
                .with_help("requests must still supply it; remove it if nothing needs it"),
            );
        }
    }
    for (decl, used) in decls.lets.iter().zip(helpers_used) {
        if !used {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedHelper,
                    decl.name.span,
                    format!("helper `{}` is never used", decl.name.value),
                )
                .with_label("nothing refers to it")
                .with_help("use it or remove it"),
            );
        }
    }
}

fn used_set_names(policy: &CheckedPolicy) -> Vec<&str> {
    let mut used = vec![false; policy.sets.len()];
    crate::checked::visit::policy_uses(policy, &mut |u| {
        if let crate::checked::visit::Use::Set(i) = u
            && let Some(slot) = used.get_mut(i)
        {
            *slot = true;
        }
    });
    policy
        .sets
        .iter()
        .zip(used)
        .filter(|(s, u)| *u && !s.inline)
        .map(|(s, _)| s.name.as_str())
        .collect()
}

fn used_role_names(policy: &CheckedPolicy) -> Vec<&str> {
    let mut used: Vec<&str> = Vec::new();
    for gate in gates(policy) {
        used.extend(gate.roles.iter().map(|r| r.as_str()));
    }
    used.extend(policy.halt.by.iter().map(String::as_str));
    used.extend(policy.halt.resume_by.iter().map(String::as_str));
    used.extend(policy.override_by.iter().map(String::as_str));
    crate::checked::visit::policy_uses(policy, &mut |u| {
        if let crate::checked::visit::Use::Role(r) = u
            && let Some(role) = policy.roles.iter().find(|x| x.as_str() == r)
        {
            used.push(role.as_str());
        }
    });
    used
}

/// Every gate of the policy: rules, default, resume.
fn gates(policy: &CheckedPolicy) -> Vec<&GateSpec> {
    let mut out = Vec::new();
    for rule in &policy.rules {
        if let Outcome::Require(g) = &rule.outcome {
            out.push(g);
        }
    }
    if let Some(Outcome::Require(g)) = &policy.default {
        out.push(g);
    }
    if let Some(g) = &policy.halt.resume_require {
        out.push(g);
    }
    out
}

/// W0010 for a `halt { by ... }` or `resume by ...` no declared approver can use: none holds
/// one of its roles with a key to sign with, a person where `humans_only` asks for one. A
/// halt nobody can lift stops every decision for good (found in review: `resume by ops
/// humans_only` where the only `ops` approver is an agent checked clean).
fn unusable_halt(
    policy: &CheckedPolicy,
    decls: &Declarations<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    use crate::ast::HaltClause;
    let Some(halt) = decls.halt else {
        return;
    };
    let settings = &policy.halt;
    // `by` clauses add up, and so do `resume by` ones: each kind is judged as a whole, at
    // its first clause.
    let first_by = halt.clauses.iter().find_map(|c| match c {
        HaltClause::By { roles, .. } => roles.first(),
        _ => None,
    });
    let first_resume_by = halt.clauses.iter().find_map(|c| match c {
        HaltClause::ResumeBy { roles, .. } => roles.first(),
        _ => None,
    });
    let resume_inherits = settings.resume_by.is_empty();
    let kinds = [
        (
            first_by,
            &settings.by,
            settings.by_humans_only,
            if resume_inherits {
                "halt or resume"
            } else {
                "halt"
            },
        ),
        (
            first_resume_by,
            &settings.resume_by,
            settings.resume_by_humans_only,
            "resume",
        ),
    ];
    for (first, roles, humans_only, verb) in kinds {
        let Some(first) = first else {
            continue;
        };
        let usable = policy.approvers.iter().any(|a| {
            a.key.is_some()
                && !(humans_only && a.agent)
                && a.roles.iter().any(|held| roles.contains(held))
        });
        if usable {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                Code::UnsatisfiableGate,
                first.span,
                format!(
                    "no declared approver can {verb}: none with a key holds {}{}",
                    roles.join(", "),
                    if humans_only {
                        " and is not an agent (humans only)"
                    } else {
                        ""
                    }
                ),
            )
            .with_label("no one can use this")
            .with_help(
                "declare an approver with one of these roles and a key; a halt nobody can lift \
                 blocks every decision until the policy changes",
            ),
        );
    }
}

fn unsatisfiable_gates(
    policy: &CheckedPolicy,
    decls: &Declarations<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut requirements: Vec<&crate::ast::Requirement> = Vec::new();
    for (rule, _) in &decls.rules {
        if let crate::ast::OutcomeKind::Require(r) = &rule.outcome.kind {
            requirements.push(r);
        }
    }
    if let Some(o) = decls.default
        && let crate::ast::OutcomeKind::Require(r) = &o.kind
    {
        requirements.push(r);
    }
    if let Some(h) = decls.halt {
        for c in &h.clauses {
            if let crate::ast::HaltClause::ResumeRequire(r) = c {
                requirements.push(r);
            }
        }
    }
    for r in requirements {
        let humans_only = r.humans_only.is_some();
        let eligible: Vec<&str> = policy
            .approvers
            .iter()
            .filter(|a| !(humans_only && a.agent))
            .filter(|a| {
                a.roles
                    .iter()
                    .any(|held| r.roles.iter().any(|g| g.value == *held))
            })
            .map(|a| a.id.as_str())
            .collect();
        if (eligible.len() as u64) < u64::from(r.count.value) {
            let roles: Vec<&str> = r.roles.iter().map(|i| i.value.as_str()).collect();
            let who = if eligible.is_empty() {
                "no declared approver".to_string()
            } else {
                format!(
                    "only {} declared approver{} ({})",
                    eligible.len(),
                    if eligible.len() == 1 { "" } else { "s" },
                    eligible.join(", ")
                )
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::UnsatisfiableGate,
                    r.count.span,
                    format!(
                        "this gate needs {} approval{} from {}{}, but {who} can give one",
                        r.count.value,
                        if r.count.value == 1 { "" } else { "s" },
                        roles.join(", "),
                        if humans_only { " (humans only)" } else { "" }
                    ),
                )
                .with_label("can never be met")
                .with_help("declare more approvers holding these roles, or lower the count"),
            );
        }
    }
}
