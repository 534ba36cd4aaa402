//! `gavel approve` and `gavel reject`: write a signed credential for a pending decision.

use std::path::PathBuf;

use clap::Args;

use crate::approve::Approval;
use crate::compile::Policy;
use crate::eval::{Decision, Verdict};
use crate::keys::{PrivateKey, PublicKey};
use crate::number::Duration;
use crate::sign::{Signer, Verifier};

/// Arguments shared by `gavel approve` and `gavel reject`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The decision (JSON, as `gavel eval --format json` writes it), `-` for stdin.
    decision: String,
    /// Your private key (gavel or OpenSSH ed25519).
    #[arg(long)]
    key: PathBuf,
    /// Your approver id, as declared in the policy.
    #[arg(long = "as")]
    approver: String,
    /// The role you act in.
    #[arg(long)]
    role: String,
    /// A capability the approval covers (repeatable).
    #[arg(long = "scope")]
    scope: Vec<String>,
    /// How long the credential stays valid.
    #[arg(long, default_value = "24h")]
    expires: Duration,
    /// A note (`approve`).
    #[arg(long)]
    note: Option<String>,
    /// Why (`reject`; required).
    #[arg(long)]
    reason: Option<String>,
    /// Write the credential here instead of stdout (never overwrites).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Policy directory, used to check the decision's signature and your key.
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Issue time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<jiff::Timestamp>,
}

/// Exit 0 when the credential was written, 1 otherwise.
pub fn run(args: &ApproveArgs, verdict: Verdict) -> u8 {
    match credential(args, verdict) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn credential(args: &ApproveArgs, verdict: Verdict) -> Result<(), String> {
    let raw = super::eval::read_input(&args.decision)?;
    let decision: Decision = serde_json::from_slice(&raw)
        .map_err(|e| format!("`{}` is not a gavel decision: {e}", args.decision))?;
    let key = PrivateKey::load(&args.key).map_err(|e| e.to_string())?;
    let policy = Policy::load(&args.policies).ok();
    if let Some(policy) = &policy {
        check_against_policy(policy, &decision, &key, &args.approver, verdict)?;
    } else {
        eprintln!(
            "warning: no policy at `{}`; the decision's signature and your key were not checked",
            args.policies.display()
        );
    }
    let note = match verdict {
        Verdict::Approve => args.note.clone(),
        Verdict::Reject => args.reason.clone(),
    };
    let issued = args.now.unwrap_or_else(jiff::Timestamp::now);
    let seconds = i64::try_from(args.expires.seconds()).unwrap_or(i64::MAX);
    let expires = issued
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .map_err(|e| format!("expiry out of range: {e}"))?;
    let approval = Approval::for_decision(
        &decision,
        verdict,
        &args.approver,
        &args.role,
        args.scope.clone(),
        note,
        issued,
        expires,
    )
    .map_err(|e| e.to_string())?
    .sign(&Signer::new(key))
    .map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(&approval).map_err(|e| e.to_string())?;
    match &args.out {
        Some(path) => {
            super::files::write_new(path, &format!("{json}\n"))?;
            eprintln!(
                "wrote {} credential {} to {}",
                match verdict {
                    Verdict::Approve => "approval",
                    Verdict::Reject => "rejection",
                },
                approval.id(),
                path.display()
            );
        }
        None => println!("{json}"),
    }
    Ok(())
}

/// Refuses to sign anything about a decision that the policy's declared decision signers
/// did not sign: one whose signature fails, and — when the policy declares signers — one
/// with no signature at all, since stripping the signature from a forged decision must not
/// turn the refusal into a warning. Warns about an unsigned decision only when the policy
/// declares no signers (there is nothing to check it against), and about a key that is not
/// the approver's declared key (the credential would be rejected).
fn check_against_policy(
    policy: &Policy,
    decision: &Decision,
    key: &PrivateKey,
    approver: &str,
    verdict: Verdict,
) -> Result<(), String> {
    let verb = match verdict {
        Verdict::Approve => "approve",
        Verdict::Reject => "reject",
    };
    let signers: Vec<PublicKey> = policy
        .checked()
        .signers
        .iter()
        .filter_map(|s| PublicKey::parse(&s.key).ok())
        .collect();
    match (&decision.signature, signers.is_empty()) {
        (Some(_), false) => {
            decision.verify(&Verifier::new(signers)).map_err(|e| {
                format!("refusing to {verb}: the decision's signature does not verify: {e}")
            })?;
        }
        (None, false) => {
            return Err(format!(
                "refusing to {verb}: decision `{}` is unsigned, and the policy declares decision signers; {verb} only the signed decision your pipeline made",
                decision.id
            ));
        }
        (None, true) => {
            eprintln!("warning: the decision is unsigned; check it came from your pipeline")
        }
        (Some(_), true) => eprintln!(
            "warning: the policy declares no decision signers; the decision's signature was not checked"
        ),
    }
    if decision.policy.spec_hash != policy.spec_hash() {
        eprintln!(
            "warning: the decision was made under a different policy version; the credential will not count"
        );
    }
    let declared = policy.checked().approvers.iter().find(|a| a.id == approver);
    match declared
        .and_then(|a| a.key.as_deref())
        .and_then(|k| PublicKey::parse(k).ok())
    {
        Some(k) if k == key.public_key() => {}
        Some(_) => eprintln!(
            "warning: this key is not the key the policy declares for `{approver}`; the credential will be rejected (unknown key)"
        ),
        None => eprintln!(
            "warning: `{approver}` is not a declared approver with a key; the credential will be rejected"
        ),
    }
    Ok(())
}
