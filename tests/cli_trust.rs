//! Keys, signed decisions, approval credentials and licenses, end to end through the CLI.

use crate::support::{Cli, Workspace};

const NOW: &str = "2026-04-01T09:00:00Z";

/// A workspace with keys for alice, bob (humans), robo (an agent approver), carol (who asks),
/// the decision signer and a license vendor, and a policy declaring them.
fn setup() -> Workspace {
    let (out, ws) = Cli::new()
        .args(["keys", "new", "alice", "--dir", "keys"])
        .run();
    out.code(0).stdout_has("key id:      ed25519:");
    for name in ["bob", "robo", "carol", "vendor"] {
        ws.run(["keys", "new", name, "--dir", "keys"]).code(0);
    }
    ws.run(["keys", "new", "signing"]).code(0);
    let key = |name: &str| ws.read(&format!("keys/{name}.pub")).trim().to_string();
    let signing = ws.read(".gavel/keys/signing.pub").trim().to_string();
    let policy = format!(
        r#"policy "releases"
environments dev -> staging -> prod
roles admin, lead, bot
approver "alice@example.com" roles admin, lead key "{alice}"
approver "bob@example.com" roles lead key "{bob}"
approver "robo" roles lead agent key "{robo}"
signer "ci" key "{signing}"
license authority key "{vendor}"
license starter {{
  environments dev, staging
}}
license pro {{
  environments dev, staging, prod
}}
default auto_approve
rule prod "Production needs two humans" {{
  when environment == prod
  then require 2 approvals from admin, lead within 4h humans_only scope deploy
}}
rule bots "Bots never deploy" {{
  when actor has role bot
  then block "bots do not deploy"
}}
"#,
        alice = key("alice"),
        bob = key("bob"),
        robo = key("robo"),
        vendor = key("vendor"),
    );
    ws.write("policies/main.gavel", policy);
    ws.run(["check"]).code(0);
    ws.issue_license("pro", "keys/vendor.key", "pro.license", NOW);
    ws
}

fn prod_request(ws: &Workspace, actor: &str) {
    ws.write(
        "req.json",
        format!(
            r#"{{"action":"deploy","environment":"prod","actor":{{"id":"{actor}","kind":"human"}},"requested_at":"{NOW}"}}"#
        ),
    );
}

fn eval(ws: &Workspace, extra: &[&str], now: &str) -> crate::support::Output {
    let mut args = vec![
        "eval",
        "--request",
        "req.json",
        "--license",
        "pro.license",
        "--now",
        now,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    ws.run(args)
}

fn approve(ws: &Workspace, who: &str, key: &str, role: &str, out: &str, extra: &[&str]) {
    let mut args = vec![
        "approve",
        "decision.json",
        "--key",
        key,
        "--as",
        who,
        "--role",
        role,
        "--scope",
        "deploy",
        "--out",
        out,
        "--now",
        "2026-04-01T09:30:00Z",
    ];
    args.extend_from_slice(extra);
    ws.run(args).code(0);
}

fn pending_decision(ws: &Workspace) {
    let out = eval(ws, &[], NOW);
    out.code(2);
    ws.write("decision.json", &out.stdout);
}

#[test]
fn full_flow_pending_then_approved_signed_and_verifiable() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    let pending: serde_json::Value = serde_json::from_str(&ws.read("decision.json")).unwrap();
    assert_eq!(pending["outcome"], "require_approval");
    assert_eq!(pending["signature"]["alg"], "ed25519");
    ws.run(["verify", "decision.json"])
        .code(0)
        .stdout_has("valid decision dec_")
        .stdout_has("\nAPPROVAL REQUIRED: needs 2 more approvals from admin or lead");

    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "alice.json",
        &[],
    );
    approve(
        &ws,
        "bob@example.com",
        "keys/bob.key",
        "lead",
        "bob.json",
        &[],
    );
    ws.run(["verify", "alice.json", "--now", "2026-04-01T10:00:00Z"])
        .code(0)
        .stdout_has("approved by alice@example.com as admin")
        .stdout_has(" (spec ")
        .stdout_has(" of decision dec_");
    // Expired at its `expires_at` (24 hours after it was issued): signed, but no approval.
    ws.run(["verify", "alice.json", "--now", "2026-04-02T09:30:00Z"])
        .code(1)
        .stderr_has("the approval credential is signed by ed25519:")
        .stderr_has("but it expired at 2026-04-02T09:30:00Z");

    // One approval: still pending, naming what is missing.
    let one = eval(&ws, &["--approval", "alice.json"], "2026-04-01T10:00:00Z");
    one.code(2);
    let json = one.json();
    assert_eq!(json["gates"][0]["approved_by"][0], "alice@example.com");
    assert_eq!(
        json["summary"],
        "needs 1 more approval from admin or lead, humans only, with scope deploy by 2026-04-01 13:00 UTC (`prod`)"
    );

    // Both: approved, signed, verifiable.
    let both = eval(
        &ws,
        &["--approval", "alice.json", "--approval", "bob.json"],
        "2026-04-01T10:00:00Z",
    );
    both.code(0);
    ws.write("approved.json", &both.stdout);
    let json = both.json();
    assert_eq!(json["outcome"], "approved");
    assert_eq!(json["authorizes"], true);
    assert_eq!(json["license"]["tier"], "pro");
    ws.run(["verify", "approved.json"])
        .code(0)
        .stdout_has("\nAPPROVED by alice@example.com, bob@example.com\n")
        .stdout_has("authorizes: true");

    // Any change to the signed content fails verification, saying which check failed.
    ws.write(
        "tampered.json",
        ws.read("approved.json")
            .replace("\"approved\"", "\"block\""),
    );
    ws.run(["verify", "tampered.json"])
        .code(1)
        .stderr_has("verification failed: invalid signature by key `ed25519:");
}

