//! `gavel eval`: decide a request.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Format;
use super::recording::{Audit, AuditFlags};
use super::render::decision_text;
use crate::compile::Policy;
use crate::eval::{Context, Decision};
use crate::limits::MAX_REQUEST_BYTES;
use crate::request::{ActorKind, Mode, PreparedRequest, Request, RequestError};

/// Arguments of `gavel eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Policy directory.
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Request file (JSON or YAML), `-` for stdin.
    #[arg(long)]
    pub request: Option<PathBuf>,
    /// Build the request's files from a git diff, e.g. `main..HEAD`.
    #[arg(long, value_name = "BASE..HEAD")]
    pub git: Option<String>,
    /// Repository for `--git` (default: the current directory).
    #[arg(long, default_value = ".", requires = "git")]
    pub repo: PathBuf,
    /// Target environment.
    #[arg(long = "env")]
    pub environment: Option<String>,
    /// Action (replaces the request file's; without a request file, `apply_patch`).
    #[arg(long)]
    pub action: Option<String>,
    /// Source environment of a promotion.
    #[arg(long = "from-env")]
    pub from_environment: Option<String>,
    /// Actor id (replaces the request file's; without a request file, git `user.email`, else
    /// `$USER`).
    #[arg(long)]
    pub actor: Option<String>,
    /// Actor kind.
    #[arg(long, value_parser = ["human", "agent", "service"])]
    pub actor_kind: Option<String>,
    /// A role of the actor (repeatable).
    #[arg(long = "role")]
    pub roles: Vec<String>,
    /// An attribute, `KEY=VALUE`; VALUE is read as JSON when it parses, else as a string.
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    /// A usage counter, `KEY=N`.
    #[arg(long = "usage", value_name = "KEY=N")]
    pub usage: Vec<String>,
    /// Evaluate as a dry run: the decision authorizes nothing (exit 4 when it would proceed).
    #[arg(long)]
    pub dry_run: bool,
    /// Decide as of this time (RFC 3339) instead of now.
    #[arg(long, value_parser = crate::cli::time_arg::timestamp)]
    pub now: Option<jiff::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also explain every rule that did not fire.
    #[arg(long)]
    pub explain: bool,
    /// Sign the decision with this private key (default: `.gavel/keys/signing.key` if it exists).
    #[arg(long)]
    pub sign_key: Option<PathBuf>,
    /// Fail (exit 1) instead of printing an unsigned decision.
    #[arg(long)]
    pub require_signed: bool,
    /// An approval or rejection credential to verify and count (repeatable).
    #[arg(long = "approval")]
    pub approvals: Vec<PathBuf>,
    /// A license credential to verify and apply.
    #[arg(long)]
    pub license: Option<PathBuf>,
    /// Where and whether the decision is recorded (`--audit-log`, `--audit-key`,
    /// `--no-audit`, `--require-audit`), shared with `approve` and `reject`.
    #[command(flatten)]
    pub audit: AuditFlags,
    /// Count a usage counter from the log: `NAME=ACTION` (authorizing decisions for that
    /// action; the period is the month for `*_per_month`, the day for `*_per_day`, else ever).
    #[arg(
        long = "count-usage",
        value_name = "NAME=ACTION",
        conflicts_with = "no_audit"
    )]
    pub count_usage: Vec<String>,
}

/// The default decision-signing key that `gavel init` creates.
pub const DEFAULT_SIGNING_KEY: &str = ".gavel/keys/signing.key";

