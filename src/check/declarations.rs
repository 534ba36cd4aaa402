//! First pass: gather every declaration of every file into one table, reporting duplicates.
//!
//! Several `.gavel` files in a directory form one policy, so names are global across files.

use std::collections::HashMap;

use crate::ast::{
    ApproverDecl, AttributeDecl, HaltDecl, Ident, ItemKind, LetDecl, LicenseDecl, Outcome,
    PathSetDecl, PolicyFile, RiskDecl, RuleDecl, SignerDecl, Span, StrLit,
};
use crate::diagnostic::{Code, Diagnostic};

/// Every declaration of the policy, by kind, in source order (files in name order).
#[derive(Default)]
pub(crate) struct Declarations<'a> {
    pub policy_name: Option<&'a StrLit>,
    pub environments: Vec<&'a Ident>,
    pub environments_span: Option<Span>,
    pub roles: Vec<&'a Ident>,
    pub actions: Vec<&'a Ident>,
    pub kinds: Vec<&'a Ident>,
    pub approvers: Vec<&'a ApproverDecl>,
    pub signers: Vec<&'a SignerDecl>,
    pub license_authorities: Vec<&'a StrLit>,
    pub sets: Vec<&'a PathSetDecl>,
    pub attributes: Vec<&'a AttributeDecl>,
    pub lets: Vec<&'a LetDecl>,
    pub risk: Option<(&'a RiskDecl, Span)>,
    pub licenses: Vec<&'a LicenseDecl>,
    pub default: Option<&'a Outcome>,
    pub rules: Vec<(&'a RuleDecl, Span)>,
    pub halt: Option<&'a HaltDecl>,
    pub override_by: Vec<&'a Ident>,
}

/// Tracks names of one namespace to report the second declaration of any of them.
struct Unique<'d> {
    what: &'static str,
    seen: HashMap<String, Span>,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Unique<'_> {
    fn insert(&mut self, name: &str, span: Span) {
        if let Some(first) = self.seen.get(name) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::Duplicate,
                    span,
                    format!("{} `{name}` is declared twice", self.what),
                )
                .with_label("declared again here")
                .with_secondary(*first, "first declared here")
                .with_help(format!("rename or remove one of the two {}s", self.what)),
            );
        } else {
            self.seen.insert(name.to_string(), span);
        }
    }
}

/// Reports a once-only item (`policy`, `default`, `risk`...) appearing again.
fn once<T: Copy>(
    slot: &mut Option<T>,
    first_span: &mut Option<Span>,
    value: T,
    span: Span,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match first_span {
        Some(first) => diagnostics.push(
            Diagnostic::new(
                Code::Duplicate,
                span,
                format!("a policy has one `{what}` declaration, this is a second"),
            )
            .with_label("second declaration")
            .with_secondary(*first, "first declared here")
            .with_help("merge the two declarations"),
        ),
        None => {
            *slot = Some(value);
            *first_span = Some(span);
        }
    }
}