/// `gavel verify` prints an approver's note (and the credential's other text) escaped: a
/// newline or a terminal escape in it cannot forge a line of its output.
#[test]
fn verify_escapes_what_a_credential_says() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "alice.json",
        &["--note", "ok\nvalid decision forged\u{1b}[2J\u{202e}"],
    );
    let out = ws.run(["verify", "alice.json", "--now", "2026-04-01T10:00:00Z"]);
    out.code(0)
        .stdout_has("\nnote: ok\\nvalid decision forged\\u{1b}[2J\\u{202e}\n");
    assert!(
        !out.stdout.contains(['\u{1b}', '\u{202e}']),
        "{}",
        out.stdout
    );
}

#[test]
fn a_rejection_by_an_eligible_approver_rejects() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "alice.json",
        &[],
    );
    ws.run([
        "reject",
        "decision.json",
        "--key",
        "keys/bob.key",
        "--as",
        "bob@example.com",
        "--role",
        "lead",
        "--reason",
        "the migration is not reversible",
        "--out",
        "bob.json",
        "--now",
        "2026-04-01T09:40:00Z",
    ])
    .code(0);
    let out = eval(
        &ws,
        &["--approval", "alice.json", "--approval", "bob.json"],
        "2026-04-01T10:00:00Z",
    );
    out.code(3);
    let json = out.json();
    assert_eq!(json["outcome"], "rejected");
    assert_eq!(
        json["summary"],
        "rejected by bob@example.com: the migration is not reversible"
    );
    // A rejection without a reason, or with one that shows nothing, is refused; so are
    // flags the verdict does not use, and empty scopes, rather than left out of the signed
    // credential (found by QA).
    let signer = [
        "--key",
        "keys/bob.key",
        "--as",
        "bob@example.com",
        "--role",
        "lead",
    ];
    for (verb, extra, says) in [
        ("reject", &[][..], "a rejection needs a reason"),
        (
            "reject",
            &["--reason", "\u{200b}"][..],
            "a rejection needs a reason",
        ),
        (
            "reject",
            &["--reason", "\u{2800} "][..],
            "a rejection needs a reason",
        ),
        (
            "approve",
            &["--reason", "x"][..],
            "`--reason` is for `gavel reject`; an approval's note is `--note`",
        ),
        (
            "reject",
            &["--reason", "x", "--note", "y"][..],
            "`--note` is for `gavel approve`; a rejection says why with `--reason`",
        ),
        (
            "approve",
            &["--scope", " "][..],
            "--scope ` ` names no capability",
        ),
    ] {
        let mut args = vec![verb, "decision.json"];
        args.extend(signer);
        args.extend(extra);
        ws.run(args).code(1).stderr_has(says);
    }
}

#[test]
fn an_unsigned_decision_is_refused_when_the_policy_declares_signers() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    // Stripping the signature from a (forged) decision must not get it approved or rejected.
    let mut decision: serde_json::Value = serde_json::from_str(&ws.read("decision.json")).unwrap();
    decision.as_object_mut().unwrap().remove("signature");
    ws.write("unsigned.json", decision.to_string());
    for (verb, extra) in [("approve", None), ("reject", Some("no"))] {
        let mut args = vec![
            verb,
            "unsigned.json",
            "--key",
            "keys/alice.key",
            "--as",
            "alice@example.com",
            "--role",
            "admin",
            "--out",
            "cred.json",
        ];
        if let Some(reason) = extra {
            args.extend(["--reason", reason]);
        }
        let out = ws.run(&args);
        out.code(1)
            .stderr_has(&format!("error: refusing to {verb}: decision `dec_"));
        out.stderr_has("is unsigned, and the policy declares decision signers");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(
            !ws.path().join("cred.json").exists(),
            "{verb} wrote a credential"
        );
    }
    // A signed decision that was edited is refused too (the signature does not verify).
    ws.write(
        "edited.json",
        ws.read("decision.json").replace("\"prod\"", "\"staging\""),
    );
    ws.run([
        "approve",
        "edited.json",
        "--key",
        "keys/alice.key",
        "--as",
        "alice@example.com",
        "--role",
        "admin",
    ])
    .code(1)
    .stderr_has("refusing to approve: the decision's signature does not verify");
    // Without the policy nothing says who may sign decisions: approving blind is refused.
    let out = ws.run([
        "approve",
        "unsigned.json",
        "--key",
        "keys/alice.key",
        "--as",
        "alice@example.com",
        "--role",
        "admin",
        "--policies",
        "elsewhere",
        "--out",
        "cred.json",
    ]);
    out.code(1).stderr_has(
        "error: the policy at `elsewhere` does not load: policy directory `elsewhere` does not exist",
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(!ws.path().join("cred.json").exists());
}

