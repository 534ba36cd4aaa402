//! Second pass: build the checked policy from the declarations.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::ast::{
    AttributeDecl, Expr, ExprKind, Ident, Outcome as AstOutcome, OutcomeKind, Requirement, TypeName,
};
use crate::checked::{
    Approver, Attribute, CheckedPolicy, Domain, Fact, GateSpec, HaltSettings, Helper, LicenseTier,
    NamedKey, Outcome, PathSet, Pattern, RISK_MAX, RISK_MIN, Risk, RiskFactor, RiskLevel, Rule,
    ScalarType, Scope, Type, UsageLimit, Value,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_PATTERNS, MAX_RULES};
use crate::shared_str::SharedStr;
use crate::source::SourceSet;

use super::declarations::Declarations;
use super::expr::{Context, ExprChecker};
use super::names::{Declared, HelperInfo, Names};

/// Names that mean something already and so cannot name a helper or a path set.
const RESERVED: &[&str] = &[
    "path",
    "added",
    "removed",
    "changed",
    "status",
    "action",
    "environment",
    "from_environment",
    "mode",
    "risk",
    "attr",
    "actor",
    "files",
    "lines",
    "directories",
    "change",
    "usage",
    "license",
    "min",
    "max",
    "lower",
];

pub(crate) fn build(
    sources: &SourceSet,
    decls: &Declarations<'_>,
    required: &mut BTreeSet<Fact>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CheckedPolicy> {
    let mut names = Names {
        environments: decls.environments.iter().map(|e| e.value.clone()).collect(),
        actions: Names::actions_from(&idents(&decls.actions)),
        kinds: Names::kinds_from(&idents(&decls.kinds)),
        tiers: decls
            .licenses
            .iter()
            .map(|l| l.name.value.clone())
            .collect(),
        ..Names::default()
    };
    for role in &decls.roles {
        if !names.roles.contains_key(&role.value) {
            names.role_order.push(role.value.clone());
            names.roles.insert(role.value.clone(), Declared::new());
        }
    }
    if let Some((risk, _)) = decls.risk {
        // Declared highest first; stored lowest first so index order is severity order.
        names.levels = risk
            .levels
            .iter()
            .rev()
            .map(|l| l.name.value.clone())
            .collect();
    }
    check_limits(decls, diagnostics);

    let mut sets = named_sets(decls, &mut names, diagnostics);
    let (attributes, attribute_types) = attributes(decls, &mut names, diagnostics);
    // A helper whose name is refused (E0037) is still known by that name, but never checked
    // (it has no `helper_info`): its uses then stand for nothing, silently, instead of each
    // being read as what the name otherwise means and reported again (found by QA: `let
    // path = 1` gave an E0032 at every use besides its E0037).
    let mut refused = HashSet::new();
    for (i, l) in decls.lets.iter().enumerate() {
        if reserved_or_symbol(&names, &l.name, "helper", diagnostics) {
            refused.insert(i);
        }
        names
            .helpers
            .entry(l.name.value.clone())
            .or_insert((i, Declared::new()));
    }
    names.helper_info = vec![None; decls.lets.len()];

    let mut regexes = Vec::new();
    let has_risk = decls.risk.is_some();
    let order = super::helpers::order(&decls.lets, diagnostics);
    let mut helpers: Vec<Option<Helper>> = vec![None; decls.lets.len()];
    for index in order {
        let Some(decl) = decls.lets.get(index).filter(|_| !refused.contains(&index)) else {
            continue;
        };
        let mut checker = ExprChecker {
            names: &names,
            diagnostics: &mut *diagnostics,
            sets: &mut sets,
            regexes: &mut regexes,
            required: &mut *required,
            attribute_types: &attribute_types,
            has_risk,
            context: Context {
                in_helper: true,
                ..Context::default()
            },
            used_file_facts: false,
            read_risk: false,
            has_quantifier: false,
        };
        let Some(value) = checker.check(&decl.value, None) else {
            continue;
        };
        let (file_scope, reads_risk, has_quantifier) = (
            checker.used_file_facts,
            checker.read_risk,
            checker.has_quantifier,
        );
        if file_scope && has_quantifier {
            diagnostics.push(
                Diagnostic::new(
                    Code::NestedQuantifier,
                    decl.value.span,
                    format!(
                        "helper `{}` reads per-file facts and also quantifies over files",
                        decl.name.value
                    ),
                )
                .with_label("per-file and all-files at once")
                .with_help("split it into a per-file helper and a separate condition"),
            );
            continue;
        }
        if let Some(slot) = names.helper_info.get_mut(index) {
            *slot = Some(HelperInfo {
                ty: value.ty,
                file_scope,
                reads_risk,
            });
        }
        if let Some(slot) = helpers.get_mut(index) {
            *slot = Some(Helper {
                name: decl.name.value.as_str().into(),
                value,
                scope: if file_scope {
                    Scope::File
                } else {
                    Scope::Request
                },
            });
        }
    }

    // Helpers in dependency order, so each one's expansion is known when it is used.
    let mut expansions = vec![super::expansion::Expansion::default(); decls.lets.len()];
    for index in super::helpers::order(&decls.lets, &mut Vec::new()) {
        if let (Some(Some(helper)), Some(decl)) = (helpers.get(index), decls.lets.get(index)) {
            let e = super::expansion::expansion(&helper.value, &expansions);
            if let Some(d) =
                super::expansion::check(e, &format!("helper `{}`", decl.name.value), decl.name.span)
            {
                diagnostics.push(d);
            }
            if let Some(slot) = expansions.get_mut(index) {
                *slot = e;
            }
        }
    }

    let mut checker = ExprChecker {
        names: &names,
        diagnostics: &mut *diagnostics,
        sets: &mut sets,
        regexes: &mut regexes,
        required: &mut *required,
        attribute_types: &attribute_types,
        has_risk,
        context: Context::default(),
        used_file_facts: false,
        read_risk: false,
        has_quantifier: false,
    };

    let risk = decls
        .risk
        .and_then(|(decl, span)| risk(&mut checker, decl, span));
    let licenses = licenses(&mut checker, decls);
    let default = decls.default.and_then(|o| outcome(&mut checker, o));
    let mut rules = Vec::new();
    for (rule, span) in &decls.rules {
        let condition = checker.condition(&rule.condition, "a rule's `when`");
        let outcome = outcome(&mut checker, &rule.outcome);
        if let (Some(condition), Some(outcome)) = (condition, outcome) {
            let e = super::expansion::expansion(&condition, &expansions);
            if let Some(d) =
                super::expansion::check(e, &format!("rule `{}`", rule.name.value), rule.name.span)
            {
                checker.diagnostics.push(d);
            }
            rules.push(Rule {
                name: rule.name.value.as_str().into(),
                title: rule.title.as_ref().map(|t| t.value.as_str().into()),
                condition,
                outcome,
                span: *span,
            });
        }
    }
    // Rules fire independently and their order never matters; ordering them by name makes
    // every list in a decision (fired rules, gates, reasons) independent of where rules were
    // written and in which file.
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    let halt = halt(&mut checker, decls);
    let override_by = roles(&mut checker, &decls.override_by);
    let approvers = approvers(&mut checker, decls);

    let name = match decls.policy_name {
        Some(n) => n.value.clone(),
        None => {
            let first = sources
                .iter()
                .next()
                .map(|(_, f)| f.name.clone())
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::for_file(Code::MissingPolicyName, first, "the policy has no name")
                    .with_help("add `policy \"my-policy\"` to one of its files"),
            );
            String::new()
        }
    };
    report_dropped(
        sources,
        [
            (rules.len() != decls.rules.len(), "a rule"),
            (decls.default.is_some() && default.is_none(), "the default"),
            (decls.risk.is_some() && risk.is_none(), "the risk block"),
        ],
        diagnostics,
    );
    let helpers: Vec<Helper> = helpers.into_iter().flatten().collect();
    if helpers.len() != decls.lets.len() {
        // Some helper failed; its uses already produced no result. Not buildable.
        return None;
    }
    let mut quoted = crate::compile::SpanMap::default();
    for (rule, _) in &decls.rules {
        quote_parts(&rule.condition, &mut quoted);
    }
    for helper in &decls.lets {
        quote_parts(&helper.value, &mut quoted);
    }
    if let Some((risk, _)) = decls.risk {
        for factor in &risk.factors {
            quote_parts(&factor.condition, &mut quoted);
        }
    }
    Some(CheckedPolicy {
        quoted,
        name,
        environments: names.environments.clone(),
        roles: names.role_order.clone(),
        actions: names.actions.clone(),
        kinds: names.kinds.clone(),
        approvers,
        signers: decls
            .signers
            .iter()
            .map(|s| NamedKey {
                name: s.name.value.clone(),
                key: s.key.value.clone(),
            })
            .collect(),
        license_authorities: decls
            .license_authorities
            .iter()
            .map(|k| k.value.clone())
            .collect(),
        sets,
        regexes,
        attributes_by_name: by_name(&attributes),
        attributes,
        helpers,
        risk,
        licenses,
        default,
        rules,
        halt,
        override_by,
        required_facts: required.iter().cloned().collect(),
        sources: sources.clone(),
        spec_hash: [0; 32],
    })
    .filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
}

