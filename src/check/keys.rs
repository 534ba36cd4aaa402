//! Validating public keys written in a policy.

use crate::ast::StrLit;
use crate::diagnostic::{Code, Diagnostic};
use crate::keys::PublicKey;

/// Reports a malformed key; returns whether it is valid.
pub(crate) fn validate_key(key: &StrLit, diagnostics: &mut Vec<Diagnostic>) -> bool {
    match PublicKey::parse(&key.value) {
        Ok(_) => true,
        Err(e) => {
            diagnostics.push(
                Diagnostic::new(Code::BadKey, key.span, format!("invalid public key: {e}"))
                    .with_label("not a usable ed25519 public key")
                    .with_help("run `gavel keys new NAME` and paste the `.pub` file, or use an `ssh-ed25519 AAAA...` line"),
            );
            false
        }
    }
}