#[test]
fn an_unsigned_decision_only_warns_when_the_policy_declares_no_signers() {
    let (out, ws) = Cli::new()
        .args(["keys", "new", "sam", "--dir", "keys"])
        .run();
    out.code(0);
    let policy = format!(
        "policy \"nosigners\"\nroles lead\napprover \"sam@example.com\" roles lead key \"{}\"\ndefault require 1 approval from lead within 1h\n",
        ws.read("keys/sam.pub").trim()
    );
    ws.write("policies/main.gavel", policy);
    ws.write(
        "req.json",
        r#"{"action":"deploy","actor":{"id":"joe","kind":"human"}}"#,
    );
    let out = ws.run(["eval", "--request", "req.json", "--format", "json"]);
    out.code(2);
    assert!(out.json().get("signature").is_none());
    ws.write("decision.json", &out.stdout);
    ws.run([
        "approve",
        "decision.json",
        "--key",
        "keys/sam.key",
        "--as",
        "sam@example.com",
        "--role",
        "lead",
        "--out",
        "sam.json",
    ])
    .code(0)
    .stderr_has("warning: the decision is unsigned; check it came from your pipeline");
    assert!(ws.path().join("sam.json").exists());
}

/// Evaluates with the given credentials and returns the ignored approvals' kinds.
fn ignored_kinds(ws: &Workspace, files: &[&str], now: &str) -> Vec<String> {
    let mut extra = Vec::new();
    for f in files {
        extra.push("--approval");
        extra.push(*f);
    }
    let out = eval(ws, &extra, now);
    out.json()["ignored_approvals"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["kind"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn each_rejection_kind_from_the_cli() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    let later = "2026-04-01T10:00:00Z";

    // Unknown key: alice's name, carol's key.
    approve(
        &ws,
        "alice@example.com",
        "keys/carol.key",
        "admin",
        "wrong-key.json",
        &[],
    );
    assert_eq!(
        ignored_kinds(&ws, &["wrong-key.json"], later),
        ["unknown_key"]
    );

    // Invalid signature: the note was edited after signing.
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "alice.json",
        &["--note", "lgtm"],
    );
    ws.write("edited.json", ws.read("alice.json").replace("lgtm", "LGTM"));
    assert_eq!(
        ignored_kinds(&ws, &["edited.json"], later),
        ["invalid_signature"]
    );

    // Expired: a one-minute credential used an hour later.
    approve(
        &ws,
        "bob@example.com",
        "keys/bob.key",
        "lead",
        "short.json",
        &["--expires", "1m"],
    );
    assert_eq!(ignored_kinds(&ws, &["short.json"], later), ["expired"]);

    // Issued after the gate's window (4h from 09:00).
    ws.run([
        "approve",
        "decision.json",
        "--key",
        "keys/bob.key",
        "--as",
        "bob@example.com",
        "--role",
        "lead",
        "--scope",
        "deploy",
        "--out",
        "late.json",
        "--now",
        "2026-04-01T13:30:00Z",
    ])
    .code(0);
    assert_eq!(
        ignored_kinds(&ws, &["late.json"], "2026-04-01T13:31:00Z"),
        ["after_window"]
    );

    // Scope insufficient: no `deploy`.
    ws.run([
        "approve",
        "decision.json",
        "--key",
        "keys/bob.key",
        "--as",
        "bob@example.com",
        "--role",
        "lead",
        "--out",
        "noscope.json",
        "--now",
        "2026-04-01T09:30:00Z",
    ])
    .code(0);
    assert_eq!(
        ignored_kinds(&ws, &["noscope.json"], later),
        ["scope_insufficient"]
    );

    // The approver does not hold the role.
    approve(
        &ws,
        "bob@example.com",
        "keys/bob.key",
        "admin",
        "notadmin.json",
        &[],
    );
    assert_eq!(
        ignored_kinds(&ws, &["notadmin.json"], later),
        ["role_not_held"]
    );

    // The same approver twice.
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "lead",
        "alice2.json",
        &[],
    );
    assert_eq!(
        ignored_kinds(&ws, &["alice.json", "alice2.json"], later),
        ["duplicate_approver"]
    );

    // An agent approver on a humans_only gate.
    approve(&ws, "robo", "keys/robo.key", "lead", "robo.json", &[]);
    assert_eq!(
        ignored_kinds(&ws, &["robo.json"], later),
        ["agent_on_humans_only"]
    );

    // Request mismatch: the same credential for a different request.
    ws.write(
        "req.json",
        format!(r#"{{"action":"deploy","environment":"prod","actor":{{"id":"dave@example.com","kind":"human"}},"requested_at":"{NOW}"}}"#),
    );
    assert_eq!(
        ignored_kinds(&ws, &["alice.json"], later),
        ["request_mismatch"]
    );

    // Spec hash mismatch: the policy changed since the approval.
    prod_request(&ws, "carol@example.com");
    let policy = ws
        .read("policies/main.gavel")
        .replace("within 4h", "within 5h");
    ws.write("policies/main.gavel", policy);
    assert_eq!(
        ignored_kinds(&ws, &["alice.json"], later),
        ["spec_hash_mismatch"]
    );
}

#[test]
fn self_approval_and_wrong_environment() {
    let ws = setup();
    // Alice asks and approves herself.
    prod_request(&ws, "alice@example.com");
    pending_decision(&ws);
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "self.json",
        &[],
    );
    assert_eq!(
        ignored_kinds(&ws, &["self.json"], "2026-04-01T10:00:00Z"),
        ["self_approval"]
    );

    // A validly signed credential whose environment differs from the request's.
    let raw = ws.read("self.json");
    let mut approval = gavel::approve::Approval::from_json(raw.as_bytes()).unwrap();
    approval.environment = Some("staging".into());
    approval.approver = "bob@example.com".into();
    approval.role = "lead".into();
    let key = gavel::keys::PrivateKey::load(&ws.path().join("keys/bob.key")).unwrap();
    let signed = approval.sign(&gavel::sign::Signer::new(key)).unwrap();
    ws.write("env.json", serde_json::to_string(&signed).unwrap());
    assert_eq!(
        ignored_kinds(&ws, &["env.json"], "2026-04-01T10:00:00Z"),
        ["wrong_environment"]
    );
}

