//! The command-line interface: one file per subcommand, all logic in the library.

/// `outln!` that never panics (see [`output`]).
macro_rules! outln {
    () => {
        $crate::cli::output::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that never panics (see [`output`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!($($arg)*))
    };
}

/// `errln!` that never panics (see [`output`]).
macro_rules! errln {
    () => {
        $crate::cli::output::write_err(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that never panics (see [`output`]).
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(format_args!($($arg)*))
    };
}

mod actor;
mod approve;
mod approve_resume;
mod audit;
mod check;
mod eval;
mod files;
mod fmt;
mod halt;
mod init;
mod keys;
mod license;
mod non_utf8_argument;
mod output;
mod override_;
mod recording;
mod render;
mod resume;
mod test;
mod test_junit;
mod test_report;
mod time_arg;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// gavel: policy-as-code for software-change governance.
#[derive(Debug, Parser)]
#[command(name = "gavel", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Parsed once per process, so variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Check policies for errors and warnings.
    Check(check::CheckArgs),
    /// Rewrite policies in the canonical layout.
    Fmt(fmt::FmtArgs),
    /// Decide a request.
    Eval(eval::EvalArgs),
    /// Scaffold a starter policy with tests and a key.
    Init(init::InitArgs),
    /// Run the test cases beside each policy.
    Test(test::TestArgs),
    /// Create keys and print key ids.
    Keys(keys::KeysArgs),
    /// Approve a pending decision: write a signed approval credential.
    ///
    /// The decision is checked against the policy (`--policies`) first: when the policy
    /// declares decision signers (`signer "ci" key "..."`), a decision whose signature does
    /// not verify, or that has no signature at all, is refused and nothing is written.
    ///
    /// When an audit log is set up (as for `eval`), the credential is recorded there first,
    /// as an `approval` record; if that fails, no credential is written.
    Approve(approve::ApproveArgs),
    /// Reject a pending decision: write a signed rejection credential.
    ///
    /// The decision is checked against the policy (`--policies`) first: when the policy
    /// declares decision signers (`signer "ci" key "..."`), a decision whose signature does
    /// not verify, or that has no signature at all, is refused and nothing is written.
    ///
    /// When an audit log is set up (as for `eval`), the credential is recorded there first,
    /// as an `approval` record; if that fails, no credential is written.
    Reject(approve::ApproveArgs),
    /// Verify a signed decision, approval or license and print what it says.
    Verify(verify::VerifyArgs),
    /// Issue licenses.
    License(license::LicenseArgs),
    /// Verify, checkpoint, repair and read the audit log.
    Audit(audit::AuditArgs),
    /// Emergency stop: every decision blocks until resumed (recorded in the audit log).
    Halt(halt::HaltArgs),
    /// Lift the emergency stop.
    Resume(resume::ResumeArgs),
    /// Sign an approval to lift the halt in force (for `halt { resume require ... }`).
    ApproveResume(approve_resume::ApproveResumeArgs),
    /// Break glass: let one request through, once, recorded loudly.
    Override(override_::OverrideArgs),
}

/// Output formats shared by several commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For machines.
    Json,
}

/// Parses the command line and runs the command.
///
/// A command line that does not parse exits 1 like every other usage error: clap's own
/// code is 2, which `gavel eval` uses for "approval required", and a script must never read a
/// mistyped flag as a request waiting for approval.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.kind() == clap::error::ErrorKind::InvalidUtf8 => {
            let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
            let command = <Cli as clap::CommandFactory>::command();
            match non_utf8_argument::describe(&command, &args) {
                Some(message) => errln!("{message}"),
                None => err!("{}", e.render()),
            }
            return ExitCode::from(1);
        }
        Err(e) if e.use_stderr() => {
            // clap quotes the value it refused as given: an argument holding a newline or
            // an escape would split the message or reach the terminal. Such arguments are
            // shown escaped, as gavel shows outside text everywhere.
            let mut text = e.render().to_string();
            // (`args_os`: `args` panics on an argument that is not UTF-8.)
            let args = std::env::args_os()
                .skip(1)
                .filter_map(|a| a.into_string().ok());
            // An argument of nothing but whitespace and hidden characters is left alone:
            // replacing it would replace every line break of the message.
            let visible = |c: char| !c.is_whitespace() && crate::quote::hidden(c).is_none();
            for arg in args {
                if arg.chars().any(|c| crate::quote::hidden(c).is_some())
                    && arg.chars().any(visible)
                {
                    // clap drops terminal escape sequences from what it quotes.
                    let shown = strip_escape_sequences(&arg);
                    text = text.replace(&arg, &crate::quote::one_line(&arg));
                    if shown.chars().any(visible) {
                        text = text.replace(&shown, &crate::quote::one_line(&shown));
                    }
                }
            }
            err!("{text}");
            return ExitCode::from(1);
        }
        Err(e) => {
            // Help and version. Printing can only fail when stdout is gone.
            let _ = e.print();
            return ExitCode::from(0);
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Keys(args) => keys::run(&args),
        Command::Approve(args) => approve::run(&args, crate::eval::Verdict::Approve),
        Command::Reject(args) => approve::run(&args, crate::eval::Verdict::Reject),
        Command::Verify(args) => verify::run(&args),
        Command::License(args) => license::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Halt(args) => halt::run(&args),
        Command::Resume(args) => resume::run(&args),
        Command::ApproveResume(args) => approve_resume::run(&args),
        Command::Override(args) => override_::run(&args),
    };
    match output::finish() {
        Ok(()) => ExitCode::from(code),
        Err(why) => {
            errln!("error: cannot write the output: {why}");
            ExitCode::from(1)
        }
    }
}

/// `text` without the terminal escape sequences (`ESC [ ... letter`) clap leaves out of the
/// values it quotes in its errors.
fn strip_escape_sequences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as the CLI shows it: escaped on one line ([`crate::quote::one_line`]), since a
/// file name may hold a newline or an escape sequence.
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    crate::quote::one_line(&path.display().to_string()).into_owned()
}
