//! OpenSSH ed25519 private keys, as `ssh-keygen -t ed25519` writes them.
//!
//! Approvers can sign with the key they already push with. Passphrase-protected keys are
//! decrypted with the passphrase from `GAVEL_KEY_PASSPHRASE` or, on a terminal, from a
//! prompt. The passphrase and the decrypted key are zeroized after use.

use zeroize::Zeroizing;

use super::private_key::{PrivateKey, PrivateKeyError};

/// Whether `text` is an OpenSSH private key file.
pub fn is_openssh_private_key(text: &str) -> bool {
    text.trim_start()
        .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
}

/// Reads an OpenSSH ed25519 private key, asking for the passphrase when it has one.
pub fn read_openssh_private_key(path: &str, text: &str) -> Result<PrivateKey, PrivateKeyError> {
    decode_openssh_private_key(path, text, || passphrase(path))
}

/// Reads an OpenSSH ed25519 private key; `passphrase` is called only if the key has one.
pub fn decode_openssh_private_key(
    path: &str,
    text: &str,
    passphrase: impl FnOnce() -> Result<Zeroizing<String>, PrivateKeyError>,
) -> Result<PrivateKey, PrivateKeyError> {
    let format = |message: String| PrivateKeyError::Format {
        path: path.to_string(),
        message,
    };
    let key = ssh_key::PrivateKey::from_openssh(text).map_err(|e| {
        format(match named_algorithm(text) {
            // Found by QA: an ECDSA key was "not a readable OpenSSH private key (unknown
            // algorithm)", where an RSA one says what it is.
            Some(algorithm) => format!("an OpenSSH {algorithm} key; gavel needs ed25519"),
            None => format!("not a readable OpenSSH private key ({e})"),
        })
    })?;
    let key = if key.is_encrypted() {
        let passphrase = passphrase()?;
        key.decrypt(passphrase.as_bytes())
            .map_err(|_| format("wrong passphrase (the key could not be decrypted)".into()))?
    } else {
        key
    };
    let keypair = key.key_data().ed25519().ok_or_else(|| {
        format(format!(
            "an OpenSSH {} key; gavel needs ed25519",
            key.algorithm()
        ))
    })?;
    let seed = Zeroizing::new(keypair.private.to_bytes());
    Ok(PrivateKey::from_seed(&seed))
}

/// The algorithm an OpenSSH private key names in its (unencrypted) public part, when it is
/// one gavel does not read: the parser refuses those before saying which they are.
fn named_algorithm(text: &str) -> Option<&'static str> {
    use base64::Engine as _;
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()?;
    [
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ecdsa-sha2-nistp256@openssh.com",
        "sk-ssh-ed25519@openssh.com",
        "ssh-dss",
        "ssh-rsa",
    ]
    .into_iter()
    .find(|name| bytes.windows(name.len()).any(|w| w == name.as_bytes()))
}

fn passphrase(path: &str) -> Result<Zeroizing<String>, PrivateKeyError> {
    if let Ok(p) = std::env::var("GAVEL_KEY_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    use std::io::IsTerminal as _;
    if !std::io::stdin().is_terminal() {
        return Err(PrivateKeyError::Format {
            path: path.to_string(),
            message: "the key has a passphrase; set GAVEL_KEY_PASSPHRASE or run in a terminal to be asked".into(),
        });
    }
    rpassword::prompt_password(format!("passphrase for {path}: "))
        .map(Zeroizing::new)
        .map_err(|e| PrivateKeyError::Io {
            path: path.to_string(),
            message: format!("cannot read the passphrase: {e}"),
        })
}
