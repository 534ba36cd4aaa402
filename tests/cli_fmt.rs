//! `gavel fmt` end to end.

use crate::support::Cli;

const MESSY: &str = "policy   \"p\"   # the name\nroles admin\npaths docs [\n\"docs/**\",   # all docs\n]\nrule docs {when all files in docs then auto_approve}\n";

#[test]
fn check_prints_a_diff_and_exits_one_without_writing() {
    let (out, ws) = Cli::new()
        .file("policies/main.gavel", MESSY)
        .args(["fmt", "--check"])
        .run();
    out.code(1)
        .stdout_has("--- policies/main.gavel (current)")
        .stdout_has("+++ policies/main.gavel (formatted)")
        .stdout_has("-rule docs {when all files in docs then auto_approve}")
        .stdout_has("+  when all files in docs")
        .stderr_has("1 file(s) would be reformatted");
    assert_eq!(ws.read("policies/main.gavel"), MESSY);
}

#[test]
fn fmt_rewrites_in_place_keeping_comments_then_check_is_clean() {
    let (out, ws) = Cli::new()
        .file("policies/main.gavel", MESSY)
        .args(["fmt"])
        .run();
    out.code(0).stderr_has("reformatted 1 file(s)");
    let formatted = ws.read("policies/main.gavel");
    assert!(formatted.contains("policy \"p\" # the name"), "{formatted}");
    assert!(formatted.contains("# all docs"), "{formatted}");
    ws.run(["fmt", "--check"]).code(0);
    // Formatting never changes the spec hash.
    let before = Cli::new()
        .file("policies/main.gavel", MESSY)
        .args(["check"])
        .output();
    let after = ws.run(["check"]);
    let spec = |s: &str| s.split("spec ").nth(1).map(|x| x[..16].to_string());
    assert_eq!(spec(&before.stderr), spec(&after.stderr));
}

#[test]
fn syntax_errors_are_reported_and_nothing_is_written() {
    let broken = "policy \"p\"\nrule r { when then auto_approve }\n";
    let (out, ws) = Cli::new()
        .file("policies/main.gavel", broken)
        .args(["fmt"])
        .run();
    out.code(1).stderr_has("error[E0001]");
    assert_eq!(ws.read("policies/main.gavel"), broken);
}

/// A policy file that is a symlink keeps being one: the file it points to is formatted
/// (found by QA: the link was replaced by a formatted copy, the shared file left as it was).
#[cfg(unix)]
#[test]
fn fmt_formats_the_file_a_symlink_points_to_and_keeps_the_link() {
    let (_, ws) = Cli::new()
        .file("shared/main.gavel", MESSY)
        .args(["--version"])
        .run();
    std::fs::create_dir(ws.path().join("policies")).unwrap();
    let link = ws.path().join("policies/main.gavel");
    std::os::unix::fs::symlink(ws.path().join("shared/main.gavel"), &link).unwrap();
    ws.run(["fmt"]).code(0).stderr_has("reformatted 1 file(s)");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_ne!(ws.read("shared/main.gavel"), MESSY);
    ws.run(["fmt", "--check"]).code(0);
}
