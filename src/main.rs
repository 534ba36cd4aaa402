//! The `gavel` command-line tool. All logic lives in the library; this only runs the CLI.

fn main() -> std::process::ExitCode {
    gavel::cli::run()
}
