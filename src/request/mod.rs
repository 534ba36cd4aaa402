//! Requests: what is proposed, read from JSON or YAML and normalized.

pub(crate) mod count;
mod digest;
mod normalize;
mod number;
mod parse;
mod prepared;
#[allow(clippy::module_inception)]
mod request;
mod shape;
mod unique_map;
mod yaml_node;

pub(crate) use digest::request_digest_bytes;
pub use digest::{canonical_json, request_digest};
pub use normalize::normalize_path;
pub(crate) use number::{number_text, request_decimal};
pub use parse::RequestError;
pub use parse::yaml_value;
pub use prepared::PreparedRequest;
pub(crate) use prepared::{CheckedFiles, FileFacts, RequestFacts};
pub use request::{Actor, ActorKind, Change, FileChange, FileStatus, LicenseClaim, Mode, Request};
pub use unique_map::UniqueMap;
