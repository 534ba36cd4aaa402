//! The facts a request provides, by the names policies use for them.

use super::types::{Domain, ScalarType, Type};

/// A request-level fact.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    /// `action`
    Action,
    /// `environment`
    Environment,
    /// `from_environment` (promotions)
    FromEnvironment,
    /// `mode` (`execute` or `dry_run`)
    Mode,
    /// `actor.id`
    ActorId,
    /// `actor.kind` (also tested with `actor is KIND`)
    ActorKind,
    /// `actor.roles`
    ActorRoles,
    /// `files.count`
    FilesCount,
    /// `lines.added`
    LinesAdded,
    /// `lines.removed`
    LinesRemoved,
    /// `lines.changed` = added + removed
    LinesChanged,
    /// `lines.net` = added − removed
    LinesNet,
    /// `directories.count`: distinct parent directories (files at the root don't count)
    DirectoriesCount,
    /// `change.kind`
    ChangeKind,
    /// `change.version`
    ChangeVersion,
    /// `risk` (the score)
    Risk,
    /// `risk.level`
    RiskLevel,
    /// `usage.NAME`: a usage counter the request supplies
    Usage(String),
    /// `license.tier`
    LicenseTier,
}

impl Fact {
    /// Resolves a dotted name (without `attr.`) to a fact.
    pub fn from_path(path: &[&str]) -> Option<Fact> {
        Some(match path {
            ["action"] => Fact::Action,
            ["environment"] => Fact::Environment,
            ["from_environment"] => Fact::FromEnvironment,
            ["mode"] => Fact::Mode,
            ["actor", "id"] => Fact::ActorId,
            ["actor", "kind"] => Fact::ActorKind,
            ["actor", "roles"] => Fact::ActorRoles,
            ["files", "count"] => Fact::FilesCount,
            ["lines", "added"] => Fact::LinesAdded,
            ["lines", "removed"] => Fact::LinesRemoved,
            ["lines", "changed"] => Fact::LinesChanged,
            ["lines", "net"] => Fact::LinesNet,
            ["directories", "count"] => Fact::DirectoriesCount,
            ["change", "kind"] => Fact::ChangeKind,
            ["change", "version"] => Fact::ChangeVersion,
            ["risk"] => Fact::Risk,
            ["risk", "level"] => Fact::RiskLevel,
            ["usage", name] => Fact::Usage((*name).to_string()),
            ["license", "tier"] => Fact::LicenseTier,
            _ => return None,
        })
    }

    /// Every fact name, for suggestions and documentation.
    pub const NAMES: &'static [&'static str] = &[
        "action",
        "environment",
        "from_environment",
        "mode",
        "actor.id",
        "actor.kind",
        "actor.roles",
        "files.count",
        "lines.added",
        "lines.removed",
        "lines.changed",
        "lines.net",
        "directories.count",
        "change.kind",
        "change.version",
        "risk",
        "risk.level",
        "usage.NAME",
        "license.tier",
    ];

    /// The fact's type.
    pub fn ty(&self) -> Type {
        match self {
            Fact::Action => Type::Symbol(Domain::Action),
            Fact::Environment | Fact::FromEnvironment => Type::Symbol(Domain::Environment),
            Fact::Mode => Type::Symbol(Domain::Mode),
            Fact::ActorId => Type::String,
            Fact::ActorKind => Type::Symbol(Domain::ActorKind),
            Fact::ActorRoles => Type::List(ScalarType::String),
            Fact::FilesCount
            | Fact::LinesAdded
            | Fact::LinesRemoved
            | Fact::LinesChanged
            | Fact::LinesNet
            | Fact::DirectoriesCount
            | Fact::Risk
            | Fact::Usage(_) => Type::Number,
            Fact::ChangeKind => Type::Symbol(Domain::ChangeKind),
            Fact::ChangeVersion => Type::Symbol(Domain::Version),
            Fact::RiskLevel => Type::Symbol(Domain::Level),
            Fact::LicenseTier => Type::Symbol(Domain::Tier),
        }
    }

    /// The fact's name as policies write it.
    pub fn name(&self) -> String {
        match self {
            Fact::Action => "action".into(),
            Fact::Environment => "environment".into(),
            Fact::FromEnvironment => "from_environment".into(),
            Fact::Mode => "mode".into(),
            Fact::ActorId => "actor.id".into(),
            Fact::ActorKind => "actor.kind".into(),
            Fact::ActorRoles => "actor.roles".into(),
            Fact::FilesCount => "files.count".into(),
            Fact::LinesAdded => "lines.added".into(),
            Fact::LinesRemoved => "lines.removed".into(),
            Fact::LinesChanged => "lines.changed".into(),
            Fact::LinesNet => "lines.net".into(),
            Fact::DirectoriesCount => "directories.count".into(),
            Fact::ChangeKind => "change.kind".into(),
            Fact::ChangeVersion => "change.version".into(),
            Fact::Risk => "risk".into(),
            Fact::RiskLevel => "risk.level".into(),
            Fact::Usage(n) => format!("usage.{n}"),
            Fact::LicenseTier => "license.tier".into(),
        }
    }

    /// Facts a request may leave out. A policy that reads one makes it required: a rule must
    /// never silently not fire because the request omitted what it tests (fail closed).
    pub fn is_optional(&self) -> bool {
        matches!(
            self,
            Fact::FromEnvironment
                | Fact::ChangeKind
                | Fact::ChangeVersion
                | Fact::Usage(_)
                | Fact::LicenseTier
        )
    }
}

/// A fact about one file, available inside `where`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileFact {
    /// `path`
    Path,
    /// `added`
    Added,
    /// `removed`
    Removed,
    /// `changed` = added + removed
    Changed,
    /// `status`
    Status,
}

impl FileFact {
    /// Resolves a bare name to a per-file fact.
    pub fn from_name(name: &str) -> Option<FileFact> {
        Some(match name {
            "path" => FileFact::Path,
            "added" => FileFact::Added,
            "removed" => FileFact::Removed,
            "changed" => FileFact::Changed,
            "status" => FileFact::Status,
            _ => return None,
        })
    }

    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            FileFact::Path => "path",
            FileFact::Added => "added",
            FileFact::Removed => "removed",
            FileFact::Changed => "changed",
            FileFact::Status => "status",
        }
    }

    /// The fact's type.
    pub fn ty(self) -> Type {
        match self {
            FileFact::Path => Type::String,
            FileFact::Added | FileFact::Removed | FileFact::Changed => Type::Number,
            FileFact::Status => Type::Symbol(Domain::Status),
        }
    }
}