/// The positions of `attributes`, ordered by name (see `CheckedPolicy::attributes_by_name`).
fn by_name(attributes: &[Attribute]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..attributes.len()).collect();
    order.sort_by(|&a, &b| {
        let name = |i: usize| {
            attributes
                .get(i)
                .map_or("", |a: &Attribute| a.name.as_str())
        };
        name(a).cmp(name(b))
    });
    order
}

fn idents(list: &[&Ident]) -> Vec<String> {
    list.iter().map(|i| i.value.clone()).collect()
}

fn reserved_or_symbol(
    names: &Names,
    ident: &Ident,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let name = ident.value.as_str();
    let clash = if RESERVED.contains(&name) {
        Some("a built-in name".to_string())
    } else if names.environments.iter().any(|e| e == name) {
        Some("an environment".to_string())
    } else if names.levels.iter().any(|e| e == name) {
        Some("a risk level".to_string())
    } else if names.tiers.iter().any(|e| e == name) {
        Some("a license tier".to_string())
    } else if what == "helper" && names.sets.contains_key(name) {
        Some("a path set".to_string())
    } else if what == "helper" {
        // A helper comes first when a name is read (language.md §5.3): named like a value of
        // a closed domain, it would stand for itself where the value was meant
        // (`let deploy = "x"` made `action == deploy` a type error; found by QA).
        [
            (Domain::Action, "an action"),
            (Domain::ChangeKind, "a change kind"),
            (Domain::Status, "a file status"),
            (Domain::Version, "a change version"),
            (Domain::Mode, "a mode"),
            (Domain::ActorKind, "an actor kind"),
        ]
        .into_iter()
        .find(|(domain, _)| names.is_member(*domain, name))
        .map(|(_, what)| what.to_string())
    } else {
        None
    };
    match clash {
        Some(what_else) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::ReservedName,
                    ident.span,
                    format!("{what} `{name}` has the same name as {what_else}"),
                )
                .with_label("ambiguous name")
                .with_help(format!("rename the {what}")),
            );
            true
        }
        None => false,
    }
}