/// Exit codes (`Decision::exit_code`): 0 authorized, 2 approval required, 3
/// blocked/rejected/expired, 4 dry run that would proceed (authorizes nothing), 1 input error.
pub fn run(args: &EvalArgs) -> u8 {
    let policy = match Policy::load(&args.policies) {
        Ok(p) => p,
        Err(e) => {
            // Fail closed: without a policy there is still a decision, and it is a block.
            // A directory that is missing or holds policy directories is one line naming
            // what to pass instead; a policy that does not compile shows its diagnostics.
            let layout =
                crate::load::policy_dir_problem(&args.policies, "choose one with --policies");
            let reason = match layout {
                Some((_, problem)) => {
                    crate::cli::output::print_error(&problem);
                    problem
                }
                None => {
                    errln!("{e}");
                    let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
                    let reason = format!(
                        "the policy in `{}` does not compile ({errors} error{})",
                        crate::cli::shown_path(&args.policies),
                        if errors == 1 { "" } else { "s" }
                    );
                    crate::cli::output::print_error(&format!("{reason}; every request is blocked"));
                    reason
                }
            };
            let raw = args
                .request
                .as_deref()
                .and_then(|p| read_input(p, "the request").ok())
                .unwrap_or_default();
            let now = args.now.unwrap_or_else(jiff::Timestamp::now);
            let signing = signer(args);
            let decision = crate::eval::policy_error_decision("", &reason, &raw, now);
            let decision = record(&audit_log(args, &signing, None), &signing, decision);
            // Found by QA: this early return printed an unsigned decision past
            // `--require-signed`.
            if args.require_signed && decision.signature.is_none() {
                errln!(
                    "error: the decision is not signed and --require-signed was given; no decision is printed"
                );
                return 1;
            }
            emit(&decision, args.format);
            return 1;
        }
    };
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let mut context = Context::at(now);
    // A `--count-usage` that cannot be used refuses the request like any flag that cannot be
    // applied: a recorded block naming it (found by QA: it printed one line and decided,
    // recorded and printed nothing).
    let (counters, counters_error) = match usage_counters(&args.count_usage, policy.checked()) {
        Ok(c) => (c, None),
        Err(e) => (Vec::new(), Some(RequestError::document(e))),
    };
    // The signing key is loaded once: an encrypted key asks for its passphrase once.
    let signing = signer(args);
    let audit = match audit_log(args, &signing, Some(&policy)) {
        Audit::Off if !counters.is_empty() => Audit::Unavailable(
            "--count-usage counts decisions in the audit log, and no audit log is set up".into(),
        ),
        audit => audit,
    };
    let built = build_request(args).and_then(|request| {
        if let Some(error) = counters_error {
            return Err((Read::Request(Box::new(request)), error));
        }
        match read_credentials(args) {
            Ok(files) => Ok((request, files)),
            Err(error) => Err((Read::Request(Box::new(request)), error)),
        }
    });
    let (decision, input_failed) = match built {
        Ok((request, files)) => {
            credentials(&policy, &request, &files, &mut context);
            // Prepared once: the log's state and the decision both need its digest.
            let request = PreparedRequest::new(request);
            let decide = |ctx: &Context| {
                let mut d = if args.explain {
                    policy.decide_prepared_explained(&request, ctx)
                } else {
                    policy.decide_prepared(&request, ctx)
                };
                sign(&signing, &mut d);
                d
            };
            let d = match &audit {
                Audit::Off => decide(&context),
                Audit::Unavailable(error) => audit_failed(&signing, decide(&context), error),
                Audit::ReadOnly(log) => {
                    let mut context = context.clone();
                    log.fill_cached(&mut context, request.digest(), &counters);
                    // An override is single-use, and its use is the recorded decision:
                    // one that is not recorded cannot use it (or it could be used forever).
                    context.override_ = None;
                    decide(&context)
                }
                Audit::On(log) => {
                    let gated = log.decide_and_record(&request, context.clone(), &counters, decide);
                    match &gated.error {
                        Some(_) => resign(&signing, gated.decision),
                        None => gated.decision,
                    }
                }
            };
            let failed = d.input_error.is_some();
            (d, failed)
        }
        Err((read, error)) => {
            let mut d = refused_decision(&policy, read, &error, now);
            // A halt in the log is named by this refusal too, as by every decision.
            if let Audit::On(log) | Audit::ReadOnly(log) = &audit {
                let mut halted = Context::at(now);
                log.fill_cached(&mut halted, "", &[]);
                if let Some(halt) = &halted.halt {
                    crate::eval::name_halt(&mut d, halt);
                }
            }
            (record(&audit, &signing, d), true)
        }
    };
    let signed = decision.signature.is_some();
    if args.require_signed && !signed {
        errln!(
            "error: the decision is not signed and --require-signed was given; no decision is printed"
        );
        return 1;
    }
    if let Err(e) = &signing {
        // A signing key that cannot be used is an input error (exit 1), as an unreadable
        // `--approval` file is: a mistyped `--sign-key` must not look like a policy's block.
        // The decision printed is the block it caused.
        crate::cli::output::print_error(&format!("cannot sign: {e}"));
        emit(&decision, args.format);
        return 1;
    }
    if input_failed {
        // The one-line error comes first: it is what a person or a CI log needs to see.
        if let Some(e) = &decision.input_error {
            errln!(
                "error: {}",
                match &e.field {
                    Some(f) => format!("`{f}`: {}", e.message),
                    None => e.message.clone(),
                }
            );
        }
        emit(&decision, args.format);
        return 1;
    }
    emit(&decision, args.format);
    if matches!(audit, Audit::Off) && !args.audit.no_audit {
        errln!(
            "note: this decision is not recorded: no audit log is set up (`gavel init` or `gavel audit init-key` creates one; --no-audit silences this)"
        );
    }
    if !signed && decision.errors.iter().all(|e| e.location != "signing") {
        errln!(
            "note: this decision is unsigned. To sign decisions: `gavel keys new signing` (writes {DEFAULT_SIGNING_KEY}) and declare its key in the policy with `signer \"ci\" key \"...\"`"
        );
    }
    decision.exit_code()
}

