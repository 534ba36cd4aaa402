//! The signature block attached to every signed object.

use serde::{Deserialize, Serialize};

/// `{"alg": "ed25519", "key_id": "ed25519:…", "sig": "BASE64"}`: an Ed25519 signature over
/// the RFC 8785 canonical JSON of the object it is attached to, without this member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Always `ed25519`.
    pub alg: String,
    /// The signing key's id (`gavel keys id`).
    pub key_id: String,
    /// The 64-byte signature, standard base64.
    pub sig: String,
}

/// The only algorithm gavel signs with.
pub const ALG: &str = "ed25519";
