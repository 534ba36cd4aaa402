//! Signing and verifying: decisions, approval credentials, licenses, audit records.
//!
//! Every signed object is JSON with a `signature` member; the signature is Ed25519 over
//! the RFC 8785 canonical JSON of the object without that member (see `docs/trust.md`).

mod signature;
mod signer;
mod verifier;

pub use signature::{ALG, Signature};
pub use signer::Signer;
pub use verifier::{Verifier, VerifyError, split_signature};
