//! Trust at the library level: canonicalization vectors, keys, signatures, credentials.

use std::path::Path;

use gavel::approve::{Approval, RejectionKind};
use gavel::canonical::{canonicalize, to_canonical_string};
use gavel::eval::Verdict;
use gavel::keys::{PrivateKey, PublicKey, decode_openssh_private_key};
use gavel::sign::{Signer, Verifier, VerifyError};
use gavel::{Context, Policy, Request};
use proptest::prelude::*;

fn vectors() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn jcs_vectors() {
    let dir = vectors().join("jcs");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".input.json") else {
            continue;
        };
        let input: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected = std::fs::read_to_string(dir.join(format!("{stem}.expected.json"))).unwrap();
        assert_eq!(canonicalize(&input), expected, "{stem} (value path)");
        assert_eq!(
            to_canonical_string(&input).unwrap(),
            expected,
            "{stem} (serializer)"
        );
        count += 1;
    }
    assert!(count >= 3);
}

#[test]
fn openssh_keys_with_and_without_passphrase() {
    let dir = vectors().join("keys");
    let public =
        |name: &str| PublicKey::parse(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
    let plain = PrivateKey::load(&dir.join("openssh_plain")).unwrap();
    assert_eq!(plain.public_key(), public("openssh_plain.pub"));

    let text = std::fs::read_to_string(dir.join("openssh_passphrase")).unwrap();
    let good = || {
        Ok(zeroize::Zeroizing::new(
            "correct horse battery staple".to_string(),
        ))
    };
    let key = decode_openssh_private_key("k", &text, good).unwrap();
    assert_eq!(key.public_key(), public("openssh_passphrase.pub"));
    let bad = || Ok(zeroize::Zeroizing::new("wrong".to_string()));
    let err = decode_openssh_private_key("k", &text, bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "k: wrong passphrase (the key could not be decrypted)"
    );
    // An unencrypted key never asks.
    let plain_text = std::fs::read_to_string(dir.join("openssh_plain")).unwrap();
    decode_openssh_private_key("k", &plain_text, || panic!("asked for a passphrase")).unwrap();
}

fn json_object() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(serde_json::Value::from),
        "[a-z😀é\"\\\\ ]{0,8}".prop_map(serde_json::Value::String),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[a-z]{1,5}", value, 1..6)
        .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
}

fn key() -> PrivateKey {
    PrivateKey::from_seed(&[42; 32])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_then_verify_succeeds(value in json_object()) {
        let signer = Signer::new(key());
        let signature = signer.sign(&value).unwrap();
        let verifier = Verifier::new([key().public_key()]);
        prop_assert!(verifier.verify(&value, &signature).is_ok());
        let mut signed = value.clone();
        signed.as_object_mut().unwrap().insert("signature".into(), serde_json::to_value(&signature).unwrap());
        prop_assert!(verifier.verify_object(&signed).is_ok());
    }

    #[test]
    fn flipping_any_byte_of_content_or_signature_fails(value in json_object(), index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let signer = Signer::new(key());
        let verifier = Verifier::new([key().public_key()]);
        let bytes = to_canonical_string(&value).unwrap().into_bytes();
        let signature = signer.sign_bytes(&bytes);
        let mut content = bytes.clone();
        let i = index.index(content.len());
        content[i] ^= 1 << bit;
        prop_assert!(matches!(verifier.verify_bytes(&content, &signature), Err(VerifyError::InvalidSignature(_))));

        use base64::Engine as _;
        let mut raw = base64::engine::general_purpose::STANDARD.decode(&signature.sig).unwrap();
        let j = index.index(raw.len());
        raw[j] ^= 1 << bit;
        let mut bad = signature.clone();
        bad.sig = base64::engine::general_purpose::STANDARD.encode(&raw);
        prop_assert!(verifier.verify_bytes(&bytes, &bad).is_err());
    }

    #[test]
    fn canonicalization_ignores_member_order_and_whitespace(value in json_object()) {
        let compact = serde_json::to_string(&value).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        // Reverse every object's member order in the text.
        fn reversed(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::Object(m) => format!(
                    "{{ {} }}",
                    m.iter().rev().map(|(k, v)| format!("{} :\n {}", serde_json::to_string(k).unwrap(), reversed(v))).collect::<Vec<_>>().join(" ,\t")
                ),
                serde_json::Value::Array(a) => format!("[ {} ]", a.iter().map(reversed).collect::<Vec<_>>().join(" , ")),
                other => other.to_string(),
            }
        }
        let expected = canonicalize(&value);
        for text in [compact, pretty, reversed(&value)] {
            let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(canonicalize(&parsed), expected.clone());
        }
    }
}

