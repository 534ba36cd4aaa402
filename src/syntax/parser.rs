//! The pest parser generated from `grammar/gavel.pest`. Pest types stay inside `syntax/`.

#![allow(missing_docs)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/gavel.pest"]
pub(crate) struct GavelParser;
