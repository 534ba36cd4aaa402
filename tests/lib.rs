//! Integration tests: all in one binary (like `just`'s `tests/lib.rs`) so they build once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

mod cli_check;
mod cli_eval;
mod differential;
mod glob_semantics;