#[test]
fn malformed_credentials_are_listed_not_fatal() {
    // A file that reads but is no credential is an ignored approval (a file that cannot be
    // read is an input error, below).
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    ws.write("junk.json", "{not json");
    ws.write("huge.json", vec![b' '; 1024 * 1024 + 5]);
    let out = eval(
        &ws,
        &["--approval", "junk.json", "--approval", "huge.json"],
        NOW,
    );
    out.code(2);
    let json = out.json();
    assert_eq!(json["ignored_approvals"][0]["kind"], "malformed");
    // Read only up to the limit, yet the size named is the file's own.
    assert_eq!(json["ignored_approvals"][1]["kind"], "malformed");
    assert_eq!(
        json["ignored_approvals"][1]["reason"],
        "huge.json: 1048581 bytes, more than the limit of 1048576"
    );
}

#[test]
fn an_approval_file_that_cannot_be_read_is_an_input_error_even_beside_valid_ones() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "alice.json",
        &[],
    );
    approve(
        &ws,
        "bob@example.com",
        "keys/bob.key",
        "lead",
        "bob.json",
        &[],
    );
    let both = ["--approval", "alice.json", "--approval", "bob.json"];
    eval(&ws, &both, "2026-04-01T10:00:00Z").code(0);
    // A typo next to two valid approvals: not an ignored approval and an exit 0, but a block,
    // exit 1, and one line naming the file.
    let out = eval(
        &ws,
        &[&both[..], &["--approval", "carl.json"]].concat(),
        "2026-04-01T10:00:00Z",
    );
    out.code(1)
        .stderr_has("error: --approval: cannot read `carl.json`: ");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["outcome"], "block");
    assert_eq!(json["authorizes"], false);
    // A directory cannot be read as a file either.
    eval(&ws, &["--approval", "keys"], NOW)
        .code(1)
        .stderr_has("error: --approval: cannot read `keys`: ");
}

