//! Unit tests of the formatter: tricky layouts, parentheses, and comments in every position.
//! Every formatted text is also checked to be a fixed point and to parse to the same tree.

use super::*;
use crate::ast::{ExprKind, ItemKind};
use crate::syntax::parse_interpolation;

/// Formats `text`, checking the formatter's invariants on the way.
fn fmt(text: &str) -> String {
    let out = format_source("test.gavel", text).unwrap();
    assert_eq!(
        format_source("again.gavel", &out).unwrap(),
        out,
        "not idempotent"
    );
    assert_eq!(
        parse_file(FileId(0), &out).0,
        parse_file(FileId(0), text).0,
        "meaning changed"
    );
    assert_eq!(
        comments::comment_multiset(&out),
        comments::comment_multiset(text),
        "comments changed"
    );
    assert!(out.is_empty() || (out.ends_with('\n') && !out.ends_with("\n\n")));
    assert!(
        out.lines().all(|l| l.trim_end() == l),
        "trailing whitespace"
    );
    out
}

fn expr(text: &str) -> Expr {
    parse_interpolation(FileId(0), 0, text).unwrap()
}

/// The tree without the author's parentheses: what a tree built in code looks like.
fn strip_parens(e: &Expr) -> Expr {
    let kind = match &e.kind {
        ExprKind::Paren(inner) => return strip_parens(inner),
        ExprKind::Not(x) => ExprKind::Not(Box::new(strip_parens(x))),
        ExprKind::Neg(x) => ExprKind::Neg(Box::new(strip_parens(x))),
        ExprKind::And(ops) => ExprKind::And(ops.iter().map(strip_parens).collect()),
        ExprKind::Or(ops) => ExprKind::Or(ops.iter().map(strip_parens).collect()),
        ExprKind::Compare { op, lhs, rhs } => ExprKind::Compare {
            op: *op,
            lhs: Box::new(strip_parens(lhs)),
            rhs: Box::new(strip_parens(rhs)),
        },
        ExprKind::Arith { op, lhs, rhs } => ExprKind::Arith {
            op: *op,
            lhs: Box::new(strip_parens(lhs)),
            rhs: Box::new(strip_parens(rhs)),
        },
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => ExprKind::If {
            cond: Box::new(strip_parens(cond)),
            then: Box::new(strip_parens(then)),
            otherwise: Box::new(strip_parens(otherwise)),
        },
        ExprKind::Quantifier {
            quantifier,
            filter: crate::ast::FileFilter::Where(c),
        } => ExprKind::Quantifier {
            quantifier: *quantifier,
            filter: crate::ast::FileFilter::Where(Box::new(strip_parens(c))),
        },
        ExprKind::StrOp { op, any, lhs, rhs } => ExprKind::StrOp {
            op: *op,
            any: *any,
            lhs: Box::new(strip_parens(lhs)),
            rhs: Box::new(strip_parens(rhs)),
        },
        ExprKind::CountFiles(crate::ast::FileFilter::Where(c)) => {
            ExprKind::CountFiles(crate::ast::FileFilter::Where(Box::new(strip_parens(c))))
        }
        ExprKind::Call { func, args } => ExprKind::Call {
            func: func.clone(),
            args: args.iter().map(strip_parens).collect(),
        },
        ExprKind::List(items) => ExprKind::List(items.iter().map(strip_parens).collect()),
        other => other.clone(),
    };
    Expr::new(kind, e.span)
}

#[test]
fn normalizes_spacing_and_keywords() {
    let text = "policy   \"x\"\nenvironments dev->staging ->  prod\nroles a,b ,c\n\
                approver \"id\"   roles a,b agent   key \"k\"\n\
                default require 1 approvals from a within 60m humans_only\n";
    assert_eq!(
        fmt(text),
        "policy \"x\"\nenvironments dev -> staging -> prod\nroles a, b, c\n\
         approver \"id\" roles a, b agent key \"k\"\n\
         default require 1 approval from a within 1h humans_only\n"
    );
}

