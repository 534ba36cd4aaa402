//! The request: what someone (a person, an AI agent, a deploy bot) proposes to do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::shape::{self, Mapping, Named};
use super::unique_map::UniqueMap;

/// A proposed change or deployment, as JSON or YAML. Unknown fields are rejected: a typo in a
/// field name must never silently drop a fact a rule depends on.
///
/// ```
/// use gavel::Request;
///
/// let yaml = b"action: apply_patch\nactor: {id: agent-7, kind: agent}\nenvironment: dev\n\
///              files:\n  - {path: ./docs/a.md, added: 3, removed: 1}\n";
/// let request = Request::from_bytes(yaml).unwrap(); // JSON or YAML, told apart by content
/// assert_eq!(request.files[0].added, 3);
///
/// // One clear error per problem, naming the field.
/// let error = Request::from_json(br#"{"action": "apply_patch", "actr": {}}"#).unwrap_err();
/// assert_eq!(error.field.as_deref(), Some("actr"));
///
/// // Built in code: `minimal` and the public fields; `decide` holds it to the same rules.
/// let mut request = Request::minimal("deploy", "ci-bot", gavel::request::ActorKind::Service);
/// request.environment = Some("prod".into());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// `apply_patch`, `deploy`, `promote`, `replay`, `rollback`, or a declared custom action.
    pub action: String,
    /// Target environment (required when the policy declares environments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Source environment of a `promote`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_environment: Option<String>,
    /// Who asks.
    #[serde(deserialize_with = "shape::mapping")]
    pub actor: Actor,
    /// Changed files.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "shape::files"
    )]
    pub files: Vec<FileChange>,
    /// What kind of change, and how big a version bump.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "shape::optional_mapping"
    )]
    pub change: Option<Change>,
    /// `execute` (default) or `dry_run`. A dry-run decision never authorizes anything.
    #[serde(default, skip_serializing_if = "Mode::is_execute")]
    pub mode: Mode,
    /// Values of the policy's declared attributes.
    #[serde(
        default,
        skip_serializing_if = "UniqueMap::is_empty",
        deserialize_with = "shape::attributes"
    )]
    pub attributes: UniqueMap<serde_json::Value>,
    /// Usage counters so far (`projects_per_month: 3`), for license limits and rules.
    #[serde(
        default,
        skip_serializing_if = "UniqueMap::is_empty",
        deserialize_with = "super::count::usage_counts"
    )]
    pub usage: UniqueMap<u64>,
    /// Licensed features this request uses.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "shape::strings"
    )]
    pub features: Vec<String>,
    /// The license tier it claims (see [`LicenseClaim`]: a claim, not a tier in force).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "shape::optional_mapping"
    )]
    pub license: Option<LicenseClaim>,
    /// When the change was proposed; approval windows count from here.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "shape::timestamp"
    )]
    pub requested_at: Option<jiff::Timestamp>,
    /// The caller's own reference (a run id, a ticket, a pull request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Why: the justification recorded with the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Who asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Identity (an email, an agent id).
    pub id: String,
    /// `human`, `agent` or `service`.
    pub kind: ActorKind,
    /// Roles the actor holds.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "shape::strings"
    )]
    pub roles: Vec<String>,
}

/// What kind of actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A person.
    Human,
    /// An AI agent.
    Agent,
    /// A service account or bot.
    Service,
}

impl ActorKind {
    /// The kind as policies write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Human => "human",
            ActorKind::Agent => "agent",
            ActorKind::Service => "service",
        }
    }
}

/// One changed file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileChange {
    /// Repository-relative path (normalized before matching; see `docs/language.md`).
    pub path: String,
    /// Lines added.
    #[serde(default, deserialize_with = "super::count::line_count")]
    pub added: u64,
    /// Lines removed.
    #[serde(default, deserialize_with = "super::count::line_count")]
    pub removed: u64,
    /// `added`, `modified` (default), `deleted` or `renamed`.
    #[serde(default)]
    pub status: FileStatus,
    /// For a rename: the old path. Both paths are judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// A file's status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// A new file.
    Added,
    /// A changed file.
    #[default]
    Modified,
    /// A removed file.
    Deleted,
    /// A moved file.
    Renamed,
}

impl FileStatus {
    /// The status as policies write it.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Modified => "modified",
            FileStatus::Deleted => "deleted",
            FileStatus::Renamed => "renamed",
        }
    }
}

/// Classification of the change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// `code`, `security`, `infrastructure`, ... or a declared kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `patch`, `minor` or `major`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Execute or dry run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Really do it.
    #[default]
    Execute,
    /// Only see what would be decided.
    DryRun,
}

impl Mode {
    /// The mode as policies write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Execute => "execute",
            Mode::DryRun => "dry_run",
        }
    }

    fn is_execute(&self) -> bool {
        *self == Mode::Execute
    }
}

/// The license tier a request says it runs under. Only a claim: the tier in force comes from
/// a license the caller verified (`Context::license`, `gavel eval --license`); without one a
/// stated tier is an input error, and with one it must match (see `docs/trust.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseClaim {
    /// Tier name.
    pub tier: String,
    /// Licensed organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

impl Request {
    /// A request with only an action and an actor; every other field empty or default.
    pub fn minimal(
        action: impl Into<String>,
        actor_id: impl Into<String>,
        kind: ActorKind,
    ) -> Request {
        Request {
            action: action.into(),
            environment: None,
            from_environment: None,
            actor: Actor {
                id: actor_id.into(),
                kind,
                roles: Vec::new(),
            },
            files: Vec::new(),
            change: None,
            mode: Mode::Execute,
            attributes: UniqueMap::default(),
            usage: UniqueMap::default(),
            features: Vec::new(),
            license: None,
            requested_at: None,
            reference: None,
            reason: None,
        }
    }

    /// Attributes as an ordered map (for iteration in a fixed order).
    pub fn attribute_map(&self) -> &BTreeMap<String, serde_json::Value> {
        self.attributes.as_map()
    }
}

impl Mapping for Actor {
    const EXPECTED: &'static str = "an actor: a mapping with `id` and `kind` (and `roles`)";
}

impl Mapping for FileChange {
    const EXPECTED: &'static str =
        "a file: a mapping with `path` (and `added`, `removed`, `status`, `from`)";
}

impl Mapping for Change {
    const EXPECTED: &'static str = "a mapping with `kind` and `version`";
}

impl Mapping for LicenseClaim {
    const EXPECTED: &'static str = "a license claim: a mapping with `tier` (and `org`)";
}

impl Named for ActorKind {
    const WHAT: &'static str = "actor kind";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("human", ActorKind::Human),
        ("agent", ActorKind::Agent),
        ("service", ActorKind::Service),
    ];
}

impl Named for FileStatus {
    const WHAT: &'static str = "file status";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("added", FileStatus::Added),
        ("modified", FileStatus::Modified),
        ("deleted", FileStatus::Deleted),
        ("renamed", FileStatus::Renamed),
    ];
}

impl Named for Mode {
    const WHAT: &'static str = "mode";
    const NAMES: &'static [(&'static str, Self)] =
        &[("execute", Mode::Execute), ("dry_run", Mode::DryRun)];
}

/// The enums read from their names only (a request's, a test case's, a record's).
macro_rules! deserialize_named {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                shape::named(deserializer)
            }
        }
    )*};
}

deserialize_named!(ActorKind, FileStatus, Mode);
