//! Verifying signatures against a set of trusted keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use super::signature::{ALG, Signature};
use crate::canonical::to_canonical_bytes;
use crate::keys::PublicKey;

/// Which check a signature failed. Each is its own kind so a caller (and a person reading
/// the message) knows exactly what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not `ed25519`.
    #[error("unsupported signature algorithm `{0}` (gavel signs with ed25519)")]
    UnsupportedAlgorithm(String),
    /// The key id is not among the trusted keys.
    #[error("signed by unknown key `{0}`: it is not a trusted key here")]
    UnknownKey(String),
    /// The signature is not 64 bytes of base64.
    #[error("the signature is malformed (expected 64 bytes of base64)")]
    MalformedSignature,
    /// The signature does not match the content.
    #[error(
        "invalid signature by key `{0}`: the signed content was changed or the signature was not made by this key"
    )]
    InvalidSignature(String),
    /// The object carries no signature.
    #[error("the object is not signed")]
    Unsigned,
    /// The object could not be canonicalized.
    #[error("the object cannot be canonicalized: {0}")]
    Canonical(String),
}

/// Verifies signatures made by any of a set of trusted keys.
#[derive(Clone, Debug, Default)]
pub struct Verifier {
    keys: Vec<PublicKey>,
    /// `keys[i].key_id()`, computed once: a signature names its key by id, and hashing
    /// every trusted key on every verification is work repeated for nothing.
    ids: Vec<String>,
}

impl Verifier {
    /// A verifier trusting `keys`.
    pub fn new(keys: impl IntoIterator<Item = PublicKey>) -> Self {
        let keys: Vec<PublicKey> = keys.into_iter().collect();
        let ids = keys.iter().map(PublicKey::key_id).collect();
        Verifier { keys, ids }
    }

    /// The trusted keys.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// Verifies a signature over raw bytes; returns the key that made it.
    pub fn verify_bytes(
        &self,
        bytes: &[u8],
        signature: &Signature,
    ) -> Result<PublicKey, VerifyError> {
        if signature.alg != ALG {
            return Err(VerifyError::UnsupportedAlgorithm(signature.alg.clone()));
        }
        let key = self
            .ids
            .iter()
            .position(|id| *id == signature.key_id)
            .and_then(|i| self.keys.get(i))
            .copied()
            .ok_or_else(|| VerifyError::UnknownKey(signature.key_id.clone()))?;
        let raw = STANDARD
            .decode(&signature.sig)
            .map_err(|_| VerifyError::MalformedSignature)?;
        let raw: [u8; 64] = raw
            .try_into()
            .map_err(|_| VerifyError::MalformedSignature)?;
        let sig = ed25519_dalek::Signature::from_bytes(&raw);
        key.verifying_key()
            .verify_strict(bytes, &sig)
            .map_err(|_| VerifyError::InvalidSignature(signature.key_id.clone()))?;
        Ok(key)
    }

    /// Verifies a signature over the canonical JSON of `value`.
    pub fn verify<T: Serialize + ?Sized>(
        &self,
        value: &T,
        signature: &Signature,
    ) -> Result<PublicKey, VerifyError> {
        let bytes = to_canonical_bytes(value).map_err(|e| VerifyError::Canonical(e.to_string()))?;
        self.verify_bytes(&bytes, signature)
    }

    /// Verifies a JSON object carrying its signature in a `signature` member: the signature
    /// covers every other member, whatever they are.
    pub fn verify_object(&self, object: &serde_json::Value) -> Result<PublicKey, VerifyError> {
        let (content, signature) = split_signature(object)?;
        self.verify(&content, &signature)
    }
}

/// Separates an object's `signature` member from the content it signs.
pub fn split_signature(
    object: &serde_json::Value,
) -> Result<(serde_json::Value, Signature), VerifyError> {
    let mut content = object.clone();
    let signature = content
        .as_object_mut()
        .and_then(|m| m.remove("signature"))
        .filter(|s| !s.is_null())
        .ok_or(VerifyError::Unsigned)?;
    let signature: Signature =
        serde_json::from_value(signature).map_err(|_| VerifyError::MalformedSignature)?;
    Ok((content, signature))
}