/// The signing key's result, loaded once per run: `Ok(None)` when no key is configured.
type Signing = Result<Option<crate::sign::Signer>, String>;

/// The audit log as `AuditFlags::open` finds it, recording signed with the decision
/// signer; a signing key that cannot be used makes the log unusable (fail closed).
fn audit_log(args: &EvalArgs, signing: &Signing, policy: Option<&Policy>) -> Audit {
    // Resumes and overrides in the log count only when the policy's keys signed them.
    let checked = |log: Box<crate::audit::AuditLog>| match policy {
        Some(p) => Box::new(log.with_policy(p)),
        None => log,
    };
    match (args.audit.open(), signing) {
        (Audit::On(log), Ok(Some(s))) => Audit::On(checked(Box::new(log.with_signer(s.clone())))),
        (Audit::On(_), Err(e)) => Audit::Unavailable(e.clone()),
        (Audit::On(log), _) => Audit::On(checked(log)),
        (Audit::ReadOnly(log), _) => Audit::ReadOnly(checked(log)),
        (audit, _) => audit,
    }
}

/// Signs a decision made without `decide_and_record` (the request or the policy could not
/// be read) and records it when auditing is on; a failure to record blocks (it already
/// does: such decisions are blocks) and names why.
fn record(audit: &Audit, signing: &Signing, mut decision: Decision) -> Decision {
    sign(signing, &mut decision);
    match audit {
        Audit::Off | Audit::ReadOnly(_) => decision,
        Audit::Unavailable(error) => audit_failed(signing, decision, error),
        Audit::On(log) => match log.append_decision(&decision) {
            Ok(_) => decision,
            Err(e) => resign(signing, crate::audit::fail_closed(decision, &e)),
        },
    }
}

/// The decision when the audit log cannot be used: a block naming why (fail closed).
fn audit_failed(signing: &Signing, mut decision: Decision, error: &str) -> Decision {
    decision.force_block("audit log", error);
    resign(signing, decision)
}

/// Signs again after a decision was changed into a block (its old signature no longer holds).
fn resign(signing: &Signing, mut decision: Decision) -> Decision {
    decision.signature = None;
    sign(signing, &mut decision);
    decision
}

