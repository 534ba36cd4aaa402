//! Signing objects: canonical JSON bytes, then Ed25519.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer as _;
use serde::Serialize;

use super::signature::{ALG, Signature};
use crate::canonical::{CanonicalError, to_canonical_bytes};
use crate::keys::PrivateKey;

/// Signs with one private key.
///
/// ```
/// use gavel::keys::PrivateKey;
/// use gavel::sign::{Signer, Verifier};
///
/// let key = PrivateKey::generate().unwrap();
/// let signer = Signer::new(key.clone());
/// let message = serde_json::json!({"hello": "world"});
/// let signature = signer.sign(&message).unwrap();
/// let verifier = Verifier::new([key.public_key()]);
/// assert!(verifier.verify(&message, &signature).is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct Signer {
    key: PrivateKey,
    key_id: String,
}

impl Signer {
    /// A signer for `key`.
    pub fn new(key: PrivateKey) -> Self {
        let key_id = key.public_key().key_id();
        Signer { key, key_id }
    }

    /// The id of the signing key.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The signing key's public half.
    pub fn public_key(&self) -> crate::keys::PublicKey {
        self.key.public_key()
    }

    /// Signs raw bytes.
    pub fn sign_bytes(&self, bytes: &[u8]) -> Signature {
        let sig = self.key.signing_key().sign(bytes);
        Signature {
            alg: ALG.to_string(),
            key_id: self.key_id.clone(),
            sig: STANDARD.encode(sig.to_bytes()),
        }
    }

    /// Signs the canonical JSON of `value` (which must not contain its own signature).
    pub fn sign<T: Serialize + ?Sized>(&self, value: &T) -> Result<Signature, CanonicalError> {
        Ok(self.sign_bytes(&to_canonical_bytes(value)?))
    }
}