const POLICY: &str = r#"
policy "trust"
environments dev -> prod
roles lead
approver "ann@example.com" roles lead key "{ANN}"
default auto_approve
rule prod { when environment == prod then require 1 approval from lead within 1h }
"#;

fn setup() -> (Policy, Request, gavel::Decision, PrivateKey) {
    let ann = PrivateKey::from_seed(&[7; 32]);
    let policy =
        Policy::from_str(&POLICY.replace("{ANN}", &ann.public_key().to_gavel_string())).unwrap();
    let request = Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"joe","kind":"human"},"requested_at":"2026-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let now: jiff::Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
    let decision = policy.decide(&request, &Context::at(now));
    (policy, request, decision, ann)
}

fn credential(
    decision: &gavel::Decision,
    key: &PrivateKey,
    edit: impl FnOnce(&mut Approval),
) -> Approval {
    let issued: jiff::Timestamp = "2026-01-01T00:20:00Z".parse().unwrap();
    let expires: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
    let mut a = Approval::for_decision(
        decision,
        Verdict::Approve,
        "ann@example.com",
        "lead",
        vec![],
        None,
        issued,
        expires,
    )
    .unwrap();
    edit(&mut a);
    a.sign(&Signer::new(key.clone())).unwrap()
}

#[test]
fn library_rejects_each_credential_problem_with_its_own_kind() {
    let (policy, request, decision, ann) = setup();
    let digest = gavel::request::request_digest(&request);
    let now: jiff::Timestamp = "2026-01-01T00:30:00Z".parse().unwrap();
    let verify = |a: &Approval| {
        a.verify(&policy, &digest, Some("prod"), now)
            .map(|_| ())
            .map_err(|r| r.kind)
    };

    assert_eq!(verify(&credential(&decision, &ann, |_| {})), Ok(()));
    assert_eq!(
        verify(&credential(&decision, &ann, |a| a.approver = "mallory".into())),
        Err(RejectionKind::UnknownApprover)
    );
    assert_eq!(
        verify(&credential(
            &decision,
            &PrivateKey::from_seed(&[8; 32]),
            |_| {}
        )),
        Err(RejectionKind::UnknownKey)
    );
    let mut tampered = credential(&decision, &ann, |_| {});
    tampered.scope.push("everything".into());
    assert_eq!(verify(&tampered), Err(RejectionKind::InvalidSignature));
    assert_eq!(
        verify(&credential(&decision, &ann, |a| a.spec_hash = "0".repeat(64))),
        Err(RejectionKind::SpecHashMismatch)
    );
    assert_eq!(
        verify(&credential(&decision, &ann, |a| a.request_digest = "0".repeat(64))),
        Err(RejectionKind::RequestMismatch)
    );
    assert_eq!(
        verify(&credential(&decision, &ann, |a| a.environment = Some("dev".into()))),
        Err(RejectionKind::WrongEnvironment)
    );
    assert_eq!(
        verify(&credential(&decision, &ann, |a| a.expires_at =
            "2026-01-01T00:25:00Z".parse().unwrap())),
        Err(RejectionKind::Expired)
    );
    // The `expires_at` instant itself is expired, as for a license or an override.
    assert_eq!(
        verify(&credential(&decision, &ann, |a| a.expires_at = now)),
        Err(RejectionKind::Expired)
    );
    // A rejection does not expire: a veto does not lapse by waiting.
    assert_eq!(
        verify(&credential(&decision, &ann, |a| {
            a.verdict = Verdict::Reject;
            a.expires_at = now;
        })),
        Ok(())
    );
}

#[test]
fn verified_credentials_feed_the_gate_logic() {
    let (policy, request, decision, ann) = setup();
    let mut context = Context::at("2026-01-01T00:30:00Z".parse().unwrap());
    gavel::approve::apply_credentials(
        &policy,
        &request,
        &[credential(&decision, &ann, |_| {})],
        &mut context,
    );
    let approved = policy.decide(&request, &context);
    assert_eq!(approved.outcome.as_str(), "approved");
    assert!(approved.approvals[0].credential.is_some());

    // Dry-run decisions cannot be approved.
    let mut dry = request.clone();
    dry.mode = gavel::request::Mode::DryRun;
    let dry_decision = policy.decide(&dry, &Context::at("2026-01-01T00:10:00Z".parse().unwrap()));
    let err = Approval::for_decision(
        &dry_decision,
        Verdict::Approve,
        "ann@example.com",
        "lead",
        vec![],
        None,
        "2026-01-01T00:20:00Z".parse().unwrap(),
        "2026-01-02T00:00:00Z".parse().unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("dry run"));
}

