//! `gavel verify`: check the signature of a decision, approval credential or license, and
//! print what it says.

use std::path::PathBuf;

use clap::Args;

use crate::approve::Approval;
use crate::compile::Policy;
use crate::eval::Decision;
use crate::keys::{PublicKey, load_public_key};
use crate::license::License;
use crate::number::Duration;
use crate::quote::one_line as shown;
use crate::sign::Verifier;

/// Arguments of `gavel verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed file (decision, approval or license), `-` for stdin.
    file: std::path::PathBuf,
    /// A trusted public key (repeatable). Without one, the policy's keys are trusted:
    /// `signer` keys for decisions, approvers' keys for approvals, `license authority` keys
    /// for licenses.
    #[arg(long = "key")]
    keys: Vec<PathBuf>,
    /// Policy directory to take trusted keys from.
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Check expiry as of this time (RFC 3339) instead of now.
    #[arg(long, value_parser = crate::cli::time_arg::timestamp)]
    now: Option<jiff::Timestamp>,
    /// For a decision: refuse one made longer ago than this (`10m`, `1h`). A signed
    /// decision never expires by itself; a deploy step that acts on a decision file uses
    /// this so that a decision made before a halt, or before the policy changed, is not
    /// acted on days later.
    #[arg(long, value_name = "DURATION")]
    max_age: Option<Duration>,
}

/// Exit 0 when the signature verifies and the credential is in force, 1 when it does not,
/// when an approval or license has expired or names a tier the policy does not have, when a
/// decision is older than `--max-age`, or when the file is unusable.
pub fn run(args: &VerifyArgs) -> u8 {
    match verify(args) {
        Ok(lines) => {
            for line in lines {
                outln!("{line}");
            }
            0
        }
        Err(e) => {
            // The message may quote the file (a member name serde refused): escaped.
            crate::cli::output::print_error(&e);
            1
        }
    }
}

