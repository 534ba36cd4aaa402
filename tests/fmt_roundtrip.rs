//! Property tests of the formatter.
//!
//! Random policy trees (every item and expression kind, names from small pools) are written
//! out by a deliberately messy printer: random spaces, tabs and line breaks, optional commas
//! and semicolons, `approval`/`approvals` and `file`/`files` at random, non-canonical numbers
//! and durations, and comments at line ends and on lines of their own. Parsing that text gives
//! `p`; the formatter must then give text that parses back to `p`, formats to itself, and
//! holds exactly the comments the messy text held.
//!
//! A second property prints the random trees directly with `print_bare`: trees built in code
//! lack the parentheses their text may need, and the printer must add them so that the text
//! re-parses to the same meaning.

use gavel::ast::{
    ApproverDecl, ArithOp, AttributeDecl, CompareOp, Expr, ExprKind, FileFilter, FileId,
    HaltClause, HaltDecl, Ident, Item, ItemKind, LetDecl, LicenseClause, LicenseDecl, Outcome,
    OutcomeKind, PathSetDecl, PolicyFile, Quantifier, RegexLit, Requirement, RiskDecl, RiskFactor,
    RiskLevel, RuleDecl, SignerDecl, Span, Spanned, StrLit, StrOp, TypeName,
};
use gavel::fmt::{format_source, print_bare};
use gavel::number::{Decimal, Duration};
use gavel::syntax::parse_file;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------------------------------
// Building blocks

fn id(name: &str) -> Ident {
    Spanned::new(name.to_string(), Span::default())
}

fn str_lit(raw: &str) -> StrLit {
    StrLit {
        value: raw.to_string(),
        raw: raw.to_string(),
        span: Span::default(),
    }
}

fn ex(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

fn item(kind: ItemKind) -> Item {
    Item {
        kind,
        span: Span::default(),
    }
}

// ---------------------------------------------------------------------------------------
// Generators

const NAMES: &[&str] = &[
    "alpha", "beta", "dev", "prod", "admin", "qa_lead", "x1", "_tmp",
];
const REFS: &[&str] = &[
    "lines.changed",
    "files.count",
    "attr.a.b",
    "risk",
    "risk.level",
    "path",
    "actor.id",
    "scope_factor",
];
/// Raw string contents: escapes, interpolations, `#` and `/` that are not comments or regexes.
const STRINGS: &[&str] = &[
    "",
    "a",
    "#deploys",
    "tests/**",
    r#"a \"q\" \\ b"#,
    "{files.count} files",
    r"\{lit\} \n\t",
    "é ü",
    "with # hash",
    "/not/a/regex/",
];
const REGEXES: &[(&str, &str)] = &[
    ("a", ""),
    ("^src/[a-z]+\\.py$", "i"),
    ("x/y", "ms"),
    ("#not-a-comment", ""),
    ("\\\\", "x"),
    ("\"q\"", ""),
];
const CAPABILITIES: &[&str] = &["deploy", "db.write", "repo:push", "a.b:c"];
const DURATIONS: &[u64] = &[45, 60, 90, 3600, 5400, 86_400, 604_800];

fn name() -> impl Strategy<Value = Ident> {
    select(NAMES).prop_map(id)
}

fn names(max: usize) -> impl Strategy<Value = Vec<Ident>> {
    vec(name(), 1..=max)
}

fn string() -> impl Strategy<Value = StrLit> {
    select(STRINGS).prop_map(str_lit)
}

fn regex() -> impl Strategy<Value = RegexLit> {
    select(REGEXES).prop_map(|(pattern, flags)| RegexLit {
        pattern: pattern.to_string(),
        flags: flags.to_string(),
        span: Span::default(),
    })
}

fn decimal(allow_negative: bool) -> impl Strategy<Value = Decimal> {
    let low = if allow_negative { -400 } else { 0 };
    (low..400i64).prop_map(|quarters| Decimal::from_raw(quarters * 250_000))
}

fn filter_leaf() -> impl Strategy<Value = FileFilter> {
    prop_oneof![
        name().prop_map(FileFilter::InSet),
        string().prop_map(FileFilter::MatchesGlob),
        regex().prop_map(FileFilter::MatchesRegex),
    ]
}

fn quantifier() -> impl Strategy<Value = Quantifier> {
    select(&[Quantifier::Any, Quantifier::All, Quantifier::No][..])
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<bool>().prop_map(|b| ex(ExprKind::Bool(b))),
        decimal(true).prop_map(|n| ex(ExprKind::Number(n))),
        string().prop_map(|s| ex(ExprKind::String(s))),
        regex().prop_map(|r| ex(ExprKind::Regex(r))),
        select(REFS).prop_map(|r| ex(ExprKind::Ref(r.split('.').map(id).collect()))),
        name().prop_map(|n| ex(ExprKind::ActorIs(n))),
        name().prop_map(|n| ex(ExprKind::ActorHasRole(n))),
        (quantifier(), filter_leaf())
            .prop_map(|(quantifier, filter)| ex(ExprKind::Quantifier { quantifier, filter })),
        filter_leaf().prop_map(|f| ex(ExprKind::CountFiles(f))),
    ]
}

