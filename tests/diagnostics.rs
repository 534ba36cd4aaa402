//! The diagnostics corpus: invalid and suspicious policies in `tests/diagnostics/`, each
//! rendered as a person sees it (no colour) and snapshotted. A file named `eNNNN_*` or
//! `wNNNN_*` must produce that code.

use std::path::Path;

use gavel::check::check;
use gavel::diagnostic::{Code, render_human};
use gavel::load::decode_source;
use gavel::source::SourceSet;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "gavel"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Checks one file the way `gavel check` does and renders the result.
fn render(name: &str, bytes: Vec<u8>) -> (Vec<&'static str>, String) {
    let file_name = format!("{name}.gavel");
    match decode_source(&file_name, bytes) {
        Err(d) => (
            vec![d.code.as_str()],
            render_human(&SourceSet::new(), &[*d]),
        ),
        Ok(text) => {
            let mut sources = SourceSet::new();
            sources.add(file_name, text);
            let result = check(&sources);
            let codes = result.diagnostics.iter().map(|d| d.code.as_str()).collect();
            (codes, render_human(&sources, &result.diagnostics))
        }
    }
}

#[test]
fn corpus_snapshots_and_expected_codes() {
    let files = corpus();
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    for (name, bytes) in files {
        let (codes, rendered) = render(&name, bytes);
        assert!(
            !rendered.contains('\u{1b}'),
            "{name}: colour codes in output"
        );
        let expected = name.split('_').next().unwrap().to_uppercase();
        if expected.starts_with('E') || expected.starts_with('W') {
            assert!(
                codes.contains(&expected.as_str()),
                "{name}: expected {expected}, got {codes:?}\n{rendered}"
            );
        } else {
            assert!(
                codes.len() >= 3,
                "{name}: expected several diagnostics, got {codes:?}"
            );
        }
        // Every diagnostic points at a line and column with a caret, or names its file.
        assert!(
            rendered.contains(&format!("{name}.gavel")),
            "{name}: no file name\n{rendered}"
        );
        insta::assert_snapshot!(format!("diag_{name}"), rendered);
    }
}

#[test]
fn oversized_files_are_refused_with_a_diagnostic() {
    let big = format!("policy \"p\"\n{}", "# padding\n".repeat(120_000));
    let mut sources = SourceSet::new();
    sources.add("big.gavel", big);
    let result = check(&sources);
    assert_eq!(result.diagnostics[0].code, Code::TooLarge);
    assert!(
        result.diagnostics[0]
            .message
            .contains("more than the limit of 1048576")
    );
}

#[test]
fn every_code_is_exercised() {
    let mut covered: Vec<String> = corpus()
        .into_iter()
        .map(|(name, _)| name.split('_').next().unwrap().to_uppercase())
        .collect();
    // Exercised by other tests: E0003 above, E0012 and W0011 in `cli_check`, E0009 (which
    // only a bug in gavel produces) by a unit test in `src/check/structure.rs`.
    covered.extend(["E0003", "E0012", "W0011", "E0009"].map(String::from));
    for code in Code::ALL {
        assert!(
            covered.iter().any(|c| c == code.as_str()),
            "no test produces {}",
            code.as_str()
        );
    }
}

#[test]
fn long_lines_are_cropped_around_the_error() {
    let text = format!(
        "policy \"p\"\nrule r {{ when {} == then auto_approve }}\n",
        "x".repeat(100_000)
    );
    let mut sources = SourceSet::new();
    sources.add("long.gavel", text);
    let result = check(&sources);
    let rendered = render_human(&sources, &result.diagnostics);
    assert!(rendered.len() < 1_000, "{} bytes rendered", rendered.len());
    assert!(rendered.contains("long.gavel:2:100019"), "{rendered}");
    let lines: Vec<&str> = rendered.lines().collect();
    let source = lines.iter().position(|l| l.contains("== then")).unwrap();
    let caret = lines[source + 1].chars().position(|c| c == '^').unwrap();
    let under: String = lines[source].chars().skip(caret).take(4).collect();
    assert_eq!(under, "then", "{rendered}");
}

