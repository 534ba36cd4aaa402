//! `gavel check` end to end.

use crate::support::Cli;

const GOOD: &str = r#"policy "p"
roles admin
approver "a@example.com" roles admin key "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA="
paths docs ["docs/**"]
default require 1 approval from admin
rule docs { when all files in docs then auto_approve }
"#;

#[test]
fn clean_policy_exits_zero() {
    Cli::new()
        .file("policies/main.gavel", GOOD)
        .args(["check"])
        .output()
        .code(0)
        .stderr_has("policy `p` ok");
}

#[test]
fn errors_exit_one_with_file_line_column_and_caret() {
    let out = Cli::new()
        .file(
            "policies/main.gavel",
            GOOD.replace("in docs then", "in doc then"),
        )
        .args(["check"])
        .output();
    out.code(1)
        .stderr_has("error[E0020]: unknown path set `doc`")
        .stderr_has("policies/main.gavel:6:")
        .stderr_has("^^^")
        .stderr_has("did you mean `docs`?");
}

#[test]
fn json_lists_every_diagnostic() {
    let policy = GOOD
        .replace("in docs then", "in doc then")
        .replace("from admin", "from admn");
    let out = Cli::new()
        .file("policies/main.gavel", policy)
        .args(["check", "--format", "json"])
        .output();
    out.code(1);
    let json = out.json();
    assert_eq!(json["ok"], false);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E0020"), "{codes:?}");
    assert!(codes.contains(&"E0021"), "{codes:?}");
    for d in diagnostics {
        assert_eq!(d["severity"], "error");
        assert!(d["file"].as_str().unwrap().ends_with("main.gavel"));
        assert!(d["line"].as_u64().unwrap() >= 1);
        assert!(d["column"].as_u64().unwrap() >= 1);
        assert!(!d["message"].as_str().unwrap().is_empty());
    }
    // A diagnostic's other places ("first declared here", in another file) are in the JSON
    // too (found by QA: only the human report had them).
    let out = Cli::new()
        .file("policies/main.gavel", GOOD)
        .file(
            "policies/more.gavel",
            "rule docs { when true then block \"x\" }\n",
        )
        .args(["check", "--format", "json"])
        .output();
    out.code(1);
    let json = out.json();
    let duplicate = &json["diagnostics"][0];
    assert_eq!(duplicate["code"], "E0010");
    let related = &duplicate["related"][0];
    assert!(
        related["file"].as_str().unwrap().ends_with("main.gavel"),
        "{json}"
    );
    assert_eq!(related["line"], 6, "{json}");
    assert!(
        related["label"].as_str().unwrap().contains("first"),
        "{json}"
    );
}

#[test]
fn warnings_do_not_fail_the_check() {
    let out = Cli::new()
        .file(
            "policies/main.gavel",
            format!("{GOOD}paths unused [\"x/**\"]\n"),
        )
        .args(["check"])
        .output();
    out.code(0)
        .stderr_has("warning[W0001]: path set `unused` is never used");
}

#[test]
fn repo_flag_warns_about_globs_matching_no_tracked_file() {
    let cli = Cli::new()
        .file(
            "repo/policies/main.gavel",
            GOOD.replace("docs/**", "doc/**"),
        )
        .file("repo/docs/a.md", "hello");
    let repo = cli.path().join("repo");
    let git = |args: &[&str]| crate::support::git(&repo, args);
    git(&["init", "-q"]);
    git(&["add", "."]);
    let (out, ws) = cli
        .args(["check", "--policies", "repo/policies", "--repo", "repo"])
        .run();
    out.code(0)
        .stderr_has("warning[W0011]")
        .stderr_has("`doc/**` in `docs` matches no file tracked in the repository");
    // `.git/**` guards what git never tracks: no warning for it (`gavel init` writes one).
    ws.write(
        "repo/policies/main.gavel",
        GOOD.replace("\"docs/**\"", "\".git/**\", \"docs/**\""),
    );
    let out = ws.run(["check", "--policies", "repo/policies", "--repo", "repo"]);
    out.code(0);
    assert!(!out.stderr.contains("W0011"), "{}", out.stderr);
    // From a subdirectory of the repository, the whole repository's files count.
    let out = ws.run([
        "check",
        "--policies",
        "repo/policies",
        "--repo",
        "repo/policies",
    ]);
    out.code(0);
    assert!(!out.stderr.contains("W0011"), "{}", out.stderr);
}

#[test]
fn binary_and_non_utf8_files_are_diagnosed() {
    Cli::new()
        .file(
            "policies/main.gavel",
            b"policy \"x\"\n\xc3\xa9t\xc3\xa9 \xff\xfe\n",
        )
        .args(["check"])
        .output()
        .code(1)
        // Line and column (in characters), not only the offset (found by QA).
        .stderr_has("file is not valid UTF-8: the byte 0xFF at line 2, column 5 (byte offset 17)");
    let out = Cli::new()
        .file("policies/main.gavel", b"policy \"x\"\0")
        .args(["check"])
        .output();
    out.code(1)
        .stderr_has("NUL byte at line 1, column 11 (byte offset 10)")
        .stderr_has("1 error(s)");
    // The one file could not be read: that is the error, not a directory without files.
    assert!(!out.stderr.contains("E0012"), "{}", out.stderr);
}