#[test]
fn licenses_gate_and_each_failure_blocks_with_its_own_reason() {
    let ws = setup();
    ws.write(
        "req.json",
        r#"{"action":"deploy","environment":"prod","actor":{"id":"carol@example.com","kind":"human"}}"#,
    );
    ws.issue_license("starter", "keys/vendor.key", "starter.license", NOW);
    let run = |license: &str, now: &str| {
        ws.run([
            "eval",
            "--request",
            "req.json",
            "--license",
            license,
            "--now",
            now,
            "--format",
            "json",
        ])
    };
    let out = run("starter.license", NOW);
    out.code(3);
    assert_eq!(
        out.json()["license"]["denial"],
        "the `starter` license tier does not include environment `prod`; the `pro` tier allows it"
    );
    ws.run(["verify", "starter.license", "--now", NOW])
        .code(0)
        .stdout_has("tier starter for acme");
    // In force or not: an expired license, or one of a tier the policy does not have,
    // verifies as signed but is no license, and `verify` fails on it.
    ws.run(["verify", "starter.license", "--now", "2027-02-01T00:00:00Z"])
        .code(1)
        .stderr_has("but it expired at 2027-02-01T00:00:00Z (now 2027-02-01T00:00:00Z)");

    // Unknown key: issued by someone who is not the authority.
    ws.issue_license("pro", "keys/carol.key", "forged.license", NOW);
    let denial = |out: crate::support::Output| {
        out.json()["license"]["denial"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(denial(run("forged.license", NOW)).contains("unknown key"));
    // Bad signature.
    ws.write(
        "edited.license",
        ws.read("starter.license").replace("starter", "pro"),
    );
    assert!(denial(run("edited.license", NOW)).contains("invalid signature"));
    // Expired.
    assert!(denial(run("pro.license", "2027-02-01T00:00:00Z")).contains("expired"));
    // Unknown tier.
    ws.issue_license("gold", "keys/vendor.key", "gold.license", NOW);
    assert!(denial(run("gold.license", NOW)).contains("unknown tier: `gold`"));
    ws.run(["verify", "gold.license", "--now", NOW])
        .code(1)
        .stderr_has("but its tier `gold` is not a tier of policy `releases`");
    // A license expires at its `expires_at` instant, as approvals and overrides do, and
    // says so the same way on either side of it. Issued `--expires 2027-01-31`, it holds
    // through the last second of that day (found by QA: it expired at 23:59:59).
    for now in ["2027-02-01T00:00:00Z", "2027-02-01T00:00:01Z"] {
        assert!(
            denial(run("pro.license", now)).starts_with("the license failed verification: expired"),
            "{now}"
        );
    }
    assert_eq!(
        run("pro.license", "2027-01-31T23:59:59Z").json()["license"]["allowed"],
        true
    );
}

/// A license given under a policy that declares no license tiers is not ignored: the
/// policy trusts no license authority, so it cannot verify, and the decision blocks
/// naming why — whether the file is a license or not.
#[test]
fn a_license_under_a_policy_without_tiers_blocks() {
    let ws = setup();
    ws.write(
        "untiered/main.gavel",
        "policy \"plain\"\nenvironments dev -> prod\ndefault auto_approve\n",
    );
    ws.write(
        "req.json",
        r#"{"action":"deploy","environment":"dev","actor":{"id":"a","kind":"human"}}"#,
    );
    ws.write("garbage.license", "not a license");
    // The vendor's authority declared, but no tier: the license verifies as signed and
    // names a tier the policy does not have.
    ws.write(
        "authority/main.gavel",
        format!(
            "policy \"plain\"\nenvironments dev -> prod\nlicense authority key \"{}\"\ndefault auto_approve\n",
            ws.read("keys/vendor.pub").trim()
        ),
    );
    ws.run([
        "verify",
        "--policies",
        "authority",
        "pro.license",
        "--now",
        NOW,
    ])
    .code(1)
    .stderr_has("but its tier `pro` is not a tier of policy `plain`");
    let run_in = |policies: &str, license: &str| {
        ws.run([
            "eval",
            "--policies",
            policies,
            "--request",
            "req.json",
            "--license",
            license,
            "--now",
            NOW,
            "--format",
            "json",
            "--no-audit",
        ])
    };
    for (policies, license, why) in [
        (
            "untiered",
            "pro.license",
            "the license failed verification: unknown key",
        ),
        (
            "untiered",
            "garbage.license",
            "the license failed verification: ",
        ),
        (
            "authority",
            "pro.license",
            "the license failed verification: unknown tier",
        ),
    ] {
        let out = run_in(policies, license);
        out.code(3);
        let json = out.json();
        assert_eq!(json["outcome"], "block", "{license}");
        assert!(
            json["license"]["denial"].as_str().unwrap().starts_with(why),
            "{license}: {}",
            json["license"]
        );
    }
    // Without --license the same request is auto-approved.
    ws.run([
        "eval",
        "--policies",
        "untiered",
        "--request",
        "req.json",
        "--now",
        NOW,
        "--no-audit",
    ])
    .code(0);
}

/// A signed decision in which a member name appears twice is refused by `gavel verify`:
/// the signature covers the value serde_json keeps (the last), while another reader may
/// keep the first.
#[test]
fn verify_refuses_a_signed_decision_with_a_repeated_member() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    let decision = ws.read("decision.json");
    ws.run(["verify", "decision.json", "--now", NOW]).code(0);
    for (from, to) in [
        (
            "\"authorizes\": false,",
            "\"authorizes\": true, \"authorizes\": false,",
        ),
        (
            "\"outcome\": \"require_approval\",",
            "\"outcome\": \"auto_approve\", \"outcome\": \"require_approval\",",
        ),
        (
            "\"name\": \"releases\",",
            "\"name\": \"other\", \"name\": \"releases\",",
        ),
    ] {
        assert!(decision.contains(from), "{from}");
        ws.write("dup.json", decision.replacen(from, to, 1));
        ws.run(["verify", "dup.json", "--now", NOW])
            .code(1)
            .stderr_has("is not usable JSON: member `")
            .stderr_has("` is given twice");
    }
    // Found by QA: a member name the refusal quotes was printed raw — a forged line and an
    // escape sequence on the terminal. The error is one line, escaped.
    ws.write(
        "unknown.json",
        decision.replacen(
            "\"authorizes\": false,",
            "\"authorizes\": false, \"x\\nerror: FORGED\\u001b[31m\": 1,",
            1,
        ),
    );
    let out = ws.run(["verify", "unknown.json", "--now", NOW]);
    out.code(1).stderr_has("x\\nerror: FORGED\\u{1b}[31m");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    // Found by QA: the decision's members as a JSON array (serde takes a struct that way)
    // was approved, though `verify` called it unsigned. Both refuse it as no object.
    let members: serde_json::Value = serde_json::from_str(&decision).unwrap();
    let array: Vec<serde_json::Value> = members.as_object().unwrap().values().cloned().collect();
    ws.write("array.json", serde_json::to_string(&array).unwrap());
    ws.run(["verify", "array.json", "--now", NOW])
        .code(1)
        .stderr_has("not a JSON object");
    ws.run([
        "approve",
        "array.json",
        "--key",
        "keys/alice.key",
        "--as",
        "alice@example.com",
        "--role",
        "admin",
        "--scope",
        "deploy",
        "--out",
        "array-approval.json",
    ])
    .code(1)
    .stderr_has("`array.json` is not a gavel decision: not a JSON object");
}

#[test]
fn signing_is_optional_unless_required_and_a_bad_key_blocks() {
    let (out, ws) = Cli::new()
        .file(
            "policies/main.gavel",
            "policy \"p\"\ndefault auto_approve\n",
        )
        .args(["eval", "--now", NOW, "--actor", "a"])
        .run();
    out.code(0).stderr_has("note: this decision is unsigned");
    let out = ws.run(["eval", "--now", NOW, "--actor", "a", "--require-signed"]);
    out.code(1)
        .stderr_has("the decision is not signed and --require-signed was given");
    assert_eq!(out.stdout, "");
    // Nor for a policy that does not load (found by QA: that early return printed the
    // unsigned block).
    let out = ws.run([
        "eval",
        "--now",
        NOW,
        "--actor",
        "a",
        "--require-signed",
        "--policies",
        "missing",
        "--format",
        "json",
    ]);
    out.code(1)
        .stderr_has("the decision is not signed and --require-signed was given");
    assert_eq!(out.stdout, "");
    ws.write("bad.key", "not a key");
    let out = ws.run([
        "eval",
        "--now",
        NOW,
        "--actor",
        "a",
        "--sign-key",
        "bad.key",
        "--format",
        "json",
    ]);
    // An input error (exit 1, one line), with the block it causes as the decision.
    out.code(1)
        .stderr_has("error: cannot sign: bad.key: not a gavel private key");
    let json = out.json();
    assert_eq!(json["outcome"], "block");
    assert!(
        json["summary"]
            .as_str()
            .unwrap()
            .starts_with("blocked: signing failed: bad.key: not a gavel private key")
    );
}

#[test]
fn keys_refuse_to_overwrite_and_private_material_never_prints() {
    let (out, ws) = Cli::new().args(["keys", "new", "me", "--dir", "k"]).run();
    out.code(0);
    ws.run(["keys", "new", "me", "--dir", "k"])
        .code(1)
        .stderr_has("refusing to overwrite a key");
    let secret = ws.read("k/me.key").lines().nth(1).unwrap().to_string();
    let id = ws.run(["keys", "id", "k/me.key"]);
    id.code(0);
    let id_pub = ws.run(["keys", "id", "k/me.pub"]);
    assert_eq!(id.stdout, id_pub.stdout);
    for output in [&out, &id] {
        assert!(!output.stdout.contains(&secret) && !output.stderr.contains(&secret));
    }
    ws.write("k/broken.key", format!("-----BEGIN GAVEL ED25519 PRIVATE KEY-----\n{secret}x\n-----END GAVEL ED25519 PRIVATE KEY-----\n"));
    let bad = ws.run(["keys", "id", "k/broken.key"]);
    bad.code(1);
    assert!(!bad.stderr.contains(&secret), "{}", bad.stderr);
}

#[test]
fn approvers_can_use_their_openssh_key_with_a_passphrase() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/keys");
    let ssh_pub = std::fs::read_to_string(fixtures.join("openssh_passphrase.pub")).unwrap();
    let ssh_key = fixtures.join("openssh_passphrase").display().to_string();
    let policy = format!(
        "policy \"ssh\"\nroles lead\napprover \"sam@example.com\" roles lead key \"{}\"\ndefault require 1 approval from lead within 1h\n",
        ssh_pub.trim()
    );
    let (out, ws) = Cli::new()
        .file("policies/main.gavel", policy)
        .file("req.json", r#"{"action":"deploy","actor":{"id":"joe","kind":"human"},"requested_at":"2026-04-01T09:00:00Z"}"#)
        .args(["eval", "--request", "req.json", "--now", NOW, "--format", "json"])
        .run();
    out.code(2);
    ws.write("decision.json", &out.stdout);
    let approve = [
        "approve",
        "decision.json",
        "--key",
        &ssh_key,
        "--as",
        "sam@example.com",
        "--role",
        "lead",
        "--out",
        "sam.json",
        "--now",
        "2026-04-01T09:10:00Z",
    ];
    // Without the passphrase (and no terminal to ask on), a clear error.
    ws.run(approve)
        .code(1)
        .stderr_has("the key has a passphrase; set GAVEL_KEY_PASSPHRASE");
    ws.run_env(approve, &[("GAVEL_KEY_PASSPHRASE", "nope")])
        .code(1)
        .stderr_has("wrong passphrase");
    ws.run_env(
        approve,
        &[("GAVEL_KEY_PASSPHRASE", "correct horse battery staple")],
    )
    .code(0);
    ws.run([
        "eval",
        "--request",
        "req.json",
        "--now",
        "2026-04-01T09:20:00Z",
        "--approval",
        "sam.json",
    ])
    .code(0)
    .stdout_has("APPROVED by sam@example.com\n");
}

/// Found by QA: a key file with something more than one key was refused as if it were no
/// key at all ("not valid base64", "not a gavel private key"), an OpenSSH `.pub` with more
/// lines was used silently, a binary file was "stream did not contain valid UTF-8", and
/// `--sign-key /dev/zero` never ended. Each is refused saying what is wrong.
#[test]
fn key_files_with_more_than_a_key_are_refused_saying_so() {
    let (out, ws) = Cli::new().args(["keys", "new", "me", "--dir", "k"]).run();
    out.code(0);
    ws.run(["keys", "new", "you", "--dir", "k"]).code(0);
    let key = ws.read("k/me.key");
    let public = ws.read("k/me.pub");
    ws.write("trailing.key", format!("{key}garbage\n"));
    ws.write("two.key", format!("{key}{}", ws.read("k/you.key")));
    ws.write("extra.pub", format!("{public}# a comment\n"));
    ws.write(
        "ssh.pub",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDHUQM3uxt9yUcttSToQOG9ftBSnxVPIIhRvCR0TxwBc a@b\ngarbage\n",
    );
    ws.write("binary.key", [0xffu8, 0xfe, 0x00, 0x9c]);
    for (file, says) in [
        (
            "trailing.key",
            "trailing.key: text after the `-----END GAVEL ED25519 PRIVATE KEY-----` line",
        ),
        (
            "two.key",
            "two.key: more than one key block; a key file holds one key",
        ),
        (
            "extra.pub",
            "extra.pub: 2 lines; a public key file holds one key on one line",
        ),
        (
            "ssh.pub",
            "ssh.pub: 2 lines; a public key file holds one key on one line",
        ),
        ("binary.key", "binary.key: not a text key file"),
        ("/dev/zero", "/dev/zero: too large to be a key file"),
    ] {
        let out = ws.run(["keys", "id", file]);
        out.code(1).stderr_has(says);
        assert_eq!(out.stderr.lines().count(), 1, "{file}: {}", out.stderr);
    }
    // A path the CLI reports (here where it wrote a license) is shown escaped.
    let out = ws.run([
        "license",
        "issue",
        "--tier",
        "pro",
        "--org",
        "acme",
        "--expires",
        "2027-01-31",
        "--key",
        "k/me.key",
        "--out",
        "lic\nFORGED.json",
    ]);
    out.code(0).stderr_has("to lic\\nFORGED.json\n");
    assert!(!out.stderr.contains("\nFORGED"), "{}", out.stderr);
    // A tier or organization that shows nothing or holds a hidden character is not signed
    // (found by QA: `--tier ''` and a tier with a newline were).
    for (tier, org, says) in [
        ("", "acme", "the tier is empty"),
        (
            "pro\nenterprise",
            "acme",
            "the tier `pro\\nenterprise` holds a control character",
        ),
        ("pro", "\u{200b}", "the organization is empty"),
    ] {
        ws.run([
            "license",
            "issue",
            "--tier",
            tier,
            "--org",
            org,
            "--expires",
            "2027-01-31",
            "--key",
            "k/me.key",
            "--out",
            "refused.json",
        ])
        .code(1)
        .stderr_has(says);
        assert!(!ws.path().join("refused.json").exists());
    }
    // A name that is no file name is refused on one line, the name escaped.
    ws.run(["keys", "new", "a\nb", "--dir", "k"])
        .code(1)
        .stderr_has("error: key name `a\\nb` must be letters, digits");
    ws.write(
        "policies/main.gavel",
        "policy \"p\"\ndefault auto_approve\n",
    );
    for file in ["two.key", "/dev/zero"] {
        ws.run(["eval", "--actor", "a", "--no-audit", "--sign-key", file])
            .code(1)
            .stderr_has("error: cannot sign: ");
    }
}

/// Found by a fail-open hunt: a signed decision never expires, so a deploy step acting on a
/// decision file made before a halt would act on it days later. `--max-age` refuses a
/// decision older than it says.
#[test]
fn verify_max_age_refuses_a_stale_decision() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    let made: jiff::Timestamp = NOW.parse().unwrap();
    let at = |minutes: i64| (made + jiff::SignedDuration::from_mins(minutes)).to_string();
    ws.run([
        "verify",
        "decision.json",
        "--max-age",
        "10m",
        "--now",
        &at(10),
    ])
    .code(0)
    .stdout_has("valid decision dec_");
    ws.run([
        "verify",
        "decision.json",
        "--max-age",
        "10m",
        "--now",
        &at(11),
    ])
    .code(1)
    .stderr_has(&format!(
        "the decision was made at {NOW}, more than 10m before {} (--max-age): decide again",
        at(11)
    ));
    // Dated ahead of now (the signer chose `--now`): not fresh, whatever its age.
    ws.run([
        "verify",
        "decision.json",
        "--max-age",
        "10m",
        "--now",
        &at(-6),
    ])
    .code(1)
    .stderr_has(&format!(
        "the decision is dated {NOW}, later than {} (--max-age)",
        at(-6)
    ));
    ws.run([
        "verify",
        "decision.json",
        "--max-age",
        "10m",
        "--now",
        &at(-4),
    ])
    .code(0);
    approve(
        &ws,
        "alice@example.com",
        "keys/alice.key",
        "admin",
        "alice.json",
        &[],
    );
    ws.run(["verify", "alice.json", "--max-age", "10m"])
        .code(1)
        .stderr_has("--max-age applies to decisions; `alice.json` is a `gavel.approval.v1`");
}

