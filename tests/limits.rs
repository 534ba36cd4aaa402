//! Every documented limit (`src/limits.rs`, `docs/limits.md`): just under is accepted, just
//! over is refused with an error naming the limit — never a crash.

use gavel::check::check;
use gavel::diagnostic::Code;
use gavel::limits::*;
use gavel::source::SourceSet;
use gavel::{Context, Policy, Request};

fn codes(text: &str) -> Vec<Code> {
    let mut sources = SourceSet::new();
    sources.add("p.gavel", text.to_string());
    check(&sources).diagnostics.iter().map(|d| d.code).collect()
}

fn now() -> Context {
    Context::at("2026-01-01T00:00:00Z".parse().unwrap())
}

#[test]
fn policy_file_size() {
    let header = "policy \"p\"\ndefault auto_approve\n";
    let pad = |total: usize| format!("{header}{}", "#".repeat(total - header.len()));
    assert!(codes(&pad(MAX_POLICY_FILE_BYTES)).is_empty());
    assert_eq!(codes(&pad(MAX_POLICY_FILE_BYTES + 1)), vec![Code::TooLarge]);
}

#[test]
fn policy_file_count() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("000.gavel"),
        "policy \"p\"\ndefault auto_approve\n",
    )
    .unwrap();
    for i in 1..MAX_POLICY_FILES {
        std::fs::write(dir.path().join(format!("{i:03}.gavel")), "# empty\n").unwrap();
    }
    assert!(Policy::load(dir.path()).is_ok());
    std::fs::write(dir.path().join("999.gavel"), "# one too many\n").unwrap();
    let err = Policy::load(dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("more than the limit of {MAX_POLICY_FILES}")),
        "{err}"
    );
    // The same for sources given in code (found by a fail-open hunt of the library).
    let mut files: Vec<(String, String)> = (1..=MAX_POLICY_FILES)
        .map(|i| (format!("{i:03}.gavel"), "# empty\n".to_string()))
        .collect();
    files.push((
        "000.gavel".into(),
        "policy \"p\"\ndefault auto_approve\n".into(),
    ));
    let err = Policy::from_sources(files.clone()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("more than the limit of {MAX_POLICY_FILES}")),
        "{err}"
    );
    files.pop();
    files.pop();
    files.push((
        "000.gavel".into(),
        "policy \"p\"\ndefault auto_approve\n".into(),
    ));
    assert!(Policy::from_sources(files).is_ok());
}

