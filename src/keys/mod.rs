//! Keys: Ed25519 public keys in policies, key ids.

mod public_key;

#[allow(unused_imports)]
pub(crate) use public_key::SshReader;
pub use public_key::{KeyError, PublicKey};