fn verify(args: &VerifyArgs) -> Result<Vec<String>, String> {
    // Read up to the request limit (larger than the credential limit); a larger file is
    // refused, naming its size when the file system knows it.
    let raw = super::eval::read_input(
        &args.file,
        &format!("`{}`", crate::cli::shown_path(&args.file)),
    )?;
    // A name given twice is refused, not resolved: a signature over the value kept here
    // would not cover what another reader keeps from the same bytes.
    let value = crate::canonical::from_slice_unique(&raw).map_err(|e| {
        format!(
            "`{}` is not usable JSON: {e}",
            crate::cli::shown_path(&args.file)
        )
    })?;
    if !value.is_object() {
        return Err(format!(
            "`{}` is not a decision, approval or license: not a JSON object",
            crate::cli::shown_path(&args.file)
        ));
    }
    let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let mut keys: Vec<PublicKey> = Vec::new();
    for path in &args.keys {
        keys.push(load_public_key(path)?);
    }
    let policy = Policy::load(&args.policies).ok();
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let mut lines = Vec::new();
    if args.max_age.is_some() && !kind.is_empty() {
        return Err(format!(
            "--max-age applies to decisions; `{}` is a `{}`, which carries its own expiry",
            crate::cli::shown_path(&args.file),
            shown(kind)
        ));
    }
    match kind {
        crate::approve::APPROVAL_TYPE => {
            let approval = Approval::from_json(&raw)
                .map_err(|e| format!("`{}`: {e}", crate::cli::shown_path(&args.file)))?;
            if keys.is_empty() {
                keys.extend(policy_keys(&policy, |p| {
                    p.checked()
                        .approvers
                        .iter()
                        .filter(|a| a.id == approval.approver)
                        .filter_map(|a| a.key.clone())
                        .collect()
                }));
            }
            let key = checked(&keys, &value)?;
            lines.push(format!(
                "valid approval credential {} signed by {}",
                approval.id(),
                key.key_id()
            ));
            lines.push(format!(
                "{} by {} as {} for request {} (spec {} of decision {}), environment {}, scope [{}]",
                match approval.verdict {
                    crate::eval::Verdict::Approve => "approved",
                    crate::eval::Verdict::Reject => "REJECTED",
                },
                shown(&approval.approver),
                shown(&approval.role),
                shown(approval.request_digest.get(..16).unwrap_or("")),
                shown(approval.spec_hash.get(..16).unwrap_or("")),
                shown(&approval.decision_id),
                shown(approval.environment.as_deref().unwrap_or("(none)")),
                shown(&approval.scope.join(", "))
            ));
            lines.push(format!(
                "issued {}, expires {}",
                approval.issued_at, approval.expires_at
            ));
            if let Some(note) = &approval.note {
                lines.push(format!("note: {}", shown(note)));
            }
            // A valid signature on an expired credential is no approval: a script that
            // gates on `gavel verify` must not pass it.
            if approval.expires_at <= now {
                return Err(format!(
                    "the approval credential is signed by {}, but it expired at {} (now {now})",
                    key.key_id(),
                    approval.expires_at
                ));
            }
        }
        crate::license::LICENSE_TYPE => {
            let license = License::from_json(&raw)
                .map_err(|e| format!("`{}`: {e}", crate::cli::shown_path(&args.file)))?;
            if keys.is_empty() {
                keys.extend(policy_keys(&policy, |p| {
                    p.checked().license_authorities.clone()
                }));
            }
            let key = checked(&keys, &value)?;
            if license.expires_at <= now {
                return Err(format!(
                    "the license is signed by {}, but it expired at {} (now {now})",
                    key.key_id(),
                    license.expires_at
                ));
            }
            // A policy without tiers has none for it either (and blocks it when deciding).
            if let Some(policy) = &policy
                && !policy
                    .checked()
                    .licenses
                    .iter()
                    .any(|t| t.name == license.tier)
            {
                return Err(format!(
                    "the license is signed by {}, but its tier {} is not a tier of policy {}",
                    key.key_id(),
                    crate::quote::quote(&license.tier),
                    crate::quote::quote(policy.name())
                ));
            }
            lines.push(format!("valid license signed by {}", key.key_id()));
            lines.push(format!(
                "tier {} for {}, issued {}, expires {}",
                shown(&license.tier),
                shown(&license.org),
                license.issued_at,
                license.expires_at
            ));
        }
        _ => {
            let decision: Decision = serde_json::from_value(value.clone()).map_err(|e| {
                format!(
                    "`{}` is not a decision, approval or license: {e}",
                    crate::cli::shown_path(&args.file)
                )
            })?;
            if keys.is_empty() {
                keys.extend(policy_keys(&policy, |p| {
                    p.checked().signers.iter().map(|s| s.key.clone()).collect()
                }));
            }
            let key = checked(&keys, &value)?;
            lines.push(format!(
                "valid decision {} signed by {}",
                decision.id,
                key.key_id()
            ));
            lines.push(super::render::headline(&decision));
            lines.push(format!(
                "policy {} (spec {}), request {}, evaluated {}{}",
                shown(&decision.policy.name),
                shown(decision.policy.spec_hash.get(..16).unwrap_or("")),
                shown(decision.request.digest.get(..16).unwrap_or("")),
                decision.evaluated_at,
                if decision.dry_run {
                    ", DRY RUN (authorizes nothing)"
                } else {
                    ""
                }
            ));
            lines.push(format!("authorizes: {}", decision.authorizes));
            if let Some(max_age) = args.max_age {
                let seconds = i64::try_from(max_age.seconds()).unwrap_or(i64::MAX);
                let fresh_until = decision
                    .evaluated_at
                    .checked_add(jiff::SignedDuration::from_secs(seconds))
                    .unwrap_or(jiff::Timestamp::MAX);
                // Dated ahead (whoever holds the signing key chooses `--now`), a decision
                // would stay fresh until that date and beyond: one made later than now, past
                // the clock-skew tolerance, is refused too.
                let latest = now
                    .checked_add(crate::eval::FUTURE_TOLERANCE)
                    .unwrap_or(jiff::Timestamp::MAX);
                if decision.evaluated_at > latest {
                    return Err(format!(
                        "the decision is dated {}, later than {now} (--max-age): a decision \
                         from the future cannot be judged fresh",
                        decision.evaluated_at
                    ));
                }
                if now > fresh_until {
                    return Err(format!(
                        "the decision was made at {}, more than {max_age} before {now} (--max-age): decide again",
                        decision.evaluated_at
                    ));
                }
            }
            if let Some(policy) = &policy
                && policy.name() == decision.policy.name
                && policy.spec_hash() != decision.policy.spec_hash
            {
                lines.push("note: the policy has changed since this decision".into());
            }
        }
    }
    Ok(lines)
}

fn policy_keys(policy: &Option<Policy>, select: impl Fn(&Policy) -> Vec<String>) -> Vec<PublicKey> {
    policy
        .as_ref()
        .map(|p| {
            select(p)
                .iter()
                .filter_map(|k| PublicKey::parse(k).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn checked(keys: &[PublicKey], value: &serde_json::Value) -> Result<PublicKey, String> {
    if keys.is_empty() {
        return Err(
            "no trusted key: pass --key FILE, or --policies DIR with the keys declared".into(),
        );
    }
    Verifier::new(keys.iter().copied())
        .verify_object(value)
        .map_err(|e| format!("verification failed: {e}"))
}
