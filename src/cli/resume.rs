//! `gavel resume`: lift the emergency stop.

use std::path::PathBuf;

use clap::Args;

use super::actor::ActorArgs;
use super::audit::{LogArgs, fail};
use crate::audit::{Power, ResumeApproval};

/// Arguments of `gavel resume`.
#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Why it is safe to resume (recorded).
    #[arg(long)]
    reason: String,
    /// A resume approval from `gavel approve-resume`; repeatable. Needed when the policy
    /// says `halt { resume require ... }`.
    #[arg(long = "approval", value_name = "FILE")]
    approvals: Vec<PathBuf>,
    #[command(flatten)]
    actor: ActorArgs,
    #[command(flatten)]
    log: LogArgs,
}

/// Records a resume signed by the acting approver, with the approvals that count. Exit 1
/// when refused.
pub fn run(args: &ResumeArgs) -> u8 {
    let (policy, who) = match args.actor.authorize(Power::Resume) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let mut approvals = Vec::new();
    for path in &args.approvals {
        match ResumeApproval::load(path) {
            Ok(a) => approvals.push(a),
            Err(e) => return fail(e),
        }
    }
    let log = match args.log.open() {
        Ok(log) => log,
        Err(e) => return fail(e),
    };
    match log.resume(
        &policy,
        &who,
        &args.reason,
        &approvals,
        jiff::Timestamp::now(),
    ) {
        Ok(receipt) => {
            outln!(
                "RESUMED at seq {} by {} ({}) at {}: {}",
                receipt.seq,
                crate::quote::one_line(&who.id),
                who.role,
                receipt.at,
                crate::quote::one_line(&args.reason)
            );
            0
        }
        Err(e) => fail(e),
    }
}
