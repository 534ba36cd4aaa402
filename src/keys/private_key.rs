//! Ed25519 private keys on disk.
//!
//! gavel's own format is a PEM-like block around the base64 of the 32-byte seed. Files are
//! created with mode 0600 and never overwritten. Key material is zeroized when dropped and
//! never printed: `Debug` shows only the key id.

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use zeroize::Zeroizing;

use super::public_key::PublicKey;

const BEGIN: &str = "-----BEGIN GAVEL ED25519 PRIVATE KEY-----";
const END: &str = "-----END GAVEL ED25519 PRIVATE KEY-----";

/// A private signing key.
#[derive(Clone)]
pub struct PrivateKey {
    key: SigningKey,
}

/// Why a private key could not be created, read or written.
#[derive(Debug, thiserror::Error)]
pub enum PrivateKeyError {
    /// The system random number generator failed.
    #[error("cannot get random bytes from the operating system: {0}")]
    Random(String),
    /// A file operation failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The file is not a key gavel can read.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong (never the key material).
        message: String,
    },
}

impl PrivateKey {
    /// A fresh random key.
    pub fn generate() -> Result<PrivateKey, PrivateKeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut_slice())
            .map_err(|e| PrivateKeyError::Random(e.to_string()))?;
        Ok(PrivateKey {
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// A key from its 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> PrivateKey {
        PrivateKey {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verifying_key(self.key.verifying_key())
    }

    /// The ed25519-dalek signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// gavel's private key file text.
    pub fn to_file_text(&self) -> Zeroizing<String> {
        let seed = Zeroizing::new(self.key.to_bytes());
        Zeroizing::new(format!(
            "{BEGIN}\n{}\n{END}\n",
            STANDARD.encode(seed.as_slice())
        ))
    }

    /// Reads gavel's private key file format from text.
    pub fn from_file_text(path: &str, text: &str) -> Result<PrivateKey, PrivateKeyError> {
        let format = |message: &str| PrivateKeyError::Format {
            path: path.to_string(),
            message: message.to_string(),
        };
        let rest = text.trim().strip_prefix(BEGIN).ok_or_else(|| {
            format("not a gavel private key (expected a `GAVEL ED25519 PRIVATE KEY` block)")
        })?;
        let end = rest.find(END).ok_or_else(|| {
            format("the key block has no `-----END GAVEL ED25519 PRIVATE KEY-----` line")
        })?;
        let body = rest.get(..end).unwrap_or_default();
        let after = rest.get(end + END.len()..).unwrap_or_default().trim();
        if after.contains(BEGIN) || body.contains(BEGIN) {
            return Err(format("more than one key block; a key file holds one key"));
        }
        if !after.is_empty() {
            return Err(format(
                "text after the `-----END GAVEL ED25519 PRIVATE KEY-----` line; a key file holds the key block only",
            ));
        }
        let bytes = Zeroizing::new(
            STANDARD
                .decode(body.trim())
                .map_err(|_| format("the key block is not valid base64"))?,
        );
        let seed: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| format("the key block does not hold 32 bytes"))?;
        let seed = Zeroizing::new(seed);
        Ok(PrivateKey::from_seed(&seed))
    }

    /// Reads a private key file: gavel's format or an OpenSSH ed25519 key.
    pub fn load(path: &Path) -> Result<PrivateKey, PrivateKeyError> {
        let name = path.display().to_string();
        let text = read_key_text(path)?;
        Self::from_key_text(&name, &text)
    }

    /// A private key from the text of a key file named `name`: gavel's format or an
    /// OpenSSH ed25519 key.
    pub(crate) fn from_key_text(name: &str, text: &str) -> Result<PrivateKey, PrivateKeyError> {
        if super::openssh::is_openssh_private_key(text) {
            return super::openssh::read_openssh_private_key(name, text);
        }
        Self::from_file_text(name, text)
    }

    /// Writes `NAME.key` (mode 0600) and `NAME.pub` into `dir`, refusing to overwrite.
    pub fn write_pair(&self, dir: &Path, name: &str) -> Result<(String, String), PrivateKeyError> {
        let io = |path: &Path, e: std::io::Error| PrivateKeyError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let key_path = dir.join(format!("{name}.key"));
        let pub_path = dir.join(format!("{name}.pub"));
        for path in [&key_path, &pub_path] {
            if path.exists() {
                return Err(PrivateKeyError::Io {
                    path: path.display().to_string(),
                    message: "already exists; refusing to overwrite a key".into(),
                });
            }
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&key_path).map_err(|e| io(&key_path, e))?;
        file.write_all(self.to_file_text().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| io(&key_path, e))?;
        let public = self.public_key().to_gavel_string();
        std::fs::write(&pub_path, format!("{public}\n")).map_err(|e| io(&pub_path, e))?;
        Ok((
            key_path.display().to_string(),
            pub_path.display().to_string(),
        ))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.public_key().key_id())
    }
}

/// The largest key file read, public or private (64 KiB).
pub(crate) const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Reads a key file, public or private, as text: at most [`MAX_KEY_FILE_BYTES`] — read to
/// one byte over, since a device (`/dev/zero`) reports no size and reading it to its end
/// would never end — and UTF-8. Held in zeroizing memory: it may be a private key.
pub(crate) fn read_key_text(path: &Path) -> Result<Zeroizing<String>, PrivateKeyError> {
    use std::io::Read as _;
    let name = path.display().to_string();
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_KEY_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| PrivateKeyError::Io {
            path: name.clone(),
            message: e.to_string(),
        })?;
    let format = |message: &str| PrivateKeyError::Format {
        path: name.clone(),
        message: message.into(),
    };
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(format("too large to be a key file"));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| format("not a text key file"))?;
    // A byte order mark some editors write is not part of the key (requests and policies
    // skip it too); left in, the key read as an unknown format.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_text_round_trips_and_debug_hides_the_key() {
        let key = PrivateKey::from_seed(&[7u8; 32]);
        let text = key.to_file_text();
        let back = PrivateKey::from_file_text("k", &text).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        let debug = format!("{key:?}");
        assert!(debug.starts_with("PrivateKey(ed25519:"));
        assert!(!debug.contains(&STANDARD.encode([7u8; 32])));
    }

    #[test]
    fn malformed_files_get_errors_without_key_material() {
        let err = PrivateKey::from_file_text("k.key", "hello").unwrap_err();
        assert_eq!(
            err.to_string(),
            "k.key: not a gavel private key (expected a `GAVEL ED25519 PRIVATE KEY` block)"
        );
        let short = format!("{BEGIN}\nAAAA\n{END}\n");
        assert_eq!(
            PrivateKey::from_file_text("k.key", &short)
                .unwrap_err()
                .to_string(),
            "k.key: the key block does not hold 32 bytes"
        );
    }

    #[test]
    fn write_pair_refuses_to_overwrite_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let key = PrivateKey::from_seed(&[1u8; 32]);
        key.write_pair(dir.path(), "me").unwrap();
        assert!(key.write_pair(dir.path(), "me").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("me.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