fn check_limits(decls: &Declarations<'_>, diagnostics: &mut Vec<Diagnostic>) {
    if decls.rules.len() > MAX_RULES
        && let Some((rule, _)) = decls.rules.get(MAX_RULES)
    {
        diagnostics.push(
            Diagnostic::new(
                Code::TooLarge,
                rule.name.span,
                format!(
                    "the policy has {} rules, more than the limit of {MAX_RULES}",
                    decls.rules.len()
                ),
            )
            .with_label("limit exceeded here"),
        );
    }
    let patterns: usize = decls.sets.iter().map(|s| s.patterns.len()).sum();
    if patterns > MAX_PATTERNS
        && let Some(set) = decls.sets.last()
    {
        diagnostics.push(
            Diagnostic::new(
                Code::TooLarge,
                set.name.span,
                format!(
                    "the policy has {patterns} glob patterns, more than the limit of {MAX_PATTERNS}"
                ),
            )
            .with_label("limit exceeded"),
        );
    }
}

fn named_sets(
    decls: &Declarations<'_>,
    names: &mut Names,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathSet> {
    let mut sets = Vec::new();
    for decl in &decls.sets {
        if names.sets.contains_key(&decl.name.value)
            || reserved_or_symbol(names, &decl.name, "path set", diagnostics)
        {
            continue;
        }
        if decl.patterns.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::EmptySet,
                    decl.name.span,
                    format!("path set `{}` has no patterns", decl.name.value),
                )
                .with_label("empty set")
                .with_help("an empty set matches nothing: `any file in` it is always false and `all files in` it is true only without files; add patterns or remove it"),
            );
        }
        let mut patterns = Vec::new();
        for glob in &decl.patterns {
            if let Some(engine) = super::patterns::validate_glob(glob, diagnostics) {
                patterns.push(Pattern {
                    glob: glob.value.as_str().into(),
                    engine,
                    span: glob.span,
                });
            }
        }
        names
            .sets
            .insert(decl.name.value.clone(), (sets.len(), Declared::new()));
        sets.push(PathSet {
            name: decl.name.value.as_str().into(),
            inline: false,
            patterns,
        });
    }
    sets
}

