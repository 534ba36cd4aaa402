//! `gavel approve` and `gavel reject`: write a signed credential for a pending decision.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::recording::{Audit, AuditFlags};
use crate::approve::Approval;
use crate::audit::{Entry, RecordKind};
use crate::compile::Policy;
use crate::eval::{Decision, Verdict};
use crate::keys::{PrivateKey, PublicKey};
use crate::number::Duration;
use crate::sign::{Signer, Verifier};

/// Arguments shared by `gavel approve` and `gavel reject`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The decision (JSON, as `gavel eval --format json` writes it), `-` for stdin.
    decision: std::path::PathBuf,
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
    #[arg(long, value_parser = crate::cli::time_arg::timestamp)]
    now: Option<jiff::Timestamp>,
    /// Where the credential is recorded (an `approval` record), by the same rule as
    /// `gavel eval`'s decisions.
    #[command(flatten)]
    audit: AuditFlags,
}

/// Refuses flags the verdict does not use, and empty scopes: a flag dropped in silence
/// (`approve --reason`, `reject --note`) leaves out of the signed credential what its signer
/// meant to put in, and an empty scope names no capability.
fn flags_fit(args: &ApproveArgs, verdict: Verdict) -> Result<(), String> {
    match verdict {
        Verdict::Approve if args.reason.is_some() => {
            return Err("`--reason` is for `gavel reject`; an approval's note is `--note`".into());
        }
        Verdict::Reject if args.note.is_some() => {
            return Err(
                "`--note` is for `gavel approve`; a rejection says why with `--reason`".into(),
            );
        }
        _ => {}
    }
    if let Some(scope) = args.scope.iter().find(|s| crate::quote::says_nothing(s)) {
        return Err(format!(
            "--scope {} names no capability; give each scope as the capability it covers",
            crate::quote::quote(scope)
        ));
    }
    Ok(())
}

/// Exit 0 when the credential was written, 1 otherwise.
pub fn run(args: &ApproveArgs, verdict: Verdict) -> u8 {
    match credential(args, verdict) {
        Ok(()) => 0,
        Err(e) => {
            crate::cli::output::print_error(&e);
            1
        }
    }
}

fn credential(args: &ApproveArgs, verdict: Verdict) -> Result<(), String> {
    flags_fit(args, verdict)?;
    let raw = super::eval::read_input(
        &args.decision,
        &format!("`{}`", crate::cli::shown_path(&args.decision)),
    )?;
    // Read as `gavel verify` reads it: one JSON object, no name given twice (serde would
    // also take a struct written as an array, which is no signed decision).
    let not_a_decision = |why: &dyn std::fmt::Display| {
        format!(
            "`{}` is not a gavel decision: {why}",
            crate::cli::shown_path(&args.decision)
        )
    };
    let value = crate::canonical::from_slice_unique(&raw).map_err(|e| not_a_decision(&e))?;
    if !value.is_object() {
        return Err(not_a_decision(&"not a JSON object"));
    }
    let decision: Decision = serde_json::from_value(value).map_err(|e| not_a_decision(&e))?;
    let key = PrivateKey::load(&args.key).map_err(|e| e.to_string())?;
    // Without the policy nothing says which keys may sign decisions, so a forged decision
    // could not be told from a real one: signing blind is refused, not warned about.
    let policy = Policy::load(&args.policies).map_err(|e| {
        let first = e
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| format!(": {}", d.message))
            .unwrap_or_default();
        format!(
            "the policy at `{}` does not load{first}; it is needed to check the decision and \
             your key before you sign (pass --policies DIR)",
            crate::cli::shown_path(&args.policies)
        )
    })?;
    check_against_policy(&policy, &decision, &key, &args.approver, verdict)?;
    if verdict == Verdict::Approve {
        warn_scope(&policy, &decision, &args.approver, &args.scope);
    }
    let note = match verdict {
        Verdict::Approve => args.note.clone(),
        Verdict::Reject => args.reason.clone(),
    };
    let issued = args.now.unwrap_or_else(jiff::Timestamp::now);
    check_issue_time(&decision, issued, verdict)?;
    let seconds = i64::try_from(args.expires.seconds()).unwrap_or(i64::MAX);
    let expires = issued
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .map_err(|_| {
            format!(
                "the credential would expire {} after {issued}, past the latest time gavel \
                 represents ({}); give a shorter --expires",
                args.expires,
                jiff::Timestamp::MAX
            )
        })?;
    let unsigned = Approval::for_decision(
        &decision,
        verdict,
        &args.approver,
        &args.role,
        args.scope.clone(),
        note,
        issued,
        expires,
    )
    .map_err(|e| e.to_string())?;
    let what = match verdict {
        Verdict::Approve => "approval",
        Verdict::Reject => "rejection",
    };
    // The log is opened before anything is signed: a log that is set up but unusable
    // refuses the credential (fail closed), as it turns `eval`'s decision into a block.
    let log = if args.audit.no_audit {
        None
    } else {
        match args.audit.open() {
            // Signed with the default signing key when there is one, as `gavel eval` signs:
            // the genesis record too, if this creates the log (the credential's own record
            // is signed by the approver).
            Audit::On(log) => match super::recording::default_signer() {
                Ok(Some(signer)) => Some(Box::new(log.with_signer(signer))),
                Ok(None) => Some(log),
                Err(e) => {
                    return Err(format!(
                        "cannot record the {what} in the audit log: {e}; no credential was written"
                    ));
                }
            },
            Audit::Off | Audit::ReadOnly(_) => None,
            Audit::Unavailable(e) => {
                return Err(format!(
                    "cannot record the {what} in the audit log: {e}; no credential was written"
                ));
            }
        }
    };
    let signer = Signer::new(key);
    let approval = unsigned.sign(&signer).map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(&approval).map_err(|e| e.to_string())?;
    // The file is written in full before the record, and put in place only after the
    // record is durable: a credential that was not recorded never exists as a file.
    let staged = match &args.out {
        Some(path) => Some(super::files::stage_new(path, &format!("{json}\n"))?),
        None => None,
    };
    let recorded = match &log {
        Some(log) => {
            // The record is signed by the approver too, so `audit verify --policies` can
            // attribute it like halts and overrides.
            let entry = Entry::new(RecordKind::Approval, &approval)
                .map_err(|e| {
                    format!(
                        "cannot record the {what} in the audit log: {e}; no credential was written"
                    )
                })?
                .signed_by(signer);
            let receipt = log.append(entry).map_err(|e| {
                format!("cannot record the {what} in the audit log: {e}; no credential was written")
            })?;
            Some(receipt.seq)
        }
        None => None,
    };
    let at_seq = recorded
        .map(|seq| format!(" (recorded in the audit log at seq {seq})"))
        .unwrap_or_default();
    match (&args.out, staged) {
        (Some(path), Some(staged)) => {
            staged.commit().map_err(|e| match recorded {
                Some(seq) => format!(
                    "{e}; the {what} was recorded in the audit log at seq {seq} (`gavel audit show {seq}` prints it), but no credential file was written"
                ),
                None => e,
            })?;
            errln!(
                "wrote {what} credential {} to {}{at_seq}",
                approval.id(),
                crate::cli::shown_path(path)
            );
        }
        _ => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{json}")
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot print the credential: {e}"))?;
            if recorded.is_some() {
                errln!("{what} credential {}{at_seq}", approval.id());
            }
        }
    }
    if log.is_none() && !args.audit.no_audit {
        errln!(
            "note: this {what} is not recorded: no audit log is set up (`gavel init` or `gavel audit init-key` creates one; --no-audit silences this)"
        );
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
            errln!("warning: the decision is unsigned; check it came from your pipeline")
        }
        (Some(_), true) => errln!(
            "warning: the policy declares no decision signers; the decision's signature was not checked"
        ),
    }
    if decision.policy.spec_hash != policy.spec_hash() {
        errln!(
            "warning: the decision was made under a different policy version; the credential will not count"
        );
    }
    let declared = policy.checked().approvers.iter().find(|a| a.id == approver);
    match declared
        .and_then(|a| a.key.as_deref())
        .and_then(|k| PublicKey::parse(k).ok())
    {
        Some(k) if k == key.public_key() => {}
        Some(_) => errln!(
            "warning: this key is not the key the policy declares for `{approver}`; the credential will be rejected (unknown key)"
        ),
        None => errln!(
            "warning: `{approver}` is not a declared approver with a key; the credential will be rejected"
        ),
    }
    Ok(())
}

