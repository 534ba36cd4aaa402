//! Integration tests: all in one binary (like `just`'s `tests/lib.rs`) so they build once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

mod api;
mod audit;

mod cli_check;
mod cli_eval;
mod cli_fmt;
mod cli_init;
mod examples;
mod fmt_roundtrip;
mod fmt_snapshots;
mod glob_semantics;
