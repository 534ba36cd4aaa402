//! The command-line interface: one file per subcommand, all logic in the library.

mod approve;
mod check;
mod eval;
mod files;
mod fmt;
mod init;
mod keys;
mod license;
mod render;
mod test;
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
    Approve(approve::ApproveArgs),
    /// Reject a pending decision: write a signed rejection credential.
    Reject(approve::ApproveArgs),
    /// Verify a signed decision, approval or license and print what it says.
    Verify(verify::VerifyArgs),
    /// Issue licenses.
    License(license::LicenseArgs),
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
pub fn run() -> ExitCode {
    let cli = Cli::parse();
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
    };
    ExitCode::from(code)
}