/// Found by a docs audit: the approval window started at the earliest `requested_at` of
/// every credential given, verified or not, so a forged one dated early made the request
/// expire (and one dated late stretched its window). Only verified credentials place it.
#[test]
fn only_verified_credentials_place_the_approval_window() {
    let (policy, _, _, ann) = setup();
    // No `requested_at` of its own: the window is where the first decision opened it.
    let request = Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"joe","kind":"human"}}"#,
    )
    .unwrap();
    let first = policy.decide(
        &request,
        &Context::at("2026-01-01T00:10:00Z".parse().unwrap()),
    );
    assert_eq!(
        first.requested_at,
        Some("2026-01-01T00:10:00Z".parse().unwrap())
    );
    let genuine = credential(&first, &ann, |_| {});
    let mallory = PrivateKey::from_seed(&[9; 32]);
    for forged_at in ["2025-12-31T20:00:00Z", "2026-01-01T00:50:00Z"] {
        let forged = credential(&first, &mallory, |a| {
            a.approver = "mallory@example.com".into();
            a.requested_at = forged_at.parse().unwrap();
        });
        let mut context = Context::at("2026-01-01T00:30:00Z".parse().unwrap());
        gavel::approve::apply_credentials(
            &policy,
            &request,
            &[forged, genuine.clone()],
            &mut context,
        );
        assert_eq!(context.requested_at, first.requested_at, "{forged_at}");
        let decision = policy.decide(&request, &context);
        assert_eq!(
            decision.outcome.as_str(),
            "approved",
            "{forged_at}: {}",
            decision.summary
        );
        assert_eq!(decision.ignored_approvals.len(), 1);
        assert_eq!(decision.ignored_approvals[0].kind, "unknown_approver");
    }
    // Nor does the requester's own credential, which verifies but never counts: dated
    // early, it would push a veto out of the window or expire the request.
    let own = Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"Ann@Example.com","kind":"human"}}"#,
    )
    .unwrap();
    let own_first = policy.decide(&own, &Context::at("2026-01-01T00:10:00Z".parse().unwrap()));
    let early = credential(&own_first, &ann, |a| {
        a.requested_at = "2025-12-31T20:00:00Z".parse().unwrap();
    });
    let mut context = Context::at("2026-01-01T00:30:00Z".parse().unwrap());
    gavel::approve::apply_credentials(&policy, &own, &[early], &mut context);
    assert_eq!(context.requested_at, None);
    assert_eq!(
        context.approvals.len(),
        1,
        "it verifies; the gate ignores it"
    );
    // A forged credential alone places nothing: the window opens at the decision's time.
    let forged = credential(&first, &mallory, |a| {
        a.approver = "mallory@example.com".into();
        a.requested_at = "2025-12-31T20:00:00Z".parse().unwrap();
    });
    let mut context = Context::at("2026-01-01T00:30:00Z".parse().unwrap());
    gavel::approve::apply_credentials(&policy, &request, &[forged], &mut context);
    assert_eq!(context.requested_at, None);
}

#[test]
fn signed_decisions_verify_and_any_field_change_breaks_them() {
    let (_, _, mut decision, _) = setup();
    let key = PrivateKey::from_seed(&[9; 32]);
    decision.sign(&Signer::new(key.clone())).unwrap();
    let verifier = Verifier::new([key.public_key()]);
    assert!(decision.verify(&verifier).is_ok());
    let json = serde_json::to_string(&decision).unwrap();
    let back: gavel::Decision = serde_json::from_str(&json).unwrap();
    assert!(
        back.verify(&verifier).is_ok(),
        "a decision read back from JSON still verifies"
    );
    let mut changed = decision.clone();
    changed.authorizes = !changed.authorizes;
    assert!(matches!(
        changed.verify(&verifier),
        Err(VerifyError::InvalidSignature(_))
    ));
    let other = Verifier::new([PrivateKey::from_seed(&[1; 32]).public_key()]);
    assert!(matches!(
        decision.verify(&other),
        Err(VerifyError::UnknownKey(_))
    ));
}

/// Found by QA: serde reads a struct from a JSON array by position, so an approval (or a
/// license) written as `[...]` was taken apart field by field and refused in Rust's words.
/// A credential is an object, and says so.
#[test]
fn a_credential_that_is_not_a_json_object_says_so() {
    for bytes in [&b"[1, 2]"[..], b"  \"text\"", b"42"] {
        let rejection = Approval::from_json(bytes).unwrap_err();
        assert_eq!(rejection.kind, RejectionKind::Malformed);
        assert_eq!(
            rejection.message,
            "not a JSON object (a credential is `{...}`)"
        );
        let license = gavel::license::License::from_json(bytes).unwrap_err();
        assert!(
            license
                .to_string()
                .contains("not a JSON object (a credential is `{...}`)"),
            "{license}"
        );
    }
}