#[test]
fn requirement_options_come_in_one_order() {
    let text = "default require 2 approval from a scope x.y, z:w humans_only within 24h";
    assert_eq!(
        fmt(text),
        "default require 2 approvals from a within 1d humans_only scope x.y, z:w\n"
    );
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("  \n\n \t\n"), "");
    assert_eq!(
        fmt("\n\n# one   \n\n\n\n   # two\n# three"),
        "# one\n\n# two\n# three\n"
    );
}

#[test]
fn blank_lines_between_items_collapse_to_one_and_never_lead() {
    let text = "\n\npolicy \"x\"\nroles a\n\n\n\nroles b\r\n\r\nroles c";
    assert_eq!(fmt(text), "policy \"x\"\nroles a\n\nroles b\n\nroles c\n");
}

#[test]
fn comments_around_items() {
    let text = "# head\n\npolicy \"x\" # after policy\n# before roles\nroles a # after roles\n\n\
                # before rule\n\nrule r { when a then auto_approve } # after rule\n# end";
    assert_eq!(
        fmt(text),
        "# head\n\npolicy \"x\" # after policy\n# before roles\nroles a # after roles\n\n\
         # before rule\n\nrule r {\n  when a\n  then auto_approve\n} # after rule\n# end\n"
    );
}

#[test]
fn comments_inside_a_rule() {
    let text = "rule r \"t\" { # open\n  # before when\n  when a # after a\n    and b\n  \
                # before then\n  then notify \"#chan\" # after outcome\n  # before close\n}";
    assert_eq!(
        fmt(text),
        "rule r \"t\" { # open\n  # before when\n  when a # after a\n      and b\n  \
         # before then\n  then notify \"#chan\" # after outcome\n  # before close\n}\n"
    );
}

#[test]
fn comments_inside_one_line_constructs_move_above_them() {
    // A comment inside `roles a, b` cannot stay inside: the item is printed on one line.
    let text = "policy \"x\"\nroles a, # which\n  b\nlet h = lines.added # part\n  + 1\n";
    assert_eq!(
        fmt(text),
        "policy \"x\"\n# which\nroles a, b\n# part\nlet h = lines.added + 1\n"
    );
}

#[test]
fn paths_on_one_line_or_one_per_line() {
    assert_eq!(
        fmt("paths allowed [ \"tests/**\" \"docs/**\", ]"),
        "paths allowed [\"tests/**\", \"docs/**\"]\n"
    );
    assert_eq!(fmt("paths none [ ]"), "paths none []\n");
    let commented = "paths p [ # first\n \"a\", # a\n\n # own\n \"b\" ] # after";
    assert_eq!(
        fmt(commented),
        "paths p [ # first\n  \"a\" # a\n  # own\n  \"b\"\n] # after\n"
    );
    let long: Vec<String> = (0..12).map(|i| format!("\"dir{i}/**\"")).collect();
    let out = fmt(&format!("paths many [{}]", long.join(",")));
    assert_eq!(out.lines().count(), 14);
    assert!(out.starts_with("paths many [\n  \"dir0/**\"\n"));
    assert!(out.lines().all(|l| l.len() <= 100));
}

#[test]
fn long_conditions_break_before_each_top_level_operand() {
    let cond = (0..8)
        .map(|i| format!("lines.changed > {}", 100 * i))
        .collect::<Vec<_>>()
        .join(" and ");
    let out = fmt(&format!("rule r {{ when {cond} then auto_approve }}"));
    let mut expected = "rule r {\n  when lines.changed > 0\n".to_string();
    for i in 1..8 {
        expected.push_str(&format!("      and lines.changed > {}\n", 100 * i));
    }
    expected.push_str("  then auto_approve\n}\n");
    assert_eq!(out, expected);
    // A `let` and a risk factor break the same way, four spaces in from their start.
    let out = fmt(&format!("let h = {cond}"));
    assert!(out.starts_with("let h = lines.changed > 0\n    and lines.changed > 100\n"));
    let out = fmt(&format!("risk {{ 0.5 when {cond} as \"big\" }}"));
    assert!(out.contains("  0.5 when lines.changed > 0\n      and lines.changed > 100\n"));
    assert!(out.ends_with("      and lines.changed > 700 as \"big\"\n}\n"));
}