#[test]
fn nesting_depth() {
    let nested = |n: usize| {
        format!(
            "policy \"p\"\nrule r {{ when {}true{} then auto_approve }}\n",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    // The rule body's braces count as one level.
    assert!(codes(&nested(MAX_NESTING_DEPTH - 2)).is_empty());
    assert_eq!(codes(&nested(MAX_NESTING_DEPTH + 1)), vec![Code::TooDeep]);
    // Operator chains nest too, and are caught as the tree is built.
    let chain = |n: usize| {
        format!(
            "policy \"p\"\nlet x = 1{}\nrule r {{ when x > 0 then auto_approve }}\n",
            " + 1".repeat(n)
        )
    };
    assert!(codes(&chain(MAX_NESTING_DEPTH - 1)).is_empty());
    assert!(codes(&chain(MAX_NESTING_DEPTH + 1)).contains(&Code::TooDeep));
    // Megabytes of `(` neither crash nor hang.
    assert!(!codes(&"(".repeat(MAX_POLICY_FILE_BYTES - 10)).is_empty());
}

#[test]
fn rule_count() {
    let rules = |n: usize| {
        let mut text = String::from("policy \"p\"\n");
        for i in 0..n {
            text.push_str(&format!(
                "rule r{i} {{ when files.count > {i} then auto_approve }}\n"
            ));
        }
        text
    };
    assert!(!codes(&rules(MAX_RULES)).contains(&Code::TooLarge));
    assert!(codes(&rules(MAX_RULES + 1)).contains(&Code::TooLarge));
}

#[test]
fn pattern_count_and_length() {
    let patterns = |n: usize| {
        let globs: Vec<String> = (0..n).map(|i| format!("\"d{i}/**\"")).collect();
        format!(
            "policy \"p\"\npaths s [{}]\nrule r {{ when any file in s then auto_approve }}\n",
            globs.join(", ")
        )
    };
    assert!(!codes(&patterns(MAX_PATTERNS)).contains(&Code::TooLarge));
    assert!(codes(&patterns(MAX_PATTERNS + 1)).contains(&Code::TooLarge));

    let one = |len: usize| {
        format!(
            "policy \"p\"\npaths s [\"{}\"]\nrule r {{ when any file in s then auto_approve }}\n",
            "a".repeat(len)
        )
    };
    assert!(codes(&one(MAX_PATTERN_BYTES)).is_empty());
    assert_eq!(codes(&one(MAX_PATTERN_BYTES + 1)), vec![Code::BadGlob]);
}

#[test]
fn regex_size() {
    let regex = |body: &str| {
        format!("policy \"p\"\nrule r {{ when any file matches /{body}/ then auto_approve }}\n")
    };
    assert!(codes(&regex(&"a".repeat(MAX_REGEX_SOURCE_BYTES))).is_empty());
    assert_eq!(
        codes(&regex(&"a".repeat(MAX_REGEX_SOURCE_BYTES + 1))),
        vec![Code::BadRegex]
    );
    // Short source, huge compiled program.
    assert_eq!(codes(&regex("(a{1000}){1000}")), vec![Code::BadRegex]);
    assert!(codes(&regex("(a{10}){10}")).is_empty());
}

const POLICY: &str = "policy \"p\"\nattribute tags: list<string> = []\nattribute note: string = \"\"\ndefault auto_approve\nrule r { when attr.tags contains \"x\" or attr.note == \"y\" then notify \"n\" }\n";

fn decide_json(json: &str) -> gavel::Decision {
    let policy = Policy::from_str(POLICY).unwrap();
    match Request::from_json(json.as_bytes()) {
        Ok(r) => policy.decide(&r, &now()),
        Err(e) => gavel::eval::input_error_decision(
            policy.checked(),
            policy.spec_hash(),
            json.as_bytes(),
            &e,
            now().now,
        ),
    }
}

fn input_error(d: &gavel::Decision) -> String {
    d.input_error
        .as_ref()
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

#[test]
fn request_size() {
    let base = r#"{"action":"deploy","actor":{"id":"a","kind":"human"}}"#;
    let padded = |total: usize| format!("{base}{}", " ".repeat(total - base.len()));
    assert!(Request::from_bytes(padded(MAX_REQUEST_BYTES).as_bytes()).is_ok());
    let err = Request::from_bytes(padded(MAX_REQUEST_BYTES + 1).as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("more than the limit of {MAX_REQUEST_BYTES}"))
    );
}

#[test]
fn request_file_count() {
    let files = |n: usize| {
        let list: Vec<String> = (0..n).map(|i| format!(r#"{{"path":"f/{i}"}}"#)).collect();
        format!(
            r#"{{"action":"deploy","actor":{{"id":"a","kind":"human"}},"files":[{}]}}"#,
            list.join(",")
        )
    };
    assert!(decide_json(&files(MAX_REQUEST_FILES)).input_error.is_none());
    let d = decide_json(&files(MAX_REQUEST_FILES + 1));
    assert_eq!(d.outcome.as_str(), "block");
    assert!(input_error(&d).contains(&format!("more than the limit of {MAX_REQUEST_FILES}")));
}

#[test]
fn path_length() {
    let with_path = |len: usize| {
        format!(
            r#"{{"action":"deploy","actor":{{"id":"a","kind":"human"}},"files":[{{"path":"{}"}}]}}"#,
            "p".repeat(len)
        )
    };
    assert!(
        decide_json(&with_path(MAX_PATH_BYTES))
            .input_error
            .is_none()
    );
    assert!(
        input_error(&decide_json(&with_path(MAX_PATH_BYTES + 1)))
            .contains(&format!("more than the limit of {MAX_PATH_BYTES}"))
    );
    // The error quotes the start of the path, not all of it (it used to echo 5 KB for a
    // 5,000-byte path).
    let d = decide_json(&with_path(5_000));
    let error = d.input_error.as_ref().unwrap();
    assert_eq!(error.field.as_deref(), Some("files[0].path"));
    assert_eq!(
        error.message,
        format!(
            "`{}…`: the path is 5000 bytes, more than the limit of {MAX_PATH_BYTES}",
            "p".repeat(64)
        )
    );
    assert!(
        d.summary.len() < 200 && d.reasons.concat().len() < 200,
        "{}",
        d.summary
    );
}

#[test]
fn attribute_count_list_items_and_string_length() {
    let attrs = |n: usize| {
        let list: Vec<String> = (0..n).map(|i| format!(r#""a{i}":1"#)).collect();
        format!(
            r#"{{"action":"deploy","actor":{{"id":"a","kind":"human"}},"attributes":{{{}}}}}"#,
            list.join(",")
        )
    };
    // Reading: at most MAX_ATTRIBUTES entries (validation then refuses undeclared ones).
    assert!(Request::from_json(attrs(MAX_ATTRIBUTES).as_bytes()).is_ok());
    let err = Request::from_json(attrs(MAX_ATTRIBUTES + 1).as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("more than {MAX_ATTRIBUTES} entries")),
        "{err}"
    );

    let tags = |n: usize| {
        let list: Vec<String> = (0..n).map(|i| format!("\"t{i}\"")).collect();
        format!(
            r#"{{"action":"deploy","actor":{{"id":"a","kind":"human"}},"attributes":{{"tags":[{}]}}}}"#,
            list.join(",")
        )
    };
    assert!(decide_json(&tags(MAX_LIST_ITEMS)).input_error.is_none());
    assert!(
        input_error(&decide_json(&tags(MAX_LIST_ITEMS + 1)))
            .contains(&format!("more than the limit of {MAX_LIST_ITEMS}"))
    );

    let note = |n: usize| {
        format!(
            r#"{{"action":"deploy","actor":{{"id":"a","kind":"human"}},"attributes":{{"note":"{}"}}}}"#,
            "x".repeat(n)
        )
    };
    assert!(decide_json(&note(MAX_STRING_BYTES)).input_error.is_none());
    assert!(
        input_error(&decide_json(&note(MAX_STRING_BYTES + 1)))
            .contains(&format!("more than the limit of {MAX_STRING_BYTES}"))
    );
}

#[test]
fn line_counts() {
    let lines = |n: u64| {
        format!(
            r#"{{"action":"deploy","actor":{{"id":"a","kind":"human"}},"files":[{{"path":"x","added":{n}}}]}}"#
        )
    };
    assert!(decide_json(&lines(MAX_LINE_COUNT)).input_error.is_none());
    assert!(
        input_error(&decide_json(&lines(MAX_LINE_COUNT + 1)))
            .contains(&format!("more than the limit of {MAX_LINE_COUNT}"))
    );
}

#[test]
fn credential_size() {
    let padded = |total: usize| {
        let base = br#"{"type":"gavel.license.v1"}"#;
        let mut v = base.to_vec();
        v.extend(std::iter::repeat_n(b' ', total - base.len()));
        v
    };
    // Just under: read (and refused for its content); just over: refused for its size.
    let under = gavel::license::License::from_json(&padded(MAX_CREDENTIAL_BYTES)).unwrap_err();
    assert!(
        !under.to_string().contains("bytes, more than the limit"),
        "{under}"
    );
    let over = gavel::license::License::from_json(&padded(MAX_CREDENTIAL_BYTES + 1)).unwrap_err();
    assert!(
        over.to_string()
            .contains(&format!("more than the limit of {MAX_CREDENTIAL_BYTES}")),
        "{over}"
    );
    let over = gavel::approve::Approval::from_json(&padded(MAX_CREDENTIAL_BYTES + 1)).unwrap_err();
    assert!(
        over.to_string()
            .contains(&format!("more than the limit of {MAX_CREDENTIAL_BYTES}")),
        "{over}"
    );
}

/// The deepest expressions the checker accepts are decided, with the right result, on a
/// thread with a small stack (a service may decide on threads of its own sizing): a sum 63
/// additions deep, and 61 nested `not`s.
#[test]
fn deepest_expressions_decide_on_a_small_stack() {
    let depth = MAX_NESTING_DEPTH - 1;
    let sum = format!(
        "policy \"p\"\nlet x = 1{}\ndefault auto_approve\n\
         rule r {{ when x > {depth} then block \"sum {{x}}\" }}\n",
        " + 1".repeat(depth)
    );
    let nots = format!(
        "policy \"p\"\ndefault auto_approve\n\
         rule r {{ when {}true then block \"not\" }}\n",
        "not ".repeat(MAX_NESTING_DEPTH - 3)
    );
    let request =
        Request::from_json(br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"}}"#)
            .unwrap();
    for (source, fires) in [
        (sum, true),
        (nots, (MAX_NESTING_DEPTH - 3).is_multiple_of(2)),
    ] {
        let policy = Policy::from_str(&source).unwrap_or_else(|e| panic!("{e}"));
        let request = request.clone();
        let decision = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || policy.decide(&request, &now()))
            .unwrap()
            .join()
            .unwrap();
        assert!(decision.errors.is_empty(), "{:?}", decision.errors);
        let expected = if fires { "block" } else { "auto_approve" };
        assert_eq!(decision.outcome.as_str(), expected, "{}", decision.summary);
    }
}

/// Found by a fail-open hunt of the library: a list of long strings, interpolated into a
/// message and shown as evidence, made a decision of hundreds of megabytes — over the audit
/// record limit, so the blocked attempt could not be recorded at all. A shown value over
/// `MAX_SHOWN_VALUE_BYTES` is an excerpt and its size.
#[test]
fn a_decision_quoting_huge_request_values_stays_small() {
    let policy = gavel::Policy::from_str(
        "policy \"p\"\nattribute l: list<string> = []\ndefault auto_approve\n\
         rule r0 { when attr.l contains \"needle0\" then block \"bad {attr.l}\" }\n\
         rule r1 { when attr.l contains \"needle0\" then block \"also {attr.l}\" }\n",
    )
    .unwrap();
    let mut items = vec![serde_json::Value::from("needle0")];
    items.extend(
        (0..2_000).map(|i| serde_json::Value::from(format!("{i}{}", "\u{200B}".repeat(1000)))),
    );
    let request = gavel::Request::from_json(
        serde_json::json!({
            "action": "deploy", "actor": {"id": "a", "kind": "human"},
            "attributes": {"l": items},
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let decision = policy.decide(
        &request,
        &gavel::Context::at("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    assert_eq!(decision.outcome.as_str(), "block");
    let json = serde_json::to_string(&decision).unwrap();
    assert!(json.len() < 16 * 1024, "{} bytes", json.len());
    let fired = &decision.fired[0];
    let message = fired.message.as_deref().unwrap();
    assert!(message.starts_with("bad [needle0, 0\\u{200b}"), "{message}");
    assert!(message.ends_with(" bytes)"), "{message}");
    let evidence = fired.evidence[0].left.as_ref().unwrap().to_string();
    assert!(evidence.ends_with(" bytes)"), "{evidence}");
    // A short value is shown whole.
    let short = gavel::Request::from_json(
        br#"{"action":"deploy","actor":{"id":"a","kind":"human"},"attributes":{"l":["needle0","x"]}}"#,
    )
    .unwrap();
    let decision = policy.decide(
        &short,
        &gavel::Context::at("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    assert_eq!(
        decision.fired[0].message.as_deref(),
        Some("bad [needle0, x]")
    );
}

/// Found by QA: a request built in code may hold an attribute nested far deeper than a
/// request read from JSON or YAML can (128 levels); writing its digest, before validation
/// refuses it, overflowed the stack and aborted the process. It is a block naming the
/// attribute, on a thread with a small stack too.
#[test]
fn a_deeply_nested_attribute_built_in_code_blocks() {
    let policy =
        Policy::from_str("policy \"p\"\nattribute ticket: string\ndefault auto_approve\n").unwrap();
    let mut request =
        Request::from_json(br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"}}"#)
            .unwrap();
    let mut nested = serde_json::Value::Null;
    for _ in 0..20_000 {
        nested = serde_json::Value::Array(vec![nested]);
    }
    request
        .attributes
        .as_map_mut()
        .insert("ticket".into(), nested);
    let (decision, mut request) = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let decision = policy.decide(&request, &now());
            (decision, request)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(decision.outcome.as_str(), "block");
    assert_eq!(
        decision
            .input_error
            .as_ref()
            .and_then(|e| e.field.as_deref()),
        Some("attributes.ticket"),
        "{}",
        decision.summary
    );
    // Taken apart level by level: dropping it whole would recurse as deep as it is.
    let mut stack: Vec<serde_json::Value> = request
        .attributes
        .as_map_mut()
        .values_mut()
        .map(std::mem::take)
        .collect();
    while let Some(mut value) = stack.pop() {
        if let serde_json::Value::Array(items) = &mut value {
            stack.append(items);
        }
    }
}

/// The nesting pre-scan sees every deep expression, so deep ones are E0004 rather than the
/// parser's own "stack limit reached" (found by fuzzing): declaration words read as names
/// (`if risk then risk else ...`) no longer end the `if`s open around them, and a piece the
/// error recovery parses on its own is scanned on its own (a string whose `"\` escaped its
/// line's end hid the next line from the whole-file scan).
#[test]
fn nesting_the_pre_scan_used_to_miss() {
    let ifs = format!(
        "policy \"p\"\nlet x = {}risk\n",
        "if risk then risk else ".repeat(5_000)
    );
    assert!(codes(&ifs).contains(&Code::TooDeep), "{:?}", codes(&ifs));
    let wheres = format!(
        "policy \"p\"\nlet x = {}true\n",
        "any file where ".repeat(5_000)
    );
    assert!(
        codes(&wheres).contains(&Code::TooDeep),
        "{:?}",
        codes(&wheres)
    );
    let hidden = format!(
        "policy \"p\"\nlet a = ) \"\\\nrule r {{ when {}x{} then auto_approve }}\n",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    assert!(
        codes(&hidden).contains(&Code::TooDeep),
        "{:?}",
        codes(&hidden)
    );
}

/// A file under the size limit whose canonical layout is over it cannot be formatted: a
/// clear error naming the limit, not an internal error (found by fuzzing: `let aN=1` lines,
/// which the canonical layout spaces out).
#[test]
fn formatting_past_the_file_size_limit() {
    let mut text = String::from("policy \"p\"\n");
    let mut n = 0;
    while text.len() < MAX_POLICY_FILE_BYTES - 32 {
        text.push_str(&format!("let a{n}=1\n"));
        n += 1;
    }
    assert!(text.len() <= MAX_POLICY_FILE_BYTES);
    let errors = gavel::fmt::format_source("p.gavel", &text).unwrap_err();
    assert_eq!(errors[0].code, Code::TooLarge);
    assert!(
        errors[0].message.contains("formatted, the file would be"),
        "{}",
        errors[0].message
    );
}
