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
    use std::io::Read as _;
    let name = path.display().to_string();
    // A key file is a few hundred bytes; read at most a little over the limit private key
    // files have, so that a device or a huge file ends.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_KEY_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(format!("{name}: too large to be a key file"));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}: not a text key file"))?;
    if text.contains("PRIVATE KEY-----") {
        return PrivateKey::load(path)
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

/// The largest key file read, public or private (64 KiB).
pub(crate) const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;