/// `value` with `member` set to `text` and signed again by `key` over its members as
/// written (as a signer other than gavel would), as JSON bytes.
fn resigned(value: &serde_json::Value, member: &str, text: &str, key: &PrivateKey) -> Vec<u8> {
    let mut value = value.clone();
    let members = value.as_object_mut().unwrap();
    members.remove("signature");
    members.insert(member.into(), text.into());
    let signature = Signer::new(key.clone()).sign(&value).unwrap();
    value.as_object_mut().unwrap().insert(
        "signature".into(),
        serde_json::to_value(&signature).unwrap(),
    );
    serde_json::to_vec(&value).unwrap()
}

/// Found by QA: a credential is signed over the RFC 8785 bytes of its members as written,
/// but gavel checked the signature over its own re-serialization, which writes a time its
/// own way: a credential signed by another tool with the same instant written otherwise
/// (`+00:00` for `Z`) was refused as tampered. Approvals and licenses are checked over their
/// members as read, and the credential id too.
#[test]
fn credentials_are_verified_over_their_members_as_written() {
    let (policy, request, decision, ann) = setup();
    let digest = gavel::request::request_digest(&request);
    let now: jiff::Timestamp = "2026-01-01T00:30:00Z".parse().unwrap();
    let issued = serde_json::to_value(credential(&decision, &ann, |_| {})).unwrap();
    let bytes = resigned(&issued, "issued_at", "2026-01-01T00:20:00+00:00", &ann);
    let read = Approval::from_json(&bytes).unwrap();
    assert_eq!(
        read.verify(&policy, &digest, Some("prod"), now).map(|_| ()),
        Ok(())
    );
    // The id is over the bytes as written too: another text, another id.
    assert_ne!(read.id(), credential(&decision, &ann, |_| {}).id());
    // Changing a member after signing is still tampering.
    let mut tampered: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    tampered["role"] = "admin".into();
    let tampered = Approval::from_json(&serde_json::to_vec(&tampered).unwrap()).unwrap();
    assert_eq!(
        tampered
            .verify(&policy, &digest, Some("prod"), now)
            .map_err(|r| r.kind),
        Err(RejectionKind::InvalidSignature)
    );

    let vendor = PrivateKey::from_seed(&[9; 32]);
    let licensed = Policy::from_str(&format!(
        "policy \"p\"\nlicense authority key \"{}\"\nlicense pro {{\n  limit runs 5\n}}\ndefault auto_approve\n",
        vendor.public_key().to_gavel_string()
    ))
    .unwrap();
    let license = gavel::license::License::issue(
        "pro",
        "acme",
        "2026-01-01T00:00:00Z".parse().unwrap(),
        "2027-01-01T00:00:00Z".parse().unwrap(),
        &Signer::new(vendor.clone()),
    )
    .unwrap();
    let bytes = resigned(
        &serde_json::to_value(&license).unwrap(),
        "expires_at",
        "2027-01-01T00:00:00.000+00:00",
        &vendor,
    );
    let read = gavel::license::License::from_json(&bytes).unwrap();
    assert_eq!(read.verify(&licensed, now).map(|_| ()), Ok(()));
}

/// Found by QA: an ECDSA OpenSSH key was "not a readable OpenSSH private key (unknown
/// algorithm)", where an RSA key says what it is. (A throwaway key made for this test.)
#[test]
fn an_openssh_key_of_another_algorithm_is_named() {
    const ECDSA: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQT6LhF1WMJNzONAaYorfKw9/JzzDseq\ncIb/g2Jb2Mk1dI45cT+zN7MARwH9lH0Tx2aHL5UKAqe49XdCeRAJG6xZAAAAoIcjuv+HI7\nr/AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPouEXVYwk3M40Bp\niit8rD38nPMOx6pwhv+DYlvYyTV0jjlxP7M3swBHAf2UfRPHZocvlQoCp7j1d0J5EAkbrF\nkAAAAhAMzXsp3niK5zsU2YDDkp0uICSRc5adnjFK3zBuNTtP3tAAAAB3Jvb3RAdm0=\n-----END OPENSSH PRIVATE KEY-----\n";
    let err = decode_openssh_private_key("k", ECDSA, || unreachable!()).unwrap_err();
    assert!(
        err.to_string()
            .contains("an OpenSSH ecdsa-sha2-nistp256 key; gavel needs ed25519"),
        "{err}"
    );
}