/// `--count-usage NAME=ACTION` counters. The action must be one the policy knows: a
/// misspelled action would count nothing, and a limit that counts nothing is no limit.
fn usage_counters(
    specs: &[String],
    policy: &crate::checked::CheckedPolicy,
) -> Result<Vec<crate::audit::UsageCounter>, String> {
    use crate::audit::{Period, UsageCounter};
    let actions = &policy.actions;
    let mut seen = std::collections::BTreeSet::new();
    specs
        .iter()
        .map(|spec| {
            let (name, action) = spec
                .split_once('=')
                .filter(|(name, _)| !name.is_empty())
                .ok_or_else(|| format!("--count-usage takes NAME=ACTION, got `{spec}`"))?;
            // Counted twice, the last count would win in silence: the first flag's limit
            // could be undone by a second flag counting another action.
            if !seen.insert(name) {
                return Err(format!(
                    "--count-usage gives the counter `{name}` more than once; give each \
                     counter once"
                ));
            }
            if !actions.iter().any(|a| a == action) {
                let hint =
                    crate::diagnostic::did_you_mean(action, actions.iter().map(String::as_str))
                        .map(|a| format!("; did you mean `{a}`?"))
                        .unwrap_or_else(|| format!("; it has {}", actions.join(", ")));
                return Err(format!(
                    "--count-usage {spec}: the policy has no action `{action}`{hint}"
                ));
            }
            let period = if name.ends_with("_per_month") {
                Period::Month
            } else if name.ends_with("_per_day") {
                Period::Day
            } else {
                Period::All
            };
            let counter = UsageCounter::new(name, Some(action), period);
            match counter.mismatch(policy) {
                Some(why) => Err(format!("--count-usage {spec}: {why}")),
                None => Ok(counter),
            }
        })
        .collect()
}

/// The decision signer, when a key is configured (`None` when none is).
fn signer(args: &EvalArgs) -> Signing {
    match &args.sign_key {
        Some(path) => crate::keys::PrivateKey::load(path)
            .map(|k| Some(crate::sign::Signer::new(k)))
            .map_err(|e| e.to_string()),
        None => super::recording::default_signer(),
    }
}

/// A credential file (`--approval`, `--license`) as read: its bytes, or why it cannot be a
/// credential (too large).
type CredentialFile<'a> = (&'a PathBuf, Result<Vec<u8>, String>);

/// The credential files, read before deciding.
struct CredentialFiles<'a> {
    approvals: Vec<CredentialFile<'a>>,
    license: Option<CredentialFile<'a>>,
}

/// Reads the `--approval` files and the `--license` file. A file that cannot be read is an
/// input error naming it (a block, exit 1): a mistyped path must not pass unnoticed next to
/// a valid approval, nor turn into a license that "failed verification" (which blocked with
/// exit 3, or not at all under a policy without license tiers). A file is read only up to
/// one byte over the credential limit, so that `--approval /dev/zero` ends; one over the
/// limit is refused as malformed by the caller, with its size when the file system knows it.
fn read_credentials(args: &EvalArgs) -> Result<CredentialFiles<'_>, RequestError> {
    let approvals = args
        .approvals
        .iter()
        .map(|path| read_credential("--approval", path))
        .collect::<Result<_, _>>()?;
    let license = args
        .license
        .as_ref()
        .map(|path| read_credential("--license", path))
        .transpose()?;
    Ok(CredentialFiles { approvals, license })
}

/// Reads one credential file given with `flag`.
fn read_credential<'a>(flag: &str, path: &'a PathBuf) -> Result<CredentialFile<'a>, RequestError> {
    let read = || {
        let file = std::fs::File::open(path)?;
        let size = crate::bounded_read::regular_file_size(&file);
        crate::bounded_read::read_bounded(file, size, crate::limits::MAX_CREDENTIAL_BYTES, None)
    };
    let bytes = read().map_err(|e| {
        RequestError::document(format!(
            "{flag}: cannot read `{}`: {e}",
            crate::cli::shown_path(path)
        ))
    })?;
    Ok((path, bytes))
}