/// Collects declarations across files, reporting duplicates of every kind.
pub(crate) fn collect<'a>(
    files: &'a [PolicyFile],
    diagnostics: &mut Vec<Diagnostic>,
) -> Declarations<'a> {
    let mut decls = Declarations::default();
    let mut policy_span = None;
    let mut default_span = None;
    let mut risk_span = None;
    let mut halt_span = None;
    for file in files {
        for item in &file.items {
            let span = item.span;
            match &item.kind {
                ItemKind::Policy(name) => once(
                    &mut decls.policy_name,
                    &mut policy_span,
                    name,
                    span,
                    "policy",
                    diagnostics,
                ),
                ItemKind::Environments(envs) => {
                    if let Some(first) = decls.environments_span {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::Duplicate,
                                span,
                                "a policy declares its environments once, in promotion order",
                            )
                            .with_label("second declaration")
                            .with_secondary(first, "first declared here")
                            .with_help("write one `environments a -> b -> c` line"),
                        );
                    } else {
                        decls.environments_span = Some(span);
                        decls.environments.extend(envs.iter());
                    }
                }
                ItemKind::Roles(roles) => decls.roles.extend(roles.iter()),
                ItemKind::Actions(actions) => decls.actions.extend(actions.iter()),
                ItemKind::Kinds(kinds) => decls.kinds.extend(kinds.iter()),
                ItemKind::Approver(a) => decls.approvers.push(a),
                ItemKind::Signer(s) => decls.signers.push(s),
                ItemKind::LicenseAuthority(k) => decls.license_authorities.push(k),
                ItemKind::Paths(p) => decls.sets.push(p),
                ItemKind::Attribute(a) => decls.attributes.push(a),
                ItemKind::Let(l) => decls.lets.push(l),
                ItemKind::Risk(r) => {
                    let mut slot = decls.risk.map(|(r, _)| r);
                    once(&mut slot, &mut risk_span, r, span, "risk", diagnostics);
                    if decls.risk.is_none() {
                        decls.risk = slot.map(|r| (r, span));
                    }
                }
                ItemKind::License(l) => decls.licenses.push(l),
                ItemKind::Default(o) => once(
                    &mut decls.default,
                    &mut default_span,
                    o,
                    span,
                    "default",
                    diagnostics,
                ),
                ItemKind::Rule(r) => decls.rules.push((r, span)),
                ItemKind::Halt(h) => once(
                    &mut decls.halt,
                    &mut halt_span,
                    h,
                    span,
                    "halt",
                    diagnostics,
                ),
                ItemKind::Override(roles) => decls.override_by.extend(roles.iter()),
            }
        }
    }
    report_duplicate_names(&decls, diagnostics);
    decls
}

fn report_duplicate_names(decls: &Declarations<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let mut check = |what: &'static str, names: Vec<(&str, Span)>| {
        let mut unique = Unique {
            what,
            seen: HashMap::new(),
            diagnostics: &mut *diagnostics,
        };
        for (name, span) in names {
            unique.insert(name, span);
        }
    };
    let idents = |list: &[&Ident]| -> Vec<(String, Span)> {
        list.iter().map(|i| (i.value.clone(), i.span)).collect()
    };
    let envs = idents(&decls.environments);
    check(
        "environment",
        envs.iter().map(|(n, s)| (n.as_str(), *s)).collect(),
    );
    let roles = idents(&decls.roles);
    check(
        "role",
        roles.iter().map(|(n, s)| (n.as_str(), *s)).collect(),
    );
    let actions = idents(&decls.actions);
    check(
        "action",
        actions.iter().map(|(n, s)| (n.as_str(), *s)).collect(),
    );
    let kinds = idents(&decls.kinds);
    check(
        "change kind",
        kinds.iter().map(|(n, s)| (n.as_str(), *s)).collect(),
    );
    let approvers: Vec<(String, Span)> = decls
        .approvers
        .iter()
        .map(|a| (a.id.value.clone(), a.id.span))
        .collect();
    check(
        "approver",
        approvers.iter().map(|(n, s)| (n.as_str(), *s)).collect(),
    );
    check(
        "path set",
        decls
            .sets
            .iter()
            .map(|s| (s.name.value.as_str(), s.name.span))
            .collect(),
    );
    let attributes: Vec<(String, Span)> = decls
        .attributes
        .iter()
        .map(|a| {
            let name = a
                .name
                .iter()
                .map(|p| p.value.as_str())
                .collect::<Vec<_>>()
                .join(".");
            let span = match (a.name.first(), a.name.last()) {
                (Some(f), Some(l)) => f.span.to(l.span),
                _ => a.ty.span,
            };
            (name, span)
        })
        .collect();
    check(
        "attribute",
        attributes.iter().map(|(n, s)| (n.as_str(), *s)).collect(),
    );
    check(
        "helper",
        decls
            .lets
            .iter()
            .map(|l| (l.name.value.as_str(), l.name.span))
            .collect(),
    );
    check(
        "license tier",
        decls
            .licenses
            .iter()
            .map(|l| (l.name.value.as_str(), l.name.span))
            .collect(),
    );
    check(
        "rule",
        decls
            .rules
            .iter()
            .map(|(r, _)| (r.name.value.as_str(), r.name.span))
            .collect(),
    );
    if let Some((risk, _)) = decls.risk {
        check(
            "risk level",
            risk.levels
                .iter()
                .map(|l| (l.name.value.as_str(), l.name.span))
                .collect(),
        );
    }
}