#[test]
fn a_leading_byte_order_mark_is_not_part_of_the_policy() {
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), GOOD.as_bytes()].concat();
    let spec = |bytes: &[u8]| {
        let out = Cli::new()
            .file("policies/main.gavel", bytes)
            .args(["check"])
            .output();
        out.code(0).stderr_has("policy `p` ok");
        out.stderr
    };
    assert_eq!(spec(&with_bom), spec(GOOD.as_bytes()));
    // Positions on the first line count from after the mark.
    let broken = [
        b"\xEF\xBB\xBF".as_slice(),
        GOOD.replace("policy \"p\"", "policy p").as_bytes(),
    ]
    .concat();
    Cli::new()
        .file("policies/main.gavel", broken)
        .args(["check"])
        .output()
        .code(1)
        .stderr_has("policies/main.gavel:1:8");
}

#[test]
fn missing_policy_directory_is_an_error() {
    Cli::new()
        .args(["check", "--policies", "nowhere"])
        .output()
        .code(1)
        .stderr_has("policy directory `nowhere` does not exist");
    // With `--format json` it is said on stdout too, as E0012 (found by QA: nothing was).
    let out = Cli::new()
        .file("empty/.keep", "")
        .args(["check", "--policies", "empty", "--format", "json"])
        .output();
    out.code(1);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["diagnostics"][0]["code"], "E0012");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no `.gavel` files in `empty`"),
        "{json}"
    );
}

/// Found by QA: a path given on the command line reached the terminal raw in errors, so a
/// newline in it forged an output line. Every `error:` line is one line, escaped; so is a
/// value clap refuses.
#[test]
fn errors_quoting_a_path_or_value_are_one_escaped_line() {
    let forged = "a\nerror: INJECTED\u{1b}[31m";
    let cases: [&[&str]; 4] = [
        &["check", "--policies", forged],
        &["fmt", "--check", "--policies", forged],
        &["keys", "id", forged],
        &["eval", "--format", forged],
    ];
    for args in cases {
        let (out, _ws) = crate::support::Cli::new().args(args).run();
        out.code(1);
        assert_eq!(
            out.stderr
                .trim_end()
                .lines()
                .filter(|l| l.contains("INJECTED"))
                .count(),
            1,
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("\nerror: INJECTED"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}'), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("a\\nerror: INJECTED"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// Found by QA: `gavel check`'s human report goes to stderr, and a report that could not be
/// written (a full disk) still exited 0. It exits 1, as output that cannot be written does
/// for every command.
#[test]
fn a_check_report_that_cannot_be_written_exits_1() {
    let (_, ws) = crate::support::Cli::new()
        .file(
            "policies/main.gavel",
            "policy \"p\"\nroles unused\ndefault auto_approve\n",
        )
        .args(["check"])
        .run();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
        .current_dir(ws.path())
        .arg("check")
        .stdout(std::process::Stdio::null())
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    ws.run(["check"]).code(0).stderr_has("W0002");
}

/// A `.gavel` entry that is not a readable regular file — a dangling symlink, a directory, a
/// FIFO — is an error, and every decision blocks (found by QA: it was left out in silence,
/// and a policy whose blocking rules sat behind a broken link auto-approved what they
/// block).
#[test]
fn a_policy_file_that_cannot_be_read_is_an_error_not_left_out() {
    let (_, ws) = Cli::new()
        .file(
            "policies/00-main.gavel",
            "policy \"p\"\ndefault auto_approve\n",
        )
        .file(
            "policies/security.gavel",
            "rule env { when any file matches \".env*\" then block \"secrets\" }\n",
        )
        .file(
            "env.json",
            r#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"},"files":[{"path":".env","added":1}]}"#,
        )
        .args(["check"])
        .run();
    let eval = || ws.run(["eval", "--request", "env.json", "--no-audit"]);
    eval().code(3);
    // Nor is a policy file whose extension is in capitals left out.
    let security = ws.path().join("policies/security.gavel");
    let shouting = ws.path().join("policies/security.GAVEL");
    std::fs::rename(&security, &shouting).unwrap();
    eval().code(3);
    std::fs::rename(&shouting, &security).unwrap();
    let security = ws.path().join("policies/security.gavel");
    let make: [(&str, &dyn Fn()); 3] = [
        ("No such file", &|| {
            std::os::unix::fs::symlink(ws.path().join("gone.gavel"), &security).unwrap()
        }),
        ("it is a directory", &|| {
            std::fs::create_dir(&security).unwrap()
        }),
        ("it is not a regular file", &|| {
            let made = std::process::Command::new("mkfifo")
                .arg(&security)
                .status()
                .unwrap();
            assert!(made.success());
        }),
    ];
    for (why, make) in make {
        match std::fs::remove_file(&security) {
            Ok(()) => {}
            Err(_) => std::fs::remove_dir(&security).unwrap(),
        }
        make();
        let check = ws.run(["check"]);
        check
            .code(1)
            .stderr_has("error[E0002]: cannot read file: ")
            .stderr_has(why)
            .stderr_has("policies/security.gavel");
        assert!(!check.stderr.contains(" ok ("), "{}", check.stderr);
        eval().code(1).stdout_has("BLOCKED");
    }
}