/// Found by QA: E0008 let through invisible characters outside the first list (a tag
/// character made `"mallory<U+E0020>"` look like `"mallory"`), and a carriage return not
/// followed by a line feed, after which an editor shows a rule that gavel reads as part of
/// a comment. Each is E0008, on its line.
#[test]
fn every_invisible_character_and_a_lone_carriage_return_are_refused() {
    for (text, line) in [
        (
            "policy \"p\"\ndefault auto_approve\nrule r \"t\" {\n  when actor.id == \"mallory\u{e0020}\"\n  then block \"no\"\n}\n",
            4,
        ),
        (
            "policy \"p\"\n# agents rule below\rrule r \"t\" { when actor is agent then block \"no\" }\ndefault auto_approve\n",
            2,
        ),
        ("policy \"p\"\ndefault auto_approve # soft\u{ad}hyphen\n", 2),
        ("policy \"p\"\ndefault auto_approve # filler \u{3164}\n", 2),
    ] {
        let mut sources = SourceSet::new();
        sources.add("hidden.gavel", text);
        let result = check(&sources);
        let e0008: Vec<_> = result
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::HiddenCharacter)
            .collect();
        assert_eq!(e0008.len(), 1, "{text:?}: {:?}", result.diagnostics);
        let span = e0008[0].primary.as_ref().unwrap().span;
        assert_eq!(
            sources.line_col(span.file, span.start as usize).0,
            line,
            "{text:?}"
        );
        assert!(result.policy.is_none(), "{text:?}");
        // Not formatted either: `fmt --check` must not pass what `check` refuses.
        let formatted = gavel::fmt::format_source("hidden.gavel", text);
        assert!(
            formatted
                .err()
                .is_some_and(|d| d.iter().any(|d| d.code == Code::HiddenCharacter)),
            "{text:?}"
        );
    }
    // A CRLF file is fine.
    let mut sources = SourceSet::new();
    sources.add("crlf.gavel", "policy \"p\"\r\ndefault auto_approve\r\n");
    assert!(check(&sources).policy.is_some());
}

/// Found by QA: `actor.roles contains "R"` tests the role R as `actor has role R` does, yet
/// W0002 called R unused (and told to remove it). Either way of testing it is a use; a role
/// only compared to something else is not.
#[test]
fn a_role_tested_through_actor_roles_is_used() {
    let unused_roles = |condition: &str| {
        let mut sources = SourceSet::new();
        sources.add(
            "p.gavel",
            format!(
                "policy \"p\"\nroles admin, dev_role\ndefault auto_approve\n\
                 rule r {{ when {condition} then require 1 approval from admin }}\n"
            ),
        );
        let result = check(&sources);
        assert!(result.policy.is_some(), "{condition}");
        result
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnusedRole)
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    for used in [
        "actor.roles contains \"dev_role\"",
        "\"dev_role\" in actor.roles",
        "actor has role dev_role",
    ] {
        assert_eq!(unused_roles(used), Vec::<String>::new(), "{used}");
    }
    assert_eq!(
        unused_roles("actor.id == \"dev_role\""),
        ["role `dev_role` is never used"]
    );
}