fn type_of(name: TypeName) -> Type {
    match name {
        TypeName::String => Type::String,
        TypeName::Number => Type::Number,
        TypeName::Bool => Type::Bool,
        TypeName::ListString => Type::List(ScalarType::String),
        TypeName::ListNumber => Type::List(ScalarType::Number),
        TypeName::ListBool => Type::List(ScalarType::Bool),
    }
}

fn attributes(
    decls: &Declarations<'_>,
    names: &mut Names,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Attribute>, Vec<Type>) {
    let mut attributes = Vec::new();
    let mut types = Vec::new();
    for decl in &decls.attributes {
        let name = attribute_name(decl);
        if names.attributes.contains_key(&name) {
            continue;
        }
        let ty = type_of(decl.ty.value);
        let default = decl
            .default
            .as_ref()
            .and_then(|d| constant(d, ty, diagnostics));
        names
            .attributes
            .insert(name.clone(), (attributes.len(), Declared::new()));
        attributes.push(Attribute { name, ty, default });
        types.push(ty);
    }
    (attributes, types)
}

fn attribute_name(decl: &AttributeDecl) -> String {
    decl.name
        .iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// An attribute default: a literal of the declared type.
fn constant(expr: &Expr, ty: Type, diagnostics: &mut Vec<Diagnostic>) -> Option<Value> {
    let scalar = |e: &Expr, t: Type| -> Option<Value> {
        match (&e.kind, t) {
            (ExprKind::Bool(b), Type::Bool) => Some(Value::Bool(*b)),
            (ExprKind::Number(n), Type::Number) => Some(Value::Number(*n)),
            (ExprKind::String(s), Type::String) => Some(Value::String(s.value.clone())),
            _ => None,
        }
    };
    let value = match (&expr.kind, ty) {
        (ExprKind::List(items), Type::List(s)) => items
            .iter()
            .map(|i| scalar(i, s.as_type()))
            .collect::<Option<Vec<_>>>()
            .map(Value::List),
        (_, t) => scalar(expr, t),
    };
    if value.is_none() {
        diagnostics.push(
            Diagnostic::new(
                Code::NotConstant,
                expr.span,
                format!("the default of a `{ty}` attribute must be a {ty} literal"),
            )
            .with_label("not a literal of the declared type"),
        );
    }
    value
}

fn risk(
    checker: &mut ExprChecker<'_>,
    decl: &crate::ast::RiskDecl,
    span: crate::ast::Span,
) -> Option<Risk> {
    let outer = checker.context;
    checker.context.in_risk = true;
    let mut factors = Vec::new();
    let mut ok = true;
    // Decisions and coverage name factors by label: two with one label could not be told
    // apart (found by QA: coverage counted a factor that never contributed as covered).
    let mut labels: HashMap<String, crate::ast::Span> = HashMap::new();
    for factor in &decl.factors {
        let weight = checker.number(&factor.weight, "a risk weight");
        let condition = checker.condition(&factor.condition, "a risk factor's `when`");
        match (weight, condition) {
            (Some(weight), Some(condition)) => {
                let label = match &factor.label {
                    Some(l) => l.value.clone(),
                    // As evidence shows conditions: as `gavel fmt` prints it, so that the
                    // label follows the policy's meaning, not its layout or comments.
                    None => crate::fmt::print_expr(&factor.condition),
                };
                let at = factor
                    .label
                    .as_ref()
                    .map_or(factor.condition.span, |l| l.span);
                if let Some(first) = labels.insert(label.clone(), at) {
                    checker.diagnostics.push(
                        Diagnostic::new(
                            Code::Duplicate,
                            at,
                            format!("a second risk factor named `{label}`"),
                        )
                        .with_label("named as an earlier factor")
                        .with_secondary(first, "first factor with this name")
                        .with_help(
                            "decisions name the factors that applied by their labels: give \
                             each its own `as \"LABEL\"`",
                        ),
                    );
                    ok = false;
                }
                factors.push(RiskFactor {
                    label: label.into(),
                    weight,
                    condition,
                });
            }
            _ => ok = false,
        }
    }
    checker.context = outer;
    let mut levels = Vec::new();
    let mut previous: Option<crate::number::Decimal> = None;
    let count = decl.levels.len();
    // Written lowest first (`low, high >= 50`): one mistake, said once, rather than as a
    // level without threshold and a last level with one (found by QA).
    let reversed = count >= 2
        && decl.levels.first().is_some_and(|l| l.threshold.is_none())
        && decl.levels.iter().skip(1).all(|l| l.threshold.is_some());
    if reversed {
        let order: Vec<String> = decl
            .levels
            .iter()
            .rev()
            .map(|l| match &l.threshold {
                Some(t) => format!("{} >= {}", l.name.value, t.value),
                None => l.name.value.clone(),
            })
            .collect();
        let first = decl.levels.first().map_or(span, |l| l.name.span);
        checker.diagnostics.push(
            Diagnostic::new(Code::BadLevels, first, "the levels are listed lowest first")
                .with_label("the catch-all comes last")
                .with_help(format!(
                    "list them from the highest threshold down: `levels {{ {} }}`",
                    order.join(", ")
                )),
        );
        ok = false;
    }
    for (i, level) in decl.levels.iter().enumerate() {
        let last = i + 1 == count;
        match (&level.threshold, last) {
            _ if reversed => {}
            (Some(t), true) => {
                checker.diagnostics.push(
                    Diagnostic::new(
                        Code::BadLevels,
                        t.span,
                        format!("the last level `{}` must be the catch-all, without a threshold", level.name.value),
                    )
                    .with_label("remove this threshold")
                    .with_help("levels go from the highest threshold down to a final level that takes every lower score"),
                );
                ok = false;
            }
            (None, false) => {
                checker.diagnostics.push(
                    Diagnostic::new(
                        Code::BadLevels,
                        level.name.span,
                        format!(
                            "level `{}` needs a threshold (`{} >= N`)",
                            level.name.value, level.name.value
                        ),
                    )
                    .with_label("only the last level may omit its threshold"),
                );
                ok = false;
            }
            (Some(t), false) => {
                if t.value < RISK_MIN || t.value > RISK_MAX {
                    checker.diagnostics.push(
                        Diagnostic::new(
                            Code::BadLevels,
                            t.span,
                            format!("threshold {} is outside the score range 0..100", t.value),
                        )
                        .with_label("out of range"),
                    );
                    ok = false;
                }
                if let Some(p) = previous
                    && t.value >= p
                {
                    checker.diagnostics.push(
                        Diagnostic::new(
                            Code::BadLevels,
                            t.span,
                            format!(
                                "threshold {} is not below the previous level's {p}",
                                t.value
                            ),
                        )
                        .with_label("thresholds must decrease")
                        .with_help("list levels from the highest threshold to the lowest"),
                    );
                    ok = false;
                }
                previous = Some(t.value);
            }
            (None, true) => {}
        }
        levels.push(RiskLevel {
            name: level.name.value.as_str().into(),
            threshold: level.threshold.as_ref().map(|t| t.value),
        });
    }
    if decl.factors.is_empty() {
        checker.diagnostics.push(
            Diagnostic::new(Code::BadLevels, span, "the risk block has no factors")
                .with_label("the score would always be 0")
                .with_help("add factors: `WEIGHT when CONDITION`"),
        );
        ok = false;
    }
    ok.then_some(Risk { factors, levels })
}

fn licenses(checker: &mut ExprChecker<'_>, decls: &Declarations<'_>) -> Vec<LicenseTier> {
    use crate::ast::LicenseClause;
    let mut tiers = Vec::new();
    for decl in &decls.licenses {
        let mut environments: Option<Vec<String>> = None;
        let mut features = Vec::new();
        let mut limits: Vec<UsageLimit> = Vec::new();
        for clause in &decl.clauses {
            match clause {
                LicenseClause::Environments(envs) => {
                    if environments.is_some() {
                        checker.diagnostics.push(
                            Diagnostic::new(
                                Code::BadLicense,
                                decl.name.span,
                                format!("tier `{}` lists its environments twice", decl.name.value),
                            )
                            .with_label("one `environments` clause per tier"),
                        );
                    }
                    let mut list = Vec::new();
                    for env in envs {
                        if checker.names.is_member(Domain::Environment, &env.value) {
                            list.push(env.value.clone());
                        } else {
                            checker.unknown_symbol(Domain::Environment, env);
                        }
                    }
                    environments = Some(list);
                }
                LicenseClause::Features(list) => {
                    features.extend(list.iter().map(|f| f.value.clone()));
                }
                LicenseClause::Limit {
                    counter,
                    max,
                    actions,
                } => {
                    if limits.iter().any(|l| l.counter == counter.value) {
                        checker.diagnostics.push(
                            Diagnostic::new(
                                Code::BadLicense,
                                counter.span,
                                format!(
                                    "tier `{}` limits `{}` twice",
                                    decl.name.value, counter.value
                                ),
                            )
                            .with_label("second limit"),
                        );
                    }
                    let mut known = Vec::with_capacity(actions.len());
                    for action in actions {
                        if !checker.names.is_member(Domain::Action, &action.value) {
                            checker.unknown_symbol(Domain::Action, action);
                        } else if !known.contains(&action.value) {
                            known.push(action.value.clone());
                        }
                    }
                    limits.push(UsageLimit {
                        counter: counter.value.clone(),
                        max: max.value,
                        actions: known,
                    });
                }
            }
        }
        tiers.push(LicenseTier {
            name: decl.name.value.as_str().into(),
            environments,
            features,
            limits,
        });
    }
    tiers
}

fn outcome(checker: &mut ExprChecker<'_>, outcome: &AstOutcome) -> Option<Outcome> {
    match &outcome.kind {
        OutcomeKind::AutoApprove => Some(Outcome::AutoApprove),
        OutcomeKind::Notify(m) => checker.message(m).map(Outcome::Notify),
        OutcomeKind::Block(m) => checker.message(m).map(Outcome::Block),
        OutcomeKind::Require(r) => gate(checker, r).map(Outcome::Require),
    }
}

fn gate(checker: &mut ExprChecker<'_>, r: &Requirement) -> Option<GateSpec> {
    let mut ok = true;
    if r.count.value == 0 {
        checker.diagnostics.push(
            Diagnostic::new(
                Code::BadRequirement,
                r.count.span,
                "a requirement of 0 approvals",
            )
            .with_label("needs at least 1")
            .with_help("use `auto_approve` or `notify` when no approval is needed"),
        );
        ok = false;
    }
    if r.within.as_ref().is_some_and(|w| w.value.seconds() == 0) {
        if let Some(w) = &r.within {
            checker.diagnostics.push(
                Diagnostic::new(Code::BadRequirement, w.span, "an approval window of zero")
                    .with_label("nobody could approve in time"),
            );
        }
        ok = false;
    }
    let refs: Vec<&Ident> = r.roles.iter().collect();
    let errors_before = checker.diagnostics.iter().filter(|d| d.is_error()).count();
    let roles = roles(checker, &refs);
    // Only an unknown role (an error, reported) makes the gate unusable. A role named twice
    // used to as well, with no diagnostic: the rule was dropped in silence, and what it
    // gated was auto-approved.
    if checker.diagnostics.iter().filter(|d| d.is_error()).count() > errors_before {
        ok = false;
    }
    ok.then(|| GateSpec {
        count: r.count.value,
        roles: roles.into_iter().map(SharedStr::from).collect(),
        within: r.within.as_ref().map(|w| w.value),
        humans_only: r.humans_only.is_some(),
        scope: r.scope.iter().map(|c| c.value.clone()).collect(),
    })
}

/// Records how decisions quote `expr` and the parts evidence can show of it — the operands
/// of `and` and `or`, what `not`, `if` and parentheses hold — as `gavel fmt` prints each.
/// Printed from the tree here, rather than parsed again from the text whenever a policy is
/// compiled (that cost a third more to check a policy of 1,000 rules).
fn quote_parts(expr: &crate::ast::Expr, quoted: &mut crate::compile::SpanMap<SharedStr>) {
    use crate::ast::ExprKind;
    crate::stack::guarded(|| {
        quoted.insert(expr.span, crate::fmt::print_expr(expr).into());
        match &expr.kind {
            ExprKind::And(items) | ExprKind::Or(items) => {
                items.iter().for_each(|item| quote_parts(item, quoted));
            }
            ExprKind::Not(inner) | ExprKind::Paren(inner) => quote_parts(inner, quoted),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                for part in [cond, then, otherwise] {
                    quote_parts(part, quoted);
                }
            }
            _ => {}
        }
    });
}

