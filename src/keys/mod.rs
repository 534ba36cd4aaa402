//! Keys: Ed25519 public keys in policies, private key files, key ids.

mod openssh;
mod private_key;
mod public_key;

pub use openssh::{decode_openssh_private_key, is_openssh_private_key, read_openssh_private_key};
pub use private_key::{PrivateKey, PrivateKeyError};
#[allow(unused_imports)]
pub(crate) use public_key::SshReader;
pub use public_key::{KeyError, PublicKey};

/// Reads a public key from a file: a `.pub` file in either spelling, or the public half of a
/// private key file.
pub fn load_public_key(path: &std::path::Path) -> Result<PublicKey, String> {
    let name = path.display().to_string();
    let text = private_key::read_key_text(path).map_err(|e| e.to_string())?;
    if text.contains("PRIVATE KEY-----") {
        return PrivateKey::from_key_text(&name, &text)
            .map(|k| k.public_key())
            .map_err(|e| e.to_string());
    }
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > 1 {
        return Err(format!(
            "{name}: {lines} lines; a public key file holds one key on one line"
        ));
    }
    PublicKey::parse(text.trim()).map_err(|e| format!("{name}: {e}"))
}