#[test]
fn only_top_level_operands_break() {
    let inner = (0..6)
        .map(|i| format!("attr.value_number_{i} > 1"))
        .collect::<Vec<_>>()
        .join(" and ");
    let out = fmt(&format!(
        "rule r {{ when ({inner}) or x then auto_approve }}"
    ));
    assert_eq!(
        out,
        format!("rule r {{\n  when ({inner})\n      or x\n  then auto_approve\n}}\n")
    );
}

#[test]
fn short_conditions_with_comments_between_operands_break() {
    let out = fmt("rule r {\n  when a\n  # why b\n  or b\n  then auto_approve\n}");
    assert_eq!(
        out,
        "rule r {\n  when a\n      # why b\n      or b\n  then auto_approve\n}\n"
    );
}

#[test]
fn risk_blocks_and_levels() {
    let text = "risk { 0.3 * f when a as \"A\"; -0.2 when b 0.1 when c; (0.4) when d\n\
                levels { high >= 0.60, low, } }";
    assert_eq!(
        fmt(text),
        "risk {\n  0.3 * f when a as \"A\"\n  -0.2 when b\n  0.1 when c;\n  (0.4) when d\n  \
         levels { high >= 0.6, low }\n}\n"
    );
    let commented = "risk {\n  levels { high >= 0.6, # top\n low }\n}";
    assert_eq!(
        fmt(commented),
        "risk {\n  levels {\n    high >= 0.6, # top\n    low,\n  }\n}\n"
    );
    assert_eq!(fmt("risk { }"), "risk {}\n");
}

#[test]
fn license_halt_override_signer() {
    let text = "license authority key \"L\"\nlicense pro { environments dev, prod limit runs 5 \
                features a, b }\nlicense none {}\nhalt { by a resume by b resume require 1 \
                approvals from c }\noverride by a,b\nsigner \"ci\" key \"K\"\nactions x, y\nkinds k";
    assert_eq!(
        fmt(text),
        "license authority key \"L\"\nlicense pro {\n  environments dev, prod\n  limit runs 5\n  \
         features a, b\n}\nlicense none {}\nhalt {\n  by a\n  resume by b\n  \
         resume require 1 approval from c\n}\noverride by a, b\nsigner \"ci\" key \"K\"\n\
         actions x, y\nkinds k\n"
    );
}

#[test]
fn attributes_and_types() {
    let text =
        "attribute a.b : list < string >\nattribute n: number=007\nattribute s:string = \"x\"";
    assert_eq!(
        fmt(text),
        "attribute a.b: list<string>\nattribute n: number = 7\nattribute s: string = \"x\"\n"
    );
}