fn arith_op() -> impl Strategy<Value = ArithOp> {
    select(&[ArithOp::Add, ArithOp::Sub, ArithOp::Mul][..])
}

fn compare_op() -> impl Strategy<Value = CompareOp> {
    use CompareOp::*;
    select(&[Eq, Ne, Lt, Le, Gt, Ge][..])
}

fn str_op() -> impl Strategy<Value = StrOp> {
    use StrOp::*;
    select(&[Contains, StartsWith, EndsWith, Matches, In][..])
}

/// Any expression, nested without regard to precedence.
fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        let boxed = |e: Expr| Box::new(e);
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(|items| ex(ExprKind::List(items))),
            (
                select(&["min", "max", "lower"][..]),
                vec(inner.clone(), 1..3)
            )
                .prop_map(|(f, args)| ex(ExprKind::Call { func: id(f), args })),
            inner.clone().prop_map(move |x| ex(ExprKind::Neg(boxed(x)))),
            (arith_op(), inner.clone(), inner.clone()).prop_map(move |(op, l, r)| ex(
                ExprKind::Arith {
                    op,
                    lhs: boxed(l),
                    rhs: boxed(r)
                }
            )),
            (compare_op(), inner.clone(), inner.clone()).prop_map(move |(op, l, r)| ex(
                ExprKind::Compare {
                    op,
                    lhs: boxed(l),
                    rhs: boxed(r)
                }
            )),
            (str_op(), any::<bool>(), inner.clone(), inner.clone()).prop_map(
                move |(op, any, l, r)| ex(ExprKind::StrOp {
                    op,
                    any,
                    lhs: boxed(l),
                    rhs: boxed(r)
                })
            ),
            inner.clone().prop_map(move |x| ex(ExprKind::Not(boxed(x)))),
            vec(inner.clone(), 2..4).prop_map(|ops| ex(ExprKind::And(ops))),
            vec(inner.clone(), 2..4).prop_map(|ops| ex(ExprKind::Or(ops))),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(move |(c, t, o)| ex(
                ExprKind::If {
                    cond: boxed(c),
                    then: boxed(t),
                    otherwise: boxed(o)
                }
            )),
            (quantifier(), inner.clone()).prop_map(move |(quantifier, c)| ex(
                ExprKind::Quantifier {
                    quantifier,
                    filter: FileFilter::Where(boxed(c))
                }
            )),
            inner
                .clone()
                .prop_map(move |c| ex(ExprKind::CountFiles(FileFilter::Where(boxed(c))))),
            inner.prop_map(move |x| ex(ExprKind::Paren(boxed(x)))),
        ]
    })
}

fn requirement() -> impl Strategy<Value = Requirement> {
    (
        0u32..4,
        names(3),
        proptest::option::of(select(DURATIONS)),
        any::<bool>(),
        vec(select(CAPABILITIES).prop_map(id), 0..3),
    )
        .prop_map(|(count, roles, within, humans_only, scope)| Requirement {
            count: Spanned::new(count, Span::default()),
            roles,
            within: within.map(|s| Spanned::new(Duration::from_seconds(s), Span::default())),
            humans_only: humans_only.then(Span::default),
            scope,
        })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(OutcomeKind::AutoApprove),
        string().prop_map(OutcomeKind::Notify),
        string().prop_map(OutcomeKind::Block),
        requirement().prop_map(OutcomeKind::Require),
    ]
    .prop_map(|kind| Outcome {
        kind,
        span: Span::default(),
    })
}

fn attribute_default() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<bool>().prop_map(|b| ex(ExprKind::Bool(b))),
        decimal(false).prop_map(|n| ex(ExprKind::Number(n))),
        string().prop_map(|s| ex(ExprKind::String(s))),
    ]
}

fn type_name() -> impl Strategy<Value = TypeName> {
    use TypeName::*;
    select(&[String, Number, Bool, ListString, ListNumber, ListBool][..])
}

