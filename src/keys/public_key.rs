//! Ed25519 public keys as policies and files write them.
//!
//! Two spellings are accepted: gavel's own `ed25519:BASE64` (the 32 key bytes, standard
//! base64) and OpenSSH's `ssh-ed25519 AAAA... [comment]`, so approvers can reuse the key they
//! already push with.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

/// A parsed Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

/// Why a public key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Neither `ed25519:` nor `ssh-ed25519 `.
    #[error("unknown key format (expected `ed25519:BASE64` or `ssh-ed25519 AAAA...`)")]
    UnknownFormat,
    /// The base64 part does not decode.
    #[error("the key is not valid base64")]
    Base64,
    /// Wrong number of bytes.
    #[error("an ed25519 public key is 32 bytes, this one is {0}")]
    Length(usize),
    /// The OpenSSH blob is malformed or not ed25519.
    #[error("malformed OpenSSH public key: {0}")]
    OpenSsh(&'static str),
    /// The bytes are not a valid curve point.
    #[error("the bytes are not a valid ed25519 public key")]
    InvalidPoint,
}

impl PublicKey {
    /// Parses either accepted spelling.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        let text = text.trim();
        if let Some(b64) = text.strip_prefix("ed25519:") {
            let bytes = STANDARD.decode(b64.trim()).map_err(|_| KeyError::Base64)?;
            return Self::from_slice(&bytes);
        }
        if let Some(rest) = text.strip_prefix("ssh-ed25519 ") {
            let b64 = rest.split_whitespace().next().unwrap_or("");
            let blob = STANDARD.decode(b64).map_err(|_| KeyError::Base64)?;
            return Self::from_openssh_blob(&blob);
        }
        Err(KeyError::UnknownFormat)
    }

    /// A key from its 32 raw bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyError::Length(bytes.len()))?;
        VerifyingKey::from_bytes(&array)
            .map(|key| PublicKey { key })
            .map_err(|_| KeyError::InvalidPoint)
    }

    /// A key from the binary OpenSSH public key blob: `string "ssh-ed25519", string key`.
    pub fn from_openssh_blob(blob: &[u8]) -> Result<PublicKey, KeyError> {
        let mut reader = SshReader { data: blob };
        let algorithm = reader.string().ok_or(KeyError::OpenSsh("truncated"))?;
        if algorithm != b"ssh-ed25519" {
            return Err(KeyError::OpenSsh("not an ssh-ed25519 key"));
        }
        let key = reader.string().ok_or(KeyError::OpenSsh("truncated"))?;
        if !reader.data.is_empty() {
            return Err(KeyError::OpenSsh("trailing bytes"));
        }
        Self::from_slice(key)
    }

    /// Wraps an ed25519-dalek key.
    pub fn from_verifying_key(key: VerifyingKey) -> PublicKey {
        PublicKey { key }
    }

    /// The ed25519-dalek key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// A short stable identifier: `ed25519:` + the first 16 hex digits of SHA-256 of the
    /// raw key. Same for both spellings of the same key.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.key.to_bytes());
        format!("ed25519:{}", hex::encode(digest.get(..8).unwrap_or(&[])))
    }

    /// gavel's spelling, `ed25519:BASE64`.
    pub fn to_gavel_string(&self) -> String {
        format!("ed25519:{}", STANDARD.encode(self.key.to_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_gavel_string())
    }
}

/// Reads SSH wire-format length-prefixed strings.
pub(crate) struct SshReader<'a> {
    pub(crate) data: &'a [u8],
}

impl<'a> SshReader<'a> {
    /// The next `uint32` length and that many bytes.
    pub(crate) fn string(&mut self) -> Option<&'a [u8]> {
        let len_bytes: [u8; 4] = self.data.get(..4)?.try_into().ok()?;
        let len = u32::from_be_bytes(len_bytes) as usize;
        let value = self.data.get(4..4usize.checked_add(len)?)?;
        self.data = self.data.get(4 + len..)?;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A real key from `ssh-keygen -t ed25519`.
    const SSH: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFsUtsBcGf9jphTHmifhNudBwqrIZZ1rk/hND5bWqXgA t@e";

    #[test]
    fn both_spellings_of_one_key_agree() {
        let ssh = PublicKey::parse(SSH).unwrap();
        let gavel = PublicKey::parse(&ssh.to_gavel_string()).unwrap();
        assert_eq!(ssh, gavel);
        assert_eq!(ssh.key_id(), gavel.key_id());
        assert!(ssh.key_id().starts_with("ed25519:"));
        assert_eq!(ssh.key_id().len(), "ed25519:".len() + 16);
    }

    #[test]
    fn rejects_malformed_keys() {
        assert_eq!(PublicKey::parse("rsa:abc"), Err(KeyError::UnknownFormat));
        assert_eq!(PublicKey::parse("ed25519:***"), Err(KeyError::Base64));
        assert_eq!(PublicKey::parse("ed25519:AAAA"), Err(KeyError::Length(3)));
        assert_eq!(
            PublicKey::parse("ssh-ed25519 AAAA"),
            Err(KeyError::OpenSsh("truncated"))
        );
    }
}
