//! `gavel keys`: create key pairs and print key ids.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::keys::{PrivateKey, load_public_key};

/// Arguments of `gavel keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create NAME.key (private, mode 0600) and NAME.pub; never overwrites.
    New {
        /// Key name.
        name: String,
        /// Directory for the key files.
        #[arg(long, default_value = ".gavel/keys")]
        dir: PathBuf,
    },
    /// Print the key id of a public or private key file (gavel or OpenSSH).
    Id {
        /// The key file.
        file: PathBuf,
    },
}

/// Exit 0 on success, 1 on any error.
pub fn run(args: &KeysArgs) -> u8 {
    match &args.command {
        KeysCommand::New { name, dir } => {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                || name.starts_with('.')
            {
                errln!(
                    "error: key name {} must be letters, digits, `-`, `_` or `.`, not starting with `.`",
                    crate::quote::quote(name)
                );
                return 1;
            }
            let key = match PrivateKey::generate() {
                Ok(k) => k,
                Err(e) => {
                    crate::cli::output::print_error(&e);
                    return 1;
                }
            };
            match key.write_pair(dir, name) {
                Ok((key_path, pub_path)) => {
                    outln!(
                        "private key: {} (mode 0600; keep it secret)",
                        crate::quote::one_line(&key_path)
                    );
                    outln!("public key:  {}", crate::quote::one_line(&pub_path));
                    outln!("key id:      {}", key.public_key().key_id());
                    outln!(
                        "for a policy: key \"{}\"",
                        key.public_key().to_gavel_string()
                    );
                    0
                }
                Err(e) => {
                    crate::cli::output::print_error(&e);
                    1
                }
            }
        }
        KeysCommand::Id { file } => match load_public_key(file) {
            Ok(key) => {
                outln!("{}", key.key_id());
                0
            }
            Err(e) => {
                crate::cli::output::print_error(&e);
                1
            }
        },
    }
}
