//! `gavel halt`: the emergency stop.

use clap::Args;

use super::actor::ActorArgs;
use super::audit::{LogArgs, fail};
use crate::audit::Power;

/// Arguments of `gavel halt`.
#[derive(Debug, Args)]
pub struct HaltArgs {
    /// Why (recorded).
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    actor: ActorArgs,
    #[command(flatten)]
    log: LogArgs,
}

/// Records a halt signed by the acting approver: from then on every decision is `block`.
/// Exit 1 when refused.
pub fn run(args: &HaltArgs) -> u8 {
    let (_, who) = match args.actor.authorize(Power::Halt) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let log = match args.log.open() {
        Ok(log) => log,
        Err(e) => return fail(e),
    };
    match log.halt(&who, &args.reason) {
        Ok(receipt) => {
            outln!(
                "HALTED at seq {} by {} ({}) at {}: {}",
                receipt.seq,
                crate::quote::one_line(&who.id),
                who.role,
                receipt.at,
                crate::quote::one_line(&args.reason)
            );
            outln!("every decision is blocked until `gavel resume`");
            0
        }
        Err(e) => fail(e),
    }
}