/// Verifies the `--approval` credentials and the `--license` credential (read by
/// [`read_credentials`]) into the context. An approval that is not a credential is listed as
/// ignored; a license that is not one, or fails verification, blocks.
fn credentials(
    policy: &Policy,
    request: &Request,
    files: &CredentialFiles<'_>,
    context: &mut Context,
) {
    let mut approvals = Vec::new();
    for (path, bytes) in &files.approvals {
        let parsed = match bytes {
            Ok(bytes) => crate::approve::Approval::from_json(bytes),
            Err(too_large) => Err(crate::approve::Rejection::new(
                crate::approve::RejectionKind::Malformed,
                too_large.clone(),
            )),
        };
        match parsed {
            Ok(a) => approvals.push(a),
            Err(rejection) => context
                .rejected_credentials
                .push(crate::eval::IgnoredApproval {
                    approver: "(unreadable)".into(),
                    credential: Some(path.display().to_string()),
                    kind: rejection.kind.as_str().into(),
                    reason: format!("{}: {}", crate::cli::shown_path(path), rejection.message),
                }),
        }
    }
    crate::approve::apply_credentials(policy, request, &approvals, context);
    if let Some((_, bytes)) = &files.license {
        let verdict = bytes
            .as_ref()
            .map_err(|too_large| {
                crate::license::LicenseError::Malformed(too_large.clone()).to_string()
            })
            .and_then(|bytes| crate::license::License::from_json(bytes).map_err(|e| e.to_string()))
            .map(|license| license.verdict(policy, context.now))
            .unwrap_or_else(|reason| crate::eval::LicenseVerdict::Invalid { reason });
        context.license = Some(verdict);
    }
}

/// Signs the decision with the configured key; a key that cannot be used blocks the
/// decision (fail closed).
fn sign(signing: &Signing, decision: &mut Decision) {
    match signing {
        Ok(None) => {}
        Ok(Some(signer)) => {
            if let Err(e) = decision.sign(signer) {
                decision.force_block("signing", &e.to_string());
            }
        }
        Err(e) => decision.force_block("signing", e),
    }
}

fn emit(decision: &Decision, format: Format) {
    match format {
        Format::Human => out!("{}", decision_text(decision)),
        Format::Json => match serde_json::to_string_pretty(decision) {
            Ok(json) => outln!("{json}"),
            Err(e) => errln!("error: cannot serialize the decision: {e}"),
        },
    }
}

/// What a request refused before it was decided is known by: the decision's `request` (its
/// digest and summary) says as much as was read (`docs/decision-format.md`).
enum Read {
    /// Nothing: no request file (the request was to come from the flags), or one that could
    /// not be read. The digest is the SHA-256 of empty input.
    Nothing,
    /// Bytes that are no request: the digest is their SHA-256.
    Bytes(Vec<u8>),
    /// A request document that was read, to which `--git` or a flag could not be applied:
    /// the request it holds, as read (read again from its bytes, on this error path only).
    Document(Vec<u8>),
    /// The whole request, built from the document, `--git` and the flags, refused before it
    /// was decided (a credential file that cannot be read): the request a decision would be
    /// about.
    Request(Box<Request>),
}

type BuildError = (Read, RequestError);

/// The decision for a request refused before it was decided: a block naming `error`, about
/// the request as far as it was read ([`Read`]).
fn refused_decision(
    policy: &Policy,
    read: Read,
    error: &RequestError,
    now: jiff::Timestamp,
) -> Decision {
    let bytes = |raw: &[u8]| {
        crate::eval::input_error_decision(policy.checked(), policy.spec_hash(), raw, error, now)
    };
    let request = match read {
        Read::Nothing => return bytes(&[]),
        Read::Bytes(raw) => return bytes(&raw),
        // It parsed once; should it not parse again, its bytes still identify it.
        Read::Document(raw) => match Request::from_bytes(&raw) {
            Ok(request) => request,
            Err(_) => return bytes(&raw),
        },
        Read::Request(request) => *request,
    };
    crate::eval::request_input_error_decision(
        policy.checked(),
        policy.spec_hash(),
        &request,
        error,
        now,
    )
}

