//! `gavel audit verify`.

use std::io::IsTerminal as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::LogArgs;
use crate::audit::{AuditError, Checkpoint, VerifyOptions, VerifyReport, verify_path};
use crate::cli::Format;
use crate::compile::Policy;
use crate::keys::{PublicKey, load_public_key};

/// Arguments of `gavel audit verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    log: LogArgs,
    /// A checkpoint (`gavel audit checkpoint`) the log must still contain: detects records
    /// cut from the end and rollbacks.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Trust this public key for record signatures (`ed25519:…`, `ssh-ed25519 …`, or a key
    /// file); repeatable.
    #[arg(long = "trust", value_name = "KEY")]
    trust: Vec<String>,
    /// Trust the keys of this policy's approvers and decision signers.
    #[arg(long, value_name = "DIR")]
    policies: Option<PathBuf>,
    /// Check MACs and links only, not signatures (faster).
    #[arg(long, conflicts_with = "require_signed")]
    no_signatures: bool,
    /// Every record must be signed by a trusted key (`--policies`, `--trust`): an unsigned
    /// record (someone with the audit key may have stripped its signature and changed it),
    /// or one signed by a key only the log itself names, is a finding, not a count.
    #[arg(long)]
    require_signed: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

fn trusted_keys(args: &VerifyArgs) -> Result<Vec<PublicKey>, String> {
    let mut keys = Vec::new();
    for text in &args.trust {
        let key = match PublicKey::parse(text) {
            Ok(key) => key,
            Err(_) => load_public_key(std::path::Path::new(text))?,
        };
        keys.push(key);
    }
    if let Some(dir) = &args.policies {
        let policy = Policy::load(dir).map_err(|e| {
            e.layout_problem()
                .map_or_else(|| e.to_string(), str::to_string)
        })?;
        let checked = policy.checked();
        let declared = checked
            .approvers
            .iter()
            .filter_map(|a| a.key.as_deref())
            .chain(checked.signers.iter().map(|s| s.key.as_str()));
        for text in declared {
            if let Ok(key) = PublicKey::parse(text) {
                keys.push(key);
            }
        }
    }
    Ok(keys)
}

/// Exit 0 intact, 1 tampered, 2 cannot read.
pub fn run(args: &VerifyArgs) -> u8 {
    match verify(args) {
        Ok(report) => {
            print_report(args, &report);
            u8::from(!report.intact())
        }
        Err(message) => {
            if args.format == Format::Json {
                let out = serde_json::json!({"status": "error", "error": message});
                outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
            crate::cli::output::print_error(&message);
            2
        }
    }
}

fn verify(args: &VerifyArgs) -> Result<VerifyReport, String> {
    let text = |e: AuditError| e.to_string();
    args.log.existing().map_err(text)?;
    let ring = args.log.keys().map_err(text)?;
    let trusted = trusted_keys(args)?;
    let checkpoint = match &args.checkpoint {
        Some(path) => Some(Checkpoint::load(path).map_err(text)?),
        None => None,
    };
    let size = std::fs::metadata(&args.log.log)
        .map(|m| m.len())
        .unwrap_or(0);
    let show_progress = std::io::stderr().is_terminal() && size > 32 << 20;
    let mut progress = |done: u64, total: u64| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let mut err = std::io::stderr();
        if done >= total {
            let _ = write!(err, "\r{:60}\r", "");
        } else {
            let _ = write!(
                err,
                "\rverifying {}: {percent:>3}% ({} of {} MiB)",
                crate::cli::shown_path(&args.log.log),
                done >> 20,
                total >> 20
            );
        }
        let _ = err.flush();
    };
    let options = VerifyOptions {
        signatures: !args.no_signatures,
        trusted,
        checkpoint,
        require_signed: args.require_signed,
        progress: if show_progress {
            Some(&mut progress)
        } else {
            None
        },
    };
    verify_path(&args.log.log, &ring, options).map_err(text)
}

fn print_report(args: &VerifyArgs, report: &VerifyReport) {
    if args.format == Format::Json {
        let status = if report.intact() {
            "intact"
        } else {
            "tampered"
        };
        let mut value = serde_json::to_value(report).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.insert("status".into(), status.into());
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return;
    }
    let path = crate::cli::shown_path(&args.log.log);
    let range = match report.head_seq {
        Some(head) => format!(
            "{} record{} (seq 0..{head})",
            report.records,
            if report.records == 1 { "" } else { "s" }
        ),
        None => "0 records".into(),
    };
    match &report.finding {
        Some(finding) => {
            outln!("TAMPERED: {path}: {finding}");
            outln!("  the {range} before it verified");
        }
        None => {
            outln!(
                "ok: {path}: {range} intact, log {}",
                report.log_id.as_deref().unwrap_or("(empty)")
            );
            if report.rotations > 0 {
                outln!("  {} key rotation(s) verified", report.rotations);
            }
            if report.signatures_checked {
                outln!(
                    "  signatures: {} verified with trusted keys, {} with keys the log names, {} by unknown keys (not checked; pass --trust or --policies), {} unsigned",
                    report.signatures_trusted,
                    report.signatures_log_keys,
                    report.signatures_unknown_key,
                    report.unsigned
                );
            } else {
                outln!("  signatures not checked (--no-signatures)");
            }
            match report.checkpoint_seq {
                Some(seq) => outln!("  matches the checkpoint at seq {seq}"),
                None => outln!(
                    "  no checkpoint given: records cut from the end of the log would not show"
                ),
            }
        }
    }
}
