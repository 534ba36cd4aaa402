//! `gavel approve-resume`: sign an approval to lift the halt in force.

use std::path::PathBuf;

use clap::Args;

use super::actor::ActorArgs;
use super::audit::{LogArgs, fail};
use crate::audit::{Power, ResumeApproval};

/// Arguments of `gavel approve-resume`.
#[derive(Debug, Args)]
pub struct ApproveResumeArgs {
    /// A note (the review, the root cause).
    #[arg(long)]
    note: Option<String>,
    /// Where to write the approval (default: stdout).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    actor: ActorArgs,
    #[command(flatten)]
    log: LogArgs,
}

/// Writes a resume approval bound to the halt in force, signed with the approver's key.
pub fn run(args: &ApproveResumeArgs) -> u8 {
    let (_, who) = match args.actor.authorize(Power::ApproveResume) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if let Err(e) = args.log.existing() {
        return fail(e);
    }
    let log = match args.log.open() {
        Ok(log) => log,
        Err(e) => return fail(e),
    };
    let halt = match log.halt_in_force() {
        Ok(Some(h)) => h,
        // A torn last record may be the halt itself: say so, not "not halted" (found by
        // QA), as deciding does.
        Ok(None) => match log.torn_tail() {
            Some(bytes) => {
                return fail(crate::audit::AuditError::TornTail {
                    path: crate::cli::shown_path(&args.log.log),
                    bytes,
                });
            }
            None => return fail("not halted: there is nothing to approve"),
        },
        Err(e) => return fail(e),
    };
    let approval =
        match ResumeApproval::issue(&who, &halt, jiff::Timestamp::now(), args.note.clone()) {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&approval).unwrap_or_default()
    );
    match &args.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                return fail(format!("{}: {e}", crate::cli::shown_path(path)));
            }
            errln!(
                "approval by {} ({}) to lift the halt at seq {} written to {}",
                who.id,
                who.role,
                halt.seq,
                crate::cli::shown_path(path)
            );
        }
        None => out!("{text}"),
    }
    // What is being approved, in full: the approver checks it is the halt they know of
    // (docs/audit-format.md: a halt recorded after a resume that does not count).
    errln!(
        "the halt at seq {}: by {} at {}: {}",
        halt.seq,
        crate::quote::one_line(&halt.state.by),
        halt.state.at,
        crate::quote::one_line(&halt.state.reason)
    );
    0
}
