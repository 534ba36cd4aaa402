//! Licenses: tiers gating environments, features and usage, as signed credentials.

mod credential;

pub use credential::{LICENSE_TYPE, License, LicenseError};