fn risk() -> impl Strategy<Value = RiskDecl> {
    let factor =
        (expr(), expr(), proptest::option::of(string())).prop_map(|(weight, condition, label)| {
            RiskFactor {
                weight,
                condition,
                label,
                span: Span::default(),
            }
        });
    let level = (name(), proptest::option::of(decimal(false))).prop_map(|(name, t)| RiskLevel {
        name,
        threshold: t.map(|t| Spanned::new(t, Span::default())),
    });
    (vec(factor, 0..3), vec(level, 0..3)).prop_map(|(factors, levels)| RiskDecl { factors, levels })
}

fn license_clause() -> impl Strategy<Value = LicenseClause> {
    prop_oneof![
        names(3).prop_map(LicenseClause::Environments),
        names(3).prop_map(LicenseClause::Features),
        (name(), 0u64..1000, vec(name(), 0..3)).prop_map(|(counter, max, actions)| {
            LicenseClause::Limit {
                counter,
                max: Spanned::new(max, Span::default()),
                actions,
            }
        }),
    ]
}

fn halt_clause() -> impl Strategy<Value = HaltClause> {
    prop_oneof![
        (names(3), any::<bool>())
            .prop_map(|(roles, humans_only)| HaltClause::By { roles, humans_only }),
        (names(3), any::<bool>())
            .prop_map(|(roles, humans_only)| HaltClause::ResumeBy { roles, humans_only }),
        requirement().prop_map(HaltClause::ResumeRequire),
    ]
}

fn item_kind() -> impl Strategy<Value = ItemKind> {
    prop_oneof![
        string().prop_map(ItemKind::Policy),
        names(4).prop_map(ItemKind::Environments),
        names(4).prop_map(ItemKind::Roles),
        names(3).prop_map(ItemKind::Actions),
        names(3).prop_map(ItemKind::Kinds),
        (
            string(),
            names(3),
            any::<bool>(),
            proptest::option::of(string())
        )
            .prop_map(|(id, roles, agent, key)| ItemKind::Approver(ApproverDecl {
                id,
                roles,
                agent: agent.then(Span::default),
                key,
            })),
        (string(), string()).prop_map(|(name, key)| ItemKind::Signer(SignerDecl { name, key })),
        (name(), vec(string(), 0..10))
            .prop_map(|(name, patterns)| ItemKind::Paths(PathSetDecl { name, patterns })),
        (
            names(3),
            type_name(),
            proptest::option::of(attribute_default())
        )
            .prop_map(|(name, ty, default)| ItemKind::Attribute(AttributeDecl {
                name,
                ty: Spanned::new(ty, Span::default()),
                default,
            })),
        (name(), expr()).prop_map(|(name, value)| ItemKind::Let(LetDecl { name, value })),
        risk().prop_map(ItemKind::Risk),
        string().prop_map(ItemKind::LicenseAuthority),
        (name(), vec(license_clause(), 0..4))
            .prop_map(|(name, clauses)| ItemKind::License(LicenseDecl { name, clauses })),
        outcome().prop_map(ItemKind::Default),
        (name(), proptest::option::of(string()), expr(), outcome()).prop_map(
            |(name, title, condition, outcome)| ItemKind::Rule(RuleDecl {
                name,
                title,
                condition,
                outcome,
            })
        ),
        vec(halt_clause(), 0..4).prop_map(|clauses| ItemKind::Halt(HaltDecl { clauses })),
        names(3).prop_map(ItemKind::Override),
    ]
}

fn policy() -> impl Strategy<Value = PolicyFile> {
    vec(item_kind().prop_map(item), 0..7).prop_map(|items| PolicyFile {
        file: FileId(0),
        items,
    })
}

// ---------------------------------------------------------------------------------------
// The messy printer

mod messy;
use messy::Messy;

// ---------------------------------------------------------------------------------------
// Checks

/// Comments in `text`, found independently of the formatter's own scanner: `#` outside
/// strings and regexes, to the end of the line, trailing whitespace trimmed. Sorted.
fn comments_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut quote = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            } else if c == '"' || c == '/' {
                quote = Some(c);
            } else if c == '#' {
                found.push(line[i..].trim_end().to_string());
                break;
            }
        }
    }
    found.sort();
    found
}

