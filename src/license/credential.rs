//! License credentials (seeds/000): a tier, an organization and an expiry, signed by the
//! license authority whose key the policy declares (`license authority key "..."`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::compile::Policy;
use crate::eval::LicenseVerdict;
use crate::keys::PublicKey;
use crate::sign::{Signature, Signer, Verifier, VerifyError};

/// The `type` of license credentials.
pub const LICENSE_TYPE: &str = "gavel.license.v1";

/// A signed license.
///
/// ```
/// use gavel::keys::PrivateKey;
/// use gavel::license::License;
/// use gavel::sign::Signer;
/// use gavel::Policy;
///
/// let vendor = PrivateKey::generate().unwrap();
/// let policy = Policy::from_str(&format!(r#"
///     policy "p"
///     license authority key "{}"
///     license starter {{ features code_protection }}
///     default auto_approve
/// "#, vendor.public_key())).unwrap();
/// let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
/// let later: jiff::Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
/// let license = License::issue("starter", "acme", now, later, &Signer::new(vendor)).unwrap();
/// assert!(license.verify(&policy, now).is_ok());
/// assert_eq!(license.verify(&policy, "2027-06-01T00:00:00Z".parse().unwrap()).unwrap_err().kind(), "expired");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// Always `gavel.license.v1`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The tier (declared in the policy with `license TIER { ... }`).
    pub tier: String,
    /// The licensed organization.
    pub org: String,
    /// When it was issued.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub issued_at: Timestamp,
    /// When it expires.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub expires_at: Timestamp,
    /// The authority's signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// The members as read ([`crate::canonical::AsRead`]): what the signature is checked
    /// over.
    #[serde(skip)]
    pub(crate) received: crate::canonical::AsRead,
}

/// Why a license does not verify; each its own kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    /// Not a license gavel can read.
    #[error("malformed license: {0}")]
    Malformed(String),
    /// Signed by a key the policy does not declare as a license authority.
    #[error(
        "unknown key: the license is signed by `{0}`, which is not a license authority of this policy"
    )]
    UnknownKey(String),
    /// The signature does not match.
    #[error("invalid signature: {0}")]
    InvalidSignature(String),
    /// Past its expiry.
    #[error("expired: the license expired at {0}")]
    Expired(Timestamp),
    /// The tier is not declared in the policy.
    #[error("unknown tier: `{0}` is not a license tier of this policy")]
    UnknownTier(String),
}

impl LicenseError {
    /// The machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            LicenseError::Malformed(_) => "malformed",
            LicenseError::UnknownKey(_) => "unknown_key",
            LicenseError::InvalidSignature(_) => "invalid_signature",
            LicenseError::Expired(_) => "expired",
            LicenseError::UnknownTier(_) => "unknown_tier",
        }
    }
}

impl License {
    /// Issues (signs) a license.
    pub fn issue(
        tier: &str,
        org: &str,
        issued_at: Timestamp,
        expires_at: Timestamp,
        signer: &Signer,
    ) -> Result<License, LicenseError> {
        // A tier or organization that shows nothing, or holds a character that shows as
        // something else, signs a license nobody can read for what it says.
        for (what, value) in [("tier", tier), ("organization", org)] {
            if crate::quote::says_nothing(value) {
                return Err(LicenseError::Malformed(format!("the {what} is empty")));
            }
            if let Some(hidden) = value.chars().find_map(crate::quote::hidden) {
                return Err(LicenseError::Malformed(format!(
                    "the {what} {} holds {hidden}",
                    crate::quote::quote(value)
                )));
            }
        }
        let mut license = License {
            kind: LICENSE_TYPE.to_string(),
            tier: tier.to_string(),
            org: org.to_string(),
            issued_at,
            expires_at,
            signature: None,
            received: crate::canonical::AsRead::default(),
        };
        let signature = signer
            .sign(&license)
            .map_err(|e| LicenseError::Malformed(e.to_string()))?;
        license.signature = Some(signature);
        Ok(license)
    }

    /// Reads a license from JSON.
    pub fn from_json(bytes: &[u8]) -> Result<License, LicenseError> {
        if bytes.len() > crate::limits::MAX_CREDENTIAL_BYTES {
            return Err(LicenseError::Malformed(format!(
                "{} bytes, more than the limit of {}",
                bytes.len(),
                crate::limits::MAX_CREDENTIAL_BYTES
            )));
        }
        crate::canonical::expect_object(bytes).map_err(LicenseError::Malformed)?;
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mut license: License = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| LicenseError::Malformed(crate::quote::at_path(e.path(), e.inner())))?;
        de.end()
            .map_err(|e| LicenseError::Malformed(format!("trailing data: {e}")))?;
        let members: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| LicenseError::Malformed(e.to_string()))?;
        license.received = crate::canonical::AsRead::of(&members);
        if license.kind != LICENSE_TYPE {
            return Err(LicenseError::Malformed(format!(
                "`type` is `{}`, expected `{LICENSE_TYPE}`",
                license.kind
            )));
        }
        Ok(license)
    }

    /// Verifies the license for `policy` at `now`: signature by a declared authority, not
    /// expired, a declared tier.
    pub fn verify(&self, policy: &Policy, now: Timestamp) -> Result<(), LicenseError> {
        let authorities: Vec<PublicKey> = policy
            .checked()
            .license_authorities
            .iter()
            .filter_map(|k| PublicKey::parse(k).ok())
            .collect();
        let signature = self
            .signature
            .clone()
            .ok_or_else(|| LicenseError::InvalidSignature("the license is not signed".into()))?;
        let mut content = self.clone();
        content.signature = None;
        let content = self
            .received
            .signed_bytes(&content)
            .map_err(|e| LicenseError::Malformed(e.to_string()))?;
        Verifier::new(authorities)
            .verify_bytes(&content, &signature)
            .map_err(|e| match e {
                VerifyError::UnknownKey(id) => LicenseError::UnknownKey(id),
                other => LicenseError::InvalidSignature(other.to_string()),
            })?;
        // Expired from `expires_at` on, like approvals and overrides.
        if self.expires_at <= now {
            return Err(LicenseError::Expired(self.expires_at));
        }
        if !policy
            .checked()
            .licenses
            .iter()
            .any(|t| t.name == self.tier)
        {
            return Err(LicenseError::UnknownTier(self.tier.clone()));
        }
        Ok(())
    }

    /// The verdict to put in the decision context.
    pub fn verdict(&self, policy: &Policy, now: Timestamp) -> LicenseVerdict {
        match self.verify(policy, now) {
            Ok(()) => LicenseVerdict::Valid {
                tier: self.tier.clone(),
                org: self.org.clone(),
                expires_at: self.expires_at,
            },
            Err(e) => LicenseVerdict::Invalid {
                reason: e.to_string(),
            },
        }
    }
}