/// Found by QA: a role tested through `actor.roles` was not checked against the declared
/// roles as `actor has role` is, so a typo compiled and never matched.
#[test]
fn a_role_tested_through_actor_roles_must_be_declared() {
    for condition in ["actor.roles contains \"admn\"", "\"admn\" in actor.roles"] {
        let mut sources = SourceSet::new();
        sources.add(
            "p.gavel",
            format!(
                "policy \"p\"\nroles admin\ndefault auto_approve\n\
                 rule r {{ when {condition} then notify \"x\" }}\n"
            ),
        );
        let result = check(&sources);
        assert!(result.policy.is_none(), "{condition}");
        let d = &result.diagnostics[0];
        assert_eq!(d.code, Code::UnknownRole, "{condition}");
        assert_eq!(d.message, "unknown role `admn`");
        assert_eq!(d.help.as_deref(), Some("did you mean `admin`?"));
    }
    // A role no policy could declare (not a name, or a reserved word) may still be looked
    // for: requests carry such roles (found by QA).
    for role in ["release-manager", "when", "2nd"] {
        let mut sources = SourceSet::new();
        sources.add(
            "p.gavel",
            format!(
                "policy \"p\"\nroles admin\ndefault auto_approve\n\
                 rule r {{ when actor.roles contains \"{role}\" then notify \"x\" }}\n"
            ),
        );
        assert!(check(&sources).policy.is_some(), "{role}");
    }
    // A declaration word is a name a role may have (`roles block`): undeclared, it is E0021.
    let mut sources = SourceSet::new();
    sources.add(
        "p.gavel",
        "policy \"p\"\nroles admin\ndefault auto_approve\n\
         rule r { when actor.roles contains \"block\" then notify \"x\" }\n",
    );
    assert_eq!(check(&sources).diagnostics[0].code, Code::UnknownRole);
}

/// Found by QA: an option given twice in one approval requirement, or `resume require`
/// twice in `halt`, kept the last in silence (and `gavel fmt` dropped the first, however
/// much stricter). Each is E0010 naming both places.
#[test]
fn an_approval_option_given_twice_is_an_error() {
    let errors = |text: &str| {
        let mut sources = SourceSet::new();
        sources.add(
            "p.gavel",
            format!("policy \"p\"\nroles admin, sec\ndefault auto_approve\n{text}"),
        );
        let result = check(&sources);
        assert!(result.policy.is_none(), "{text}");
        result
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.clone(), d.secondary.len()))
            .collect::<Vec<_>>()
    };
    for (option, message) in [
        (
            "within 1h within 7d",
            "`within` is given twice in one approval requirement",
        ),
        (
            "humans_only humans_only",
            "`humans_only` is given twice in one approval requirement",
        ),
        (
            "scope deploy scope audit.read",
            "`scope` is given twice in one approval requirement",
        ),
    ] {
        assert_eq!(
            errors(&format!(
                "rule r {{ when lines.changed > 1 then require 1 approval from admin {option} }}\n"
            )),
            [(Code::Duplicate, message.to_string(), 1)],
            "{option}"
        );
    }
    assert_eq!(
        errors(
            "halt {\n  by admin\n  resume require 1 approval from sec\n  resume require 2 approvals from admin\n}\n"
        ),
        [(
            Code::Duplicate,
            "`resume require` is given twice in `halt`".to_string(),
            1
        )]
    );
}

/// W0010 for a halt judges `by` clauses together, as the policy does (found in review:
/// `by ops` and `by admin`, with an admin approver, warned that nobody could halt), and
/// warns when no keyed person holds a `resume by ... humans_only` role.
#[test]
fn a_halt_warning_judges_its_clauses_together() {
    let warnings = |halt: &str| {
        let mut sources = SourceSet::new();
        sources.add(
            "p.gavel",
            format!(
                "policy \"p\"\nroles admin, ops\n\
                 approver \"a\" roles admin key \"ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=\"\n\
                 approver \"bot\" roles ops agent key \"ed25519:Pk0fcI9fSH9ruI+3Hc2nQoQ9pA8e5wT/mDxSxYoNUaY=\"\n\
                 halt {{\n{halt}\n}}\ndefault auto_approve\n"
            ),
        );
        gavel::check::check(&sources)
            .diagnostics
            .iter()
            .filter(|d| d.code == gavel::diagnostic::Code::UnsatisfiableGate)
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        warnings("  by ops humans_only\n  by admin"),
        Vec::<String>::new()
    );
    assert_eq!(
        warnings("  by admin\n  resume by ops"),
        Vec::<String>::new()
    );
    assert_eq!(
        warnings("  by admin\n  resume by ops humans_only"),
        [
            "no declared approver can resume: none with a key holds ops and is not an agent (humans only)"
        ]
    );
    assert_eq!(
        warnings("  by ops humans_only"),
        [
            "no declared approver can halt or resume: none with a key holds ops and is not an agent (humans only)"
        ]
    );
}