/// The request from a file, git and flags (flags override the file).
fn build_request(args: &EvalArgs) -> Result<Request, BuildError> {
    let (mut request, document) = match &args.request {
        Some(path) => {
            let raw = read_input(path, "the request")
                .map_err(|e| (Read::Nothing, RequestError::document(e)))?;
            match Request::from_bytes(&raw) {
                Ok(request) => (request, Some(raw)),
                Err(e) => return Err((Read::Bytes(raw), with_flag_hint(e, args))),
            }
        }
        None => (
            Request::minimal("apply_patch", default_actor(), ActorKind::Human),
            None,
        ),
    };
    match apply_git_and_flags(args, &mut request) {
        Ok(()) => Ok(request),
        Err(error) => Err((document.map_or(Read::Nothing, Read::Document), error)),
    }
}

/// A request file's error about a field a flag was also given for: the flags replace fields
/// of a whole request, they do not complete a partial one, and `--action deploy` next to
/// "missing field `action`" would otherwise read as a bug.
fn with_flag_hint(mut error: RequestError, args: &EvalArgs) -> RequestError {
    let flag = match error.field.as_deref() {
        Some("action") if args.action.is_some() => "--action",
        Some("actor" | "actor.id") if args.actor.is_some() => "--actor",
        Some("actor" | "actor.kind") if args.actor_kind.is_some() => "--actor-kind",
        _ => return error,
    };
    error.message.push_str(&format!(
        " ({flag} replaces a field of the request file and cannot stand in for a missing one: the file must be a whole request)"
    ));
    error
}

/// Applies `--git` and the flags to the request read from the file (or the minimal one).
fn apply_git_and_flags(args: &EvalArgs, request: &mut Request) -> Result<(), RequestError> {
    // The diff replaces the request's files: files the request file lists would vanish
    // unjudged, so asking for both is refused rather than resolved silently.
    if let (Some(path), Some(_)) = (&args.request, &args.git)
        && !request.files.is_empty()
    {
        let n = request.files.len();
        return Err(RequestError::field(
            "files",
            format!(
                "`{}` lists {n} file{} and --git builds the files from the diff; give one or the other",
                crate::cli::shown_path(path),
                if n == 1 { "" } else { "s" }
            ),
        ));
    }
    if let Some(range) = &args.git {
        // Both sides resolved once: the files judged are the diff of the commits the
        // request names, even if a branch moves meanwhile.
        let range = crate::gitdiff::resolve_range(&args.repo, range)
            .map_err(|e| RequestError::field("files", e))?;
        request.files = crate::gitdiff::files_from_git(&args.repo, &range)
            .map_err(|e| RequestError::field("files", e))?;
        // Bind the request (and so its approvals) to the commits' content.
        let commits = range.reference();
        request.reference = Some(match request.reference.take() {
            Some(own) => format!("{own} ({commits})"),
            None => commits,
        });
    }
    if let Some(a) = &args.action {
        request.action = a.clone();
    }
    if let Some(e) = &args.environment {
        request.environment = Some(e.clone());
    }
    if let Some(e) = &args.from_environment {
        request.from_environment = Some(e.clone());
    }
    if let Some(a) = &args.actor {
        request.actor.id = a.clone();
    }
    if let Some(k) = &args.actor_kind {
        request.actor.kind = match k.as_str() {
            "agent" => ActorKind::Agent,
            "service" => ActorKind::Service,
            _ => ActorKind::Human,
        };
    }
    if !args.roles.is_empty() {
        // Held to a document's limit here, so that the refusal names the flag.
        let max = crate::limits::MAX_LIST_ITEMS;
        if args.roles.len() > max {
            return Err(RequestError::field(
                "actor.roles",
                format!(
                    "with --role, {} roles, more than the limit of {max}",
                    args.roles.len()
                ),
            ));
        }
        request.actor.roles = args.roles.clone();
    }
    for (key, value) in flag_pairs(&args.attrs, "--attr")? {
        let json = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        request
            .attributes
            .as_map_mut()
            .insert(key.to_string(), json);
    }
    for (key, value) in flag_pairs(&args.usage, "--usage")? {
        let n = crate::request::count::usage_count_text(value).map_err(|why| {
            RequestError::field(
                format!("usage.{key}"),
                format!("--usage {key}={value}: {why}"),
            )
        })?;
        request.usage.as_map_mut().insert(key.to_string(), n);
    }
    // The document parser caps each map at MAX_ATTRIBUTES entries and nothing after it
    // counts them, so keys added by flags are held to the same cap here.
    within_entry_limit(
        "attributes",
        request.attributes.as_map().len(),
        "--attr",
        "attributes",
    )?;
    within_entry_limit(
        "usage",
        request.usage.as_map().len(),
        "--usage",
        "usage counters",
    )?;
    if args.dry_run {
        request.mode = Mode::DryRun;
    }
    Ok(())
}