/// `e` as a meaning: no parentheses, `and`/`or` chains flattened, `-` folded into literals.
fn normalize(e: &Expr) -> Expr {
    let b = |x: &Expr| Box::new(normalize(x));
    let flat = |ops: &[Expr], and: bool| {
        let mut out = Vec::new();
        for op in ops.iter().map(normalize) {
            match op.kind {
                ExprKind::And(inner) if and => out.extend(inner),
                ExprKind::Or(inner) if !and => out.extend(inner),
                kind => out.push(ex(kind)),
            }
        }
        out
    };
    let filter = |f: &FileFilter| match f {
        FileFilter::Where(c) => FileFilter::Where(b(c)),
        other => other.clone(),
    };
    let kind = match &e.kind {
        ExprKind::Paren(x) => return normalize(x),
        ExprKind::Neg(x) => match normalize(x).kind {
            ExprKind::Number(n) => ExprKind::Number(Decimal::from_raw(-n.raw())),
            kind => ExprKind::Neg(Box::new(ex(kind))),
        },
        ExprKind::List(items) => ExprKind::List(items.iter().map(normalize).collect()),
        ExprKind::Call { func, args } => ExprKind::Call {
            func: func.clone(),
            args: args.iter().map(normalize).collect(),
        },
        ExprKind::Arith { op, lhs, rhs } => ExprKind::Arith {
            op: *op,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        ExprKind::Compare { op, lhs, rhs } => ExprKind::Compare {
            op: *op,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        ExprKind::StrOp { op, any, lhs, rhs } => ExprKind::StrOp {
            op: *op,
            any: *any,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        ExprKind::Not(x) => ExprKind::Not(b(x)),
        ExprKind::And(ops) => ExprKind::And(flat(ops, true)),
        ExprKind::Or(ops) => ExprKind::Or(flat(ops, false)),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => ExprKind::If {
            cond: b(cond),
            then: b(then),
            otherwise: b(otherwise),
        },
        ExprKind::Quantifier {
            quantifier,
            filter: f,
        } => ExprKind::Quantifier {
            quantifier: *quantifier,
            filter: filter(f),
        },
        ExprKind::CountFiles(f) => ExprKind::CountFiles(filter(f)),
        other => other.clone(),
    };
    ex(kind)
}

/// Every expression of the file normalized.
fn normalize_file(file: &PolicyFile) -> PolicyFile {
    let mut file = file.clone();
    for item in &mut file.items {
        match &mut item.kind {
            ItemKind::Let(decl) => decl.value = normalize(&decl.value),
            ItemKind::Rule(decl) => decl.condition = normalize(&decl.condition),
            ItemKind::Risk(decl) => {
                for factor in &mut decl.factors {
                    factor.weight = normalize(&factor.weight);
                    factor.condition = normalize(&factor.condition);
                }
            }
            _ => {}
        }
    }
    file
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn formatting_messy_text_is_stable_and_faithful(
        policy in policy(),
        noise in vec(any::<u8>(), 1..64),
    ) {
        let mut printer = Messy::new(noise);
        printer.file(&policy);
        let (messy, inserted) = printer.finish();
        let (p, errors) = parse_file(FileId(0), &messy);
        prop_assert!(errors.is_empty(), "messy text does not parse: {errors:?}\n{messy}");
        prop_assert_eq!(comments_in(&messy), inserted, "test scanner disagrees\n{}", messy);

        let formatted = format_source("messy.gavel", &messy)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{messy}")))?;
        let (reparsed, errors) = parse_file(FileId(0), &formatted);
        prop_assert!(errors.is_empty(), "{errors:?}\n{formatted}");
        prop_assert_eq!(&reparsed, &p, "meaning changed\n{}\n---\n{}", messy, formatted);
        let again = format_source("formatted.gavel", &formatted)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{formatted}")))?;
        prop_assert_eq!(&again, &formatted, "not idempotent; from\n{}", messy);
        prop_assert_eq!(comments_in(&formatted), comments_in(&messy));
        prop_assert!(formatted.is_empty() || formatted.ends_with('\n'));
        prop_assert!(!formatted.ends_with("\n\n") && !formatted.starts_with('\n'));
        prop_assert!(formatted.lines().all(|l| l == l.trim_end()));
        // The bare text (the spec hash) ignores comments and layout.
        prop_assert_eq!(print_bare(&reparsed), print_bare(&p));
    }

    #[test]
    fn built_trees_print_with_the_parentheses_they_need(policy in policy()) {
        let bare = print_bare(&policy);
        let (parsed, errors) = parse_file(FileId(0), &bare);
        prop_assert!(errors.is_empty(), "{errors:?}\n{bare}");
        prop_assert_eq!(normalize_file(&parsed), normalize_file(&policy), "\n{}", bare);
        // Bare text is already canonical: no comments, no blank lines.
        let formatted = format_source("bare.gavel", &bare)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{bare}")))?;
        prop_assert_eq!(formatted, bare);
    }
}