/// Refuses a credential issued before the request it answers was made: a gate with a
/// window ignores it (`before_window`), and one issued before the request exists answers
/// nothing anyone asked. The
/// window's start is the decision's `requested_at` (its evaluation time when it has none,
/// as the credential records it), less the clock-skew tolerance `gavel eval` allows.
fn check_issue_time(
    decision: &Decision,
    issued: jiff::Timestamp,
    verdict: Verdict,
) -> Result<(), String> {
    let opens = decision.requested_at.unwrap_or(decision.evaluated_at);
    let earliest = opens
        .checked_sub(crate::eval::FUTURE_TOLERANCE)
        .unwrap_or(opens);
    if issued < earliest {
        let what = match verdict {
            Verdict::Approve => "an approval",
            Verdict::Reject => "a rejection",
        };
        return Err(format!(
            "refusing to issue {what} at {issued}: decision `{}` was requested at {opens}, and \
             a credential cannot predate the request it answers (a gate with a window would \
             ignore it as before_window); check --now or your clock",
            decision.id
        ));
    }
    Ok(())
}

/// Warns about each pending gate the approver could count toward whose `scope` the
/// approval does not cover: it would be ignored there as `scope_insufficient`. (A rejection
/// needs no scope.)
fn warn_scope(policy: &Policy, decision: &Decision, approver: &str, scope: &[String]) {
    let held = policy
        .checked()
        .approvers
        .iter()
        .find(|a| a.id == approver)
        .map(|a| &a.roles);
    for gate in decision.gates.iter().filter(|g| !g.met) {
        if let Some(held) = held
            && !gate.roles.iter().any(|r| held.iter().any(|h| h == r))
        {
            continue;
        }
        let missing: Vec<&str> = gate
            .scope
            .iter()
            .filter(|cap| !scope.contains(cap))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let flags: Vec<String> = missing
            .iter()
            .map(|cap| format!("--scope {}", crate::quote::one_line(cap)))
            .collect();
        errln!(
            "warning: gate `{}` needs an approval with scope {}; without {} this approval will \
             not count toward it (scope_insufficient)",
            crate::quote::one_line(&gate.rule),
            crate::quote::one_line(&gate.scope.join(", ")),
            flags.join(" ")
        );
    }
}
