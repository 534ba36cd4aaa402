//! gavel: policy-as-code for software-change governance.
//!
//! Teams keep governance policy files (`*.gavel`) in their repository. gavel compiles them
//! into an immutable [`Policy`] that decides, for any proposed change or deployment, whether
//! it is auto-approved, needs a notice, needs human approvals, or is blocked — and returns the
//! decision signed, with a tamper-evident audit record.
//!
//! The data flow is one way: text → [`ast`] (spans kept) → checked → compiled policy →
//! decision → signature → audit log.

#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod approve;
pub mod ast;
pub mod audit;
pub(crate) mod bounded_read;
pub mod canonical;
pub mod check;
pub mod checked;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod fmt;
pub mod gitdiff;
pub mod glob;
pub mod keys;
pub mod license;
pub mod limits;
pub mod load;
pub mod number;
mod person;
pub mod quote;
pub mod request;
pub mod shared_str;
pub mod sign;
pub mod source;
mod stack;
pub mod syntax;
pub mod testing;
mod timestamp_text;

pub use compile::{Policy, PolicyError};
pub use eval::{Context, Decision, DecisionId, DecisionOutcome};
pub use request::{PreparedRequest, Request};
pub use shared_str::SharedStr;
