//! `gavel license issue`: sign a license as the license authority.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::keys::PrivateKey;
use crate::license::License;
use crate::sign::Signer;

/// Arguments of `gavel license`.
#[derive(Debug, Args)]
pub struct LicenseArgs {
    #[command(subcommand)]
    command: LicenseCommand,
}

#[derive(Debug, Subcommand)]
enum LicenseCommand {
    /// Issue a signed license.
    Issue {
        /// Tier, as declared in the policy.
        #[arg(long)]
        tier: String,
        /// Licensed organization.
        #[arg(long)]
        org: String,
        /// Expiry: a date (`2027-01-31`: the license holds through that day UTC and expires at
        /// the next day's start) or an RFC 3339 time (the first instant it no longer holds).
        #[arg(long)]
        expires: String,
        /// The license authority's private key.
        #[arg(long)]
        key: PathBuf,
        /// Write the license here instead of stdout (never overwrites).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Issue time (RFC 3339) instead of now.
        #[arg(long, value_parser = crate::cli::time_arg::timestamp)]
        now: Option<jiff::Timestamp>,
    },
}

/// Exit 0 when the license was written, 1 otherwise.
pub fn run(args: &LicenseArgs) -> u8 {
    let LicenseCommand::Issue {
        tier,
        org,
        expires,
        key,
        out,
        now,
    } = &args.command;
    let result = (|| -> Result<(), String> {
        let expires = crate::cli::time_arg::time_or_date(expires, true)?;
        let issued = now.unwrap_or_else(jiff::Timestamp::now);
        if expires <= issued {
            return Err(format!(
                "the license would expire ({expires}) before it is issued ({issued})"
            ));
        }
        let key = PrivateKey::load(key).map_err(|e| e.to_string())?;
        let license = License::issue(tier, org, issued, expires, &Signer::new(key))
            .map_err(|e| e.to_string())?;
        let json = serde_json::to_string_pretty(&license).map_err(|e| e.to_string())?;
        match out {
            Some(path) => {
                super::files::write_new(path, &format!("{json}\n"))?;
                errln!(
                    "wrote license ({tier} for {org}) to {}",
                    crate::cli::shown_path(path)
                );
            }
            None => outln!("{json}"),
        }
        Ok(())
    })();
    match result {
        Ok(()) => 0,
        Err(e) => {
            crate::cli::output::print_error(&e);
            1
        }
    }
}