/// The net under every declaration: one written (`dropped`: `(not built, what)`) but not
/// built must have an error saying why. Without one it would be left out in silence — a
/// policy deciding without a rule it has fails open (a role named twice in a gate once did
/// this) — so the policy is refused with E0009.
fn report_dropped<const N: usize>(
    sources: &SourceSet,
    dropped: [(bool, &str); N],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    let first = sources
        .iter()
        .next()
        .map(|(_, f)| f.name.clone())
        .unwrap_or_default();
    for (_, what) in dropped.iter().filter(|(dropped, _)| *dropped) {
        diagnostics.push(Diagnostic::for_file(
            Code::Dropped,
            &first,
            format!(
                "{what} could not be built, and no other error says why; the policy is refused \
                 rather than used without it (please report this)"
            ),
        ));
    }
}

/// Resolves role names, reporting unknown ones (errors) and repeated ones (W0013, harmless:
/// the list means the same with the role once); returns the known ones, each once.
fn roles(checker: &mut ExprChecker<'_>, roles: &[&Ident]) -> Vec<String> {
    let mut out = Vec::new();
    for role in roles {
        if checker.names.use_role(&role.value) {
            if out.contains(&role.value) {
                checker.diagnostics.push(
                    Diagnostic::new(
                        Code::RepeatedRole,
                        role.span,
                        format!("role `{}` is named twice in this list", role.value),
                    )
                    .with_label("named already")
                    .with_help("name each role once; the list means the same"),
                );
            } else {
                out.push(role.value.clone());
            }
        } else {
            checker.unknown_role(role);
        }
    }
    out
}

