//! Arbitrary bytes as a signed decision, approval credential or license: reading and
//! verifying must never panic, and nothing unsigned or altered ever verifies.
#![no_main]

use std::sync::OnceLock;

use gavel::keys::PrivateKey;
use gavel::sign::{Signer, Verifier};
use gavel::{Context, Policy, Request};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    policy: Policy,
    verifier: Verifier,
    signed_decision: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let key = PrivateKey::from_seed(&[5; 32]);
        let policy = Policy::from_str(&format!(
            "policy \"p\"\nroles lead\napprover \"a@example.com\" roles lead key \"{pk}\"\nlicense authority key \"{pk}\"\nlicense pro {{ features x }}\nsigner \"ci\" key \"{pk}\"\ndefault require 1 approval from lead within 1h\n",
            pk = key.public_key()
        ))
        .expect("fixture policy");
        let request = Request::from_json(br#"{"action":"deploy","actor":{"id":"b","kind":"human"}}"#).expect("request");
        let mut decision = policy.decide(&request, &Context::at(jiff::Timestamp::UNIX_EPOCH));
        decision.sign(&Signer::new(key.clone())).expect("sign");
        Fixture {
            policy,
            verifier: Verifier::new([key.public_key()]),
            signed_decision: serde_json::to_string(&decision).expect("json"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let now = jiff::Timestamp::UNIX_EPOCH;
    if let Ok(approval) = gavel::approve::Approval::from_json(data) {
        let _ = approval.verify(&f.policy, "0", None, now);
    }
    if let Ok(license) = gavel::license::License::from_json(data) {
        let _ = license.verify(&f.policy, now);
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let verified = f.verifier.verify_object(&value).is_ok();
        if let Ok(decision) = serde_json::from_value::<gavel::Decision>(value.clone()) {
            assert_eq!(decision.verify(&f.verifier).is_ok(), verified || decision.verify(&f.verifier).is_ok());
        }
        // Only the genuine signed decision (modulo JSON layout) verifies.
        if verified {
            let genuine: serde_json::Value = serde_json::from_str(&f.signed_decision).expect("json");
            assert_eq!(gavel::canonical::canonicalize(&value), gavel::canonical::canonicalize(&genuine));
        }
    }
});
