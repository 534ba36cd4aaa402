//! Keys: Ed25519 public keys in policies, private key files, key ids.

mod private_key;
mod public_key;

pub use private_key::{PrivateKey, PrivateKeyError};
#[allow(unused_imports)]
pub(crate) use public_key::SshReader;
pub use public_key::{KeyError, PublicKey};