/// Reports an approver one person could act as besides an earlier one: ids that name one
/// person (`crate::person`: other case, accents composed otherwise, invisible characters —
/// self-approval compares ids so, so they are one person there and must be one everywhere),
/// or the same key (whoever holds it signs as both, and would count
/// twice toward a gate of two approvals, or approve their own request under the other id).
fn same_person(
    checker: &mut ExprChecker<'_>,
    decl: &crate::ast::ApproverDecl,
    key: Option<[u8; 32]>,
    people: &[(String, Option<[u8; 32]>, crate::ast::Span)],
) {
    let id = crate::person::person_key(&decl.id.value);
    for (other_id, other_key, other_span) in people {
        let (what, help) = if *other_id == id {
            (
                "names the same person as another approver's id (it differs only in letter case, \
                 accents written otherwise or invisible characters)",
                "ids are compared so when an approver's own request is judged; declare the \
                 person once",
            )
        } else if key.is_some() && key == *other_key {
            (
                "has the same key as another approver",
                "whoever holds the key can sign as both and count twice toward one gate; \
                 give each person their own key (`gavel keys new NAME`)",
            )
        } else {
            continue;
        };
        checker.diagnostics.push(
            Diagnostic::new(
                Code::SamePerson,
                decl.id.span,
                format!("approver `{}` {what}", decl.id.value),
            )
            .with_label("declared here")
            .with_secondary(*other_span, "the other approver")
            .with_help(help),
        );
        return;
    }
}

