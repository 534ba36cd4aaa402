//! Diagnostics: what is wrong with a policy, and where.

mod code;
#[allow(clippy::module_inception)]
mod diagnostic;
mod render;
mod suggest;

pub use code::{Code, Severity};
pub use diagnostic::{Diagnostic, Label};
pub(crate) use render::visible;
pub use render::{JsonDiagnostic, JsonLocation, render_human, to_json};
pub use suggest::did_you_mean;