#[test]
fn strings_keep_escapes_and_interpolations() {
    let text = r#"rule r { when x == "a \"q\" \\ \n\t \{lit\}" then block "run {attr.runs} of {files.count}" }"#;
    let out = fmt(text);
    assert!(out.contains(r#"when x == "a \"q\" \\ \n\t \{lit\}""#));
    assert!(out.contains(r#"then block "run {attr.runs} of {files.count}""#));
}

#[test]
fn regexes_reescape_slashes() {
    let out = fmt(r"let r = path matches /^src\/a\\\/b[#]$/im and any file matches /x\/y/");
    assert_eq!(
        out,
        "let r = path matches /^src\\/a\\\\\\/b[#]$/im and any file matches /x\\/y/\n"
    );
}

#[test]
fn negative_numbers_and_negation() {
    assert_eq!(
        fmt("let n = - 5 + -0.50 * -(x) - - 3 - -(-2)"),
        "let n = -5 + -0.5 * -(x) - -3 - -(-2)\n"
    );
    assert_eq!(fmt("let n = --5"), "let n = 5\n");
}

#[test]
fn author_parentheses_are_kept() {
    let text = "let p = ((a)) and (b or c) and not (d) and (1 + 2) * 3 > (4)";
    assert_eq!(fmt(text), format!("{text}\n"));
}

#[test]
fn every_expression_form_round_trips() {
    let text = "let e = if a then min(1, max(2, 3)) else lower(s)\n\
                let f = count files where (path in p and removed > 50) >= 2\n\
                let g = no file matches \"*.md\" or all files where path matches /t/ \
                or any file in p\n\
                let h = actor is agent and actor has role admin and x in [\"a\", \"b\"] \
                and s contains any [] and s starts_with \"a\" and s ends_with \"b\"\n\
                let i = count file matches /x/ + count files matches \"y\" * 2 != 3\n\
                let j = true or false or 1.25 <= 2 or risk.level == high\n";
    let out = fmt(text);
    assert!(out.contains("let i = count files matches /x/ + count files matches \"y\" * 2 != 3"));
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    let errors = format_source("bad.gavel", "rule r { when then auto_approve }").unwrap_err();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|d| d.code == Code::Syntax));
}

#[test]
fn bare_printing_drops_comments_and_blank_lines() {
    let text = "# c\npolicy \"x\" # t\n\n\nroles a\n\n# d\nrule r { when a # e\n and b then auto_approve }";
    let (file, _) = parse_file(FileId(0), text);
    let bare = print_bare(&file);
    assert_eq!(
        bare,
        "policy \"x\"\nroles a\nrule r {\n  when a and b\n  then auto_approve\n}\n"
    );
    // Layout and comments do not change the bare text (the spec hash).
    let relaid = fmt(text);
    assert_eq!(print_bare(&parse_file(FileId(0), &relaid).0), bare);
    assert_eq!(print_bare(&parse_file(FileId(0), &bare).0), bare);
}

#[test]
fn flags_compare_without_spans() {
    // `agent`, `humans_only` and risk factors carry spans; equality must ignore them.
    let a = "approver \"x\" roles r agent\ndefault require 1 approval from r humans_only\n\
             risk { 1 when a }";
    let b = format!("\n\n{}", a.replace(' ', "   "));
    assert_eq!(parse_file(FileId(0), a).0, parse_file(FileId(0), &b).0);
}

#[test]
fn parentheses_are_added_where_a_built_tree_needs_them() {
    for (source, printed) in [
        ("not (a and b)", "not (a and b)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a and (b and c)", "a and (b and c)"),
        ("(a + b) * c", "(a + b) * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a - b - c", "a - b - c"),
        ("(a == b) == c", "(a == b) == c"),
        ("-(a + b)", "-(a + b)"),
        ("(if a then 1 else 2) + 3", "(if a then 1 else 2) + 3"),
        ("1 + if a then 1 else 2", "1 + if a then 1 else 2"),
        ("(any file where x) == y", "(any file where x) == y"),
        ("any file where x == y", "any file where x == y"),
        ("(any file where a < b) == c", "any file where a < b == c"),
        ("(not a) == b", "(not a) == b"),
        (
            "(count files where a + b) + c",
            "(count files where a + b) + c",
        ),
        ("(if a then b else c) and d", "(if a then b else c) and d"),
        (
            "x == (if a then b else c) and d",
            "(x == if a then b else c) and d",
        ),
        ("-(if a then 1 else 2) * 3", "(-if a then 1 else 2) * 3"),
        (
            "(any file where (a and b)) == c",
            "(any file where (a and b)) == c",
        ),
        (
            "(any file where a == (b or c)) + 1",
            "(any file where a == (b or c)) + 1",
        ),
        ("(not (a or b)) and c", "not (a or b) and c"),
        ("x in (any file in p)", "x in (any file in p)"),
        ("x in any (any file in p)", "x in any any file in p"),
        ("x in (any file in p) + 1", "x in (any file in p + 1)"),
    ] {
        let built = strip_parens(&expr(source));
        let text = print_expr(&built);
        assert_eq!(text, printed, "{source}");
        // Re-parsing gives the same meaning: the same tree once parentheses are dropped.
        assert_eq!(strip_parens(&expr(&text)), built, "{source}");
    }
}

#[test]
fn bare_printing_of_built_trees_reparses() {
    let (mut file, _) = parse_file(
        FileId(0),
        "let x = not (a and b)\nrule r { when (a or b) and c then auto_approve }",
    );
    for item in &mut file.items {
        match &mut item.kind {
            ItemKind::Let(decl) => decl.value = strip_parens(&decl.value),
            ItemKind::Rule(decl) => decl.condition = strip_parens(&decl.condition),
            _ => {}
        }
    }
    let bare = print_bare(&file);
    assert_eq!(
        bare,
        "let x = not (a and b)\nrule r {\n  when (a or b) and c\n  then auto_approve\n}\n"
    );
}
