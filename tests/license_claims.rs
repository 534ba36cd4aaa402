//! A license tier is taken only from a verified license: what a request states about its own
//! tier is a claim, never a tier in force (found by QA: a request naming itself `enterprise`
//! used to be decided as enterprise without any signed license).

use gavel::eval::LicenseVerdict;
use gavel::{Context, DecisionOutcome, Policy, Request};

use crate::support::{Cli, Workspace};

const NOW: &str = "2026-04-01T09:00:00Z";

/// A policy with a license authority and two tiers, and a `pro` and a forged license.
fn setup(extra_rules: &str) -> Workspace {
    let (out, ws) = Cli::new()
        .args(["keys", "new", "vendor", "--dir", "keys"])
        .run();
    out.code(0);
    ws.run(["keys", "new", "mallory", "--dir", "keys"]).code(0);
    let vendor = ws.read("keys/vendor.pub").trim().to_string();
    ws.write(
        "policies/main.gavel",
        format!(
            "policy \"p\"\nenvironments dev -> prod\nlicense authority key \"{vendor}\"\n\
             license starter {{\n  environments dev\n}}\nlicense pro {{\n  environments dev, prod\n}}\n\
             default auto_approve\n{extra_rules}"
        ),
    );
    ws.issue_license("pro", "keys/vendor.key", "pro.license", NOW);
    ws.issue_license("pro", "keys/mallory.key", "forged.license", NOW);
    ws.write(
        "claims-pro.json",
        r#"{"action":"deploy","environment":"prod","actor":{"id":"dev","kind":"human"},"license":{"tier":"pro"}}"#,
    );
    ws.write(
        "claims-starter.json",
        r#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"},"license":{"tier":"starter"}}"#,
    );
    ws
}

fn eval(ws: &Workspace, request: &str, license: Option<&str>) -> crate::support::Output {
    let mut args = vec![
        "eval",
        "--request",
        request,
        "--now",
        NOW,
        "--format",
        "json",
    ];
    if let Some(l) = license {
        args.extend(["--license", l]);
    }
    ws.run(args)
}

#[test]
fn a_request_cannot_license_itself() {
    let ws = setup("");
    let out = eval(&ws, "claims-pro.json", None);
    out.code(1).stderr_has(
        "`license`: the request states license tier `pro`, but a tier is taken only from a verified license",
    );
    assert_eq!(out.json()["outcome"], "block");
    // With the license it claims, it proceeds.
    eval(&ws, "claims-pro.json", Some("pro.license")).code(0);
}

#[test]
fn a_claim_must_agree_with_the_verified_license() {
    let ws = setup("");
    let out = eval(&ws, "claims-starter.json", Some("pro.license"));
    out.code(1).stderr_has(
        "`license.tier`: the request states tier `starter`, but its verified license is tier `pro`",
    );
    assert_eq!(out.json()["outcome"], "block");
    // The licensed organization too.
    ws.write(
        "claims-org.json",
        r#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"},"license":{"tier":"pro","org":"evilcorp"}}"#,
    );
    eval(&ws, "claims-org.json", Some("pro.license"))
        .code(1)
        .stderr_has(
            "`license.org`: the request states org `evilcorp`, but its verified license is for `acme`",
        );
}

#[test]
fn a_failed_license_says_why_even_when_rules_read_the_tier() {
    let ws =
        setup("rule top \"Top tier\" {\n  when license.tier == pro\n  then notify \"pro\"\n}\n");
    ws.write(
        "plain.json",
        r#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"}}"#,
    );
    let out = eval(&ws, "plain.json", Some("forged.license"));
    out.code(1)
        .stderr_has("`license`: the license failed verification: unknown key");
    assert_eq!(out.json()["outcome"], "block");
    // A file that cannot be read is no failed license but a mistyped command line (below).
    let out = eval(&ws, "plain.json", Some("missing.license"));
    out.code(1)
        .stderr_has("error: --license: cannot read `missing.license`: ");
    eval(&ws, "plain.json", Some("pro.license"))
        .code(0)
        .stdout_has("pro");
}

#[test]
fn the_library_takes_the_tier_from_the_context_only() {
    let policy = Policy::from_str(
        "policy \"p\"\nenvironments dev -> prod\nlicense starter {\n  environments dev\n}\n\
         license pro {\n  environments dev, prod\n}\ndefault auto_approve\n",
    )
    .unwrap();
    let request = Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"dev","kind":"human"},"license":{"tier":"pro"}}"#,
    )
    .unwrap();
    let now = NOW.parse().unwrap();
    let claimed = policy.decide(&request, &Context::at(now));
    assert_eq!(claimed.outcome, DecisionOutcome::Block);
    assert_eq!(
        claimed
            .input_error
            .as_ref()
            .and_then(|e| e.field.as_deref()),
        Some("license")
    );
    let mut verified = Context::at(now);
    verified.license = Some(LicenseVerdict::Valid {
        tier: "pro".into(),
        org: "acme".into(),
        expires_at: "2027-01-31T00:00:00Z".parse().unwrap(),
    });
    assert_eq!(
        policy.decide(&request, &verified).outcome,
        DecisionOutcome::AutoApprove
    );
}

#[test]
fn a_license_file_that_cannot_be_read_is_an_input_error_naming_it() {
    let ws = setup("");
    ws.write(
        "plain.json",
        r#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"}}"#,
    );
    ws.write(
        "policies-free/main.gavel",
        "policy \"free\"\ndefault auto_approve\n",
    );
    // Under a policy with tiers (which blocked, exit 3, as a license that failed
    // verification) and one without (which did not block at all): exit 1, one line naming
    // the file, and a block recorded as an input error.
    for (policies, license) in [
        ("policies", "missing.license"),
        ("policies-free", "missing.license"),
        ("policies", "keys"),
    ] {
        let out = ws.run([
            "eval",
            "--policies",
            policies,
            "--request",
            "plain.json",
            "--license",
            license,
            "--now",
            NOW,
            "--format",
            "json",
            "--no-audit",
        ]);
        out.code(1)
            .stderr_has(&format!("error: --license: cannot read `{license}`: "));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        let decision = out.json();
        assert_eq!(decision["outcome"], "block");
        assert_eq!(decision["authorizes"], false);
        assert!(
            decision["input_error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("--license: cannot read `{license}`: ")),
            "{decision}"
        );
        assert_eq!(
            decision["request"]["digest"],
            gavel::request::request_digest(
                &Request::from_bytes(ws.read("plain.json").as_bytes()).unwrap()
            )
        );
    }
    // A file that reads but is no license still fails verification, as before; a device is
    // read only up to one byte over the credential limit, so it ends.
    if std::path::Path::new("/dev/zero").exists() {
        let out = eval(&ws, "plain.json", Some("/dev/zero"));
        out.code(3);
        let reasons = out.json()["reasons"].to_string();
        assert!(
            reasons.contains("malformed license: more than 1048576 bytes, the limit"),
            "{reasons}"
        );
    }
    eval(&ws, "plain.json", Some("pro.license")).code(0);
}