fn halt(checker: &mut ExprChecker<'_>, decls: &Declarations<'_>) -> HaltSettings {
    use crate::ast::HaltClause;
    let mut settings = HaltSettings::default();
    // `by` and `resume by` add up; `resume require` is one gate (found by QA: a second one
    // replaced the first without a word).
    let mut first_require: Option<crate::ast::Span> = None;
    if let Some(halt) = decls.halt {
        for clause in &halt.clauses {
            if let HaltClause::ResumeRequire(r) = clause {
                match first_require {
                    Some(first) => {
                        checker.diagnostics.push(
                            Diagnostic::new(
                                Code::Duplicate,
                                r.count.span,
                                "`resume require` is given twice in `halt`",
                            )
                            .with_label("given again here")
                            .with_secondary(first, "first given here")
                            .with_help(
                                "a resume needs one set of approvals: keep the requirement you \
                                 mean and remove the other",
                            ),
                        );
                        continue;
                    }
                    None => first_require = Some(r.count.span),
                }
            }
            match clause {
                HaltClause::By {
                    roles: list,
                    humans_only,
                } => {
                    let refs: Vec<&Ident> = list.iter().collect();
                    settings.by.extend(roles(checker, &refs));
                    settings.by_humans_only |= humans_only;
                }
                HaltClause::ResumeBy {
                    roles: list,
                    humans_only,
                } => {
                    let refs: Vec<&Ident> = list.iter().collect();
                    settings.resume_by.extend(roles(checker, &refs));
                    settings.resume_by_humans_only |= humans_only;
                }
                HaltClause::ResumeRequire(r) => settings.resume_require = gate(checker, r),
            }
        }
    }
    settings
}