/// A byte order mark at the start of a key file is not part of the key (found by QA: the
/// key read as "unknown key format"), as it is not of a request or a policy.
#[test]
fn a_key_file_with_a_byte_order_mark_reads_as_the_key() {
    let ws = setup();
    let id = ws.run(["keys", "id", "keys/alice.key"]);
    id.code(0);
    for file in ["keys/alice.key", "keys/alice.pub"] {
        ws.write(&format!("{file}.bom"), format!("\u{feff}{}", ws.read(file)));
        let out = ws.run(["keys", "id", &format!("{file}.bom")]);
        out.code(0);
        assert_eq!(out.stdout, id.stdout, "{file}");
    }
    // And an audit key.
    ws.run(["audit", "init-key"]).code(0);
    let audit_key = ws.read(".gavel/audit.key");
    ws.write(".gavel/audit.key", format!("\u{feff}{audit_key}"));
    ws.run(["audit", "note", "hello"]).code(0);
}

/// Found by QA: an approval whose expiry falls past the last representable time said
/// "expiry out of range: parameter 'Unix timestamp seconds' is not in the required range".
#[test]
fn an_expiry_past_the_last_representable_time_says_so() {
    let ws = setup();
    prod_request(&ws, "carol@example.com");
    pending_decision(&ws);
    ws.run([
        "approve",
        "decision.json",
        "--key",
        "keys/alice.key",
        "--as",
        "alice@example.com",
        "--role",
        "admin",
        "--scope",
        "deploy",
        "--now",
        "9999-12-30T00:00:00Z",
    ])
    .code(1)
    .stderr_has("the credential would expire 1d after 9999-12-30T00:00:00Z, past the latest time gavel represents")
    .stderr_has("give a shorter --expires");
}
