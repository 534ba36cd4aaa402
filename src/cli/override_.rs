//! `gavel override`: break glass for one request.

use std::path::PathBuf;

use clap::Args;

use super::actor::ActorArgs;
use super::audit::{LogArgs, fail};
use crate::audit::Power;
use crate::number::Duration;
use crate::request::{Request, request_digest};

/// Arguments of `gavel override`.
#[derive(Debug, Args)]
pub struct OverrideArgs {
    /// The request to let through (JSON or YAML; `-` for stdin), exactly as it will be
    /// evaluated.
    #[arg(long, value_name = "FILE")]
    request: PathBuf,
    /// Why (mandatory, recorded and shown in every report).
    #[arg(long)]
    reason: String,
    /// How long the override stays usable.
    #[arg(long, default_value = "24h")]
    expires: Duration,
    #[command(flatten)]
    actor: ActorArgs,
    #[command(flatten)]
    log: LogArgs,
}

/// Records a signed, single-use override of one request. Exit 1 when refused.
pub fn run(args: &OverrideArgs) -> u8 {
    let (policy, who) = match args.actor.authorize(Power::Override) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let request = match read_request(&args.request) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    // A request the policy refuses as malformed (a `..` path, an undeclared environment)
    // is blocked before any override is consulted: overriding it would record a promise
    // that can never be kept.
    let probe = policy.decide(&request, &probe_context(&policy, &request));
    if let Some(e) = probe.input_error {
        let at = e.field.map(|f| format!("`{f}`: ")).unwrap_or_default();
        return fail(format!(
            "{}: {at}{}; a malformed request cannot be overridden",
            crate::cli::shown_path(&args.request),
            e.message
        ));
    }
    // An override that expires as it is recorded could never be used, yet would be
    // announced and recorded as a break-glass action (as for `approve --expires 0s`).
    if args.expires.seconds() == 0 {
        return fail(
            "--expires 0s: the override would expire as it is recorded; give how long it stays usable (e.g. 1h)",
        );
    }
    let log = match args.log.open() {
        Ok(log) => log,
        Err(e) => return fail(e),
    };
    let expires_at = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(
            i64::try_from(args.expires.seconds()).unwrap_or(i64::MAX),
        ))
        .ok();
    match log.record_override(&who, &request, &args.reason, expires_at) {
        Ok(receipt) => {
            outln!(
                "!!! BREAK-GLASS OVERRIDE recorded at seq {} by {} ({}): {}",
                receipt.seq,
                crate::quote::one_line(&who.id),
                who.role,
                crate::quote::one_line(&args.reason)
            );
            outln!(
                "request {} ({} by {}) may proceed once{}; the override is in the audit log and every report",
                request_digest(&request),
                crate::quote::one_line(&request.action),
                crate::quote::one_line(&request.actor.id),
                expires_at
                    .map(|t| format!(", until {t}"))
                    .unwrap_or_default()
            );
            0
        }
        Err(e) => fail(e),
    }
}

/// Reads the request file like `gavel eval --request` does: a file over the request size
/// limit is refused naming its size, and anything else is read only up to one byte over the
/// limit, so that `--request /dev/zero` (which reports no size) ends.
fn read_request(path: &PathBuf) -> Result<Request, String> {
    let name = crate::cli::shown_path(path);
    if path.as_os_str() == "-" {
        // stdin, as for `gavel eval --request -`.
        let bytes = super::eval::read_input(path, "the request")?;
        return Request::from_bytes(&bytes).map_err(|e| format!("stdin: {e}"));
    }
    let bytes = std::fs::File::open(path)
        .and_then(|file| {
            let size = crate::bounded_read::regular_file_size(&file);
            crate::bounded_read::read_bounded(
                file,
                size,
                crate::limits::MAX_REQUEST_BYTES,
                Some("the request"),
            )
        })
        .map_err(|e| format!("{name}: {e}"))?
        .map_err(|e| format!("{name}: {e}"))?;
    Request::from_bytes(&bytes).map_err(|e| format!("{name}: {e}"))
}

/// The context for checking the request's own shape: what only `gavel eval` supplies (a
/// verified license, usage counted from the log) is taken as given, so the probe refuses
/// what is wrong with the request itself, not what a later eval will bring.
fn probe_context(policy: &crate::Policy, request: &Request) -> crate::eval::Context {
    let mut context = crate::eval::Context::at(jiff::Timestamp::now());
    for fact in &policy.checked().required_facts {
        if let crate::checked::Fact::Usage(name) = fact {
            context.usage.insert(name.clone(), 0);
        }
    }
    if let Some(claim) = &request.license {
        context.license = Some(crate::eval::LicenseVerdict::assumed(claim));
    }
    context
}