fn approvers(checker: &mut ExprChecker<'_>, decls: &Declarations<'_>) -> Vec<Approver> {
    let mut seen = HashMap::new();
    // Each approver's id without ASCII case, and key, with where it was declared: two
    // approvers that one person could act as (see `same_person`).
    let mut people: Vec<(String, Option<[u8; 32]>, crate::ast::Span)> = Vec::new();
    let mut out = Vec::new();
    for decl in &decls.approvers {
        let id = &decl.id.value;
        // Approvals name their approver by id; an empty one is a declaration nobody can be
        // matched to, and `approver ""` is what a failed substitution leaves behind.
        if id.trim().is_empty() {
            checker.diagnostics.push(
                Diagnostic::new(Code::EmptyApproverId, decl.id.span, "approver id is empty")
                    .with_label("approvals are matched to approvers by this id")
                    .with_help(
                        "write the approver's id, e.g. `approver \"alice@example.com\" ...`",
                    ),
            );
        } else if id.trim() != id {
            // `"alice "` reads as `alice` to every reviewer, and a request by `alice ` or
            // `alice` must not be approvable by it.
            checker.diagnostics.push(
                Diagnostic::new(
                    Code::EmptyApproverId,
                    decl.id.span,
                    "approver id starts or ends with whitespace",
                )
                .with_label("approvals are matched to approvers by this id, spaces included")
                .with_help(format!(
                    "write the id without the spaces: `approver {:?} ...`",
                    id.trim()
                )),
            );
        }
        if seen.insert(id.clone(), ()).is_some() {
            continue;
        }
        let key = decl
            .key
            .as_ref()
            .and_then(|k| crate::keys::PublicKey::parse(&k.value).ok())
            .map(|k| k.to_bytes());
        same_person(checker, decl, key, &people);
        people.push((crate::person::person_key(id), key, decl.id.span));
        let mut held = Vec::new();
        for role in &decl.roles {
            if checker.names.roles.contains_key(&role.value) {
                held.push(role.value.clone());
            } else {
                checker.unknown_role(role);
            }
        }
        if let Some(key) = &decl.key {
            super::keys::validate_key(key, checker.diagnostics);
        }
        out.push(Approver {
            id: decl.id.value.clone(),
            roles: held,
            agent: decl.agent.is_some(),
            key: decl.key.as_ref().map(|k| k.value.clone()),
        });
    }
    for signer in &decls.signers {
        super::keys::validate_key(&signer.key, checker.diagnostics);
    }
    for key in &decls.license_authorities {
        super::keys::validate_key(key, checker.diagnostics);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E0009 cannot come from a policy without a bug in gavel; the net itself is tested here.
    #[test]
    fn a_declaration_dropped_without_an_error_refuses_the_policy() {
        let mut sources = SourceSet::new();
        sources.add("main.gavel", "policy \"p\"\n".to_string());
        let mut diagnostics = Vec::new();
        report_dropped(
            &sources,
            [(true, "a rule"), (false, "the default")],
            &mut diagnostics,
        );
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::Dropped);
        assert!(diagnostics[0].is_error());
        assert!(
            diagnostics[0]
                .message
                .starts_with("a rule could not be built")
        );
        // An error already saying why is enough.
        let mut diagnostics = vec![Diagnostic::for_file(Code::Syntax, "main.gavel", "x")];
        report_dropped(&sources, [(true, "a rule")], &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        // Nothing dropped, nothing said.
        let mut diagnostics = Vec::new();
        report_dropped(&sources, [(false, "a rule")], &mut diagnostics);
        assert!(diagnostics.is_empty());
    }
}