/// Refuses a map (`attributes`, `usage`) that flags grew past `MAX_ATTRIBUTES` entries.
fn within_entry_limit(
    field: &str,
    entries: usize,
    flag: &str,
    noun: &str,
) -> Result<(), RequestError> {
    let max = crate::limits::MAX_ATTRIBUTES;
    if entries <= max {
        return Ok(());
    }
    Err(RequestError::field(
        field,
        format!("with {flag}, the request has {entries} {noun}, more than the limit of {max}"),
    ))
}

/// The `KEY=VALUE` pairs of a repeatable flag (`--attr`, `--usage`). A key may be any
/// text a request document accepts as a map key, except empty; a key given twice is refused,
/// as a request document with a duplicate key is (last-wins would let the value a reader
/// sees first be silently replaced).
fn flag_pairs<'s>(
    pairs: &'s [String],
    flag: &str,
) -> Result<Vec<(&'s str, &'s str)>, RequestError> {
    let error = |message: String| RequestError::document(message);
    let mut seen = std::collections::BTreeSet::new();
    pairs
        .iter()
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| error(format!("{flag} takes KEY=VALUE, got `{pair}`")))?;
            if key.is_empty() {
                return Err(error(format!(
                    "{flag} takes KEY=VALUE with a non-empty KEY, got `{pair}`"
                )));
            }
            if !seen.insert(key) {
                return Err(error(format!(
                    "{flag} gives the key {} more than once; give each key once",
                    crate::quote::quote(key)
                )));
            }
            Ok((key, value))
        })
        .collect()
}

/// Reads a file, or stdin for `-`, refusing one over the request size limit
/// (`MAX_REQUEST_BYTES`). `what` names the input in that refusal ("the request").
///
/// A regular file the file system says is over the limit is not read, and the refusal gives
/// its size: "the request is 209715318 bytes, more than the limit of 33554432". Anything else
/// (stdin, a device, a file that grew) is read only up to one byte over the limit, so that
/// `--request /dev/zero` ends, and the refusal says "more than 33554432 bytes".
pub fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    let read = if path == Path::new("-") {
        crate::bounded_read::read_bounded(
            std::io::stdin().lock(),
            None,
            MAX_REQUEST_BYTES,
            Some(what),
        )
    } else {
        std::fs::File::open(path).and_then(|file| {
            let size = crate::bounded_read::regular_file_size(&file);
            crate::bounded_read::read_bounded(file, size, MAX_REQUEST_BYTES, Some(what))
        })
    };
    read.map_err(|e| format!("cannot read `{}`: {e}", crate::cli::shown_path(path)))?
}

/// The current user's id: git `user.email`, else `$USER`.
pub fn default_actor() -> String {
    let from_git = std::process::Command::new("git")
        .args(["config", "user.email"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty());
    from_git
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}
