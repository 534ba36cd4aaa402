//! The public face of a compiled policy.

use std::path::Path;
use std::sync::Arc;

use super::Compiled;
use crate::check::check;
use crate::checked::CheckedPolicy;
use crate::diagnostic::{Diagnostic, render_human};
use crate::eval::{Context, Decision};
use crate::load::load_policy_dir;
use crate::request::{PreparedRequest, Request, RequestFacts};
use crate::source::SourceSet;

/// A compiled policy: immutable, cheap to clone, safe to share between threads.
///
/// ```
/// use gavel::{Context, Policy, Request};
///
/// let policy = Policy::from_str(r#"
///     policy "docs-only"
///     paths docs ["docs/**"]
///     rule docs { when all files in docs then auto_approve }
/// "#).unwrap();
/// let request = Request::from_json(br#"{
///     "action": "apply_patch",
///     "actor": {"id": "agent-7", "kind": "agent"},
///     "files": [{"path": "docs/intro.md", "added": 12}]
/// }"#).unwrap();
/// let now = "2026-01-01T00:00:00Z".parse().unwrap();
/// let decision = policy.decide(&request, &Context::at(now));
/// assert_eq!(decision.outcome.as_str(), "auto_approve");
/// ```
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) inner: Arc<Compiled>,
}

/// A policy that failed to load: every diagnostic, with the sources to render them.
#[derive(Debug, Clone)]
pub struct PolicyError {
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The files they point into.
    pub sources: SourceSet,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(render_human(&self.sources, &self.diagnostics).trim_end())
    }
}

impl std::error::Error for PolicyError {}

impl PolicyError {
    /// The one-line reason when the directory itself could not be used (missing, not a
    /// directory, empty, a collection of policies): there is no source to point a caret
    /// into, so a command says it in one line. `None` for problems inside the files.
    pub fn layout_problem(&self) -> Option<&str> {
        match self.diagnostics.as_slice() {
            [only] if self.sources.is_empty() => Some(only.message.as_str()),
            _ => None,
        }
    }

    /// The diagnostics as `gavel check --format json` gives them (`gavel test --format
    /// json` reports a policy that does not compile with them).
    pub(crate) fn to_json(&self) -> Vec<crate::diagnostic::JsonDiagnostic> {
        crate::diagnostic::to_json(&self.sources, &self.diagnostics)
    }
}

impl Policy {
    /// Loads the `.gavel` files of a directory. A directory that does not exist, or holds
    /// policy directories rather than `.gavel` files, is one diagnostic saying so.
    ///
    /// ```
    /// use gavel::Policy;
    ///
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/autopack");
    /// let policy = Policy::load(dir).unwrap();
    /// assert_eq!(policy.name(), "autopack");
    ///
    /// // A directory of policies is not one policy: the error says which to load.
    /// let error = Policy::load(concat!(env!("CARGO_MANIFEST_DIR"), "/policies")).unwrap_err();
    /// assert!(error.layout_problem().unwrap().contains("autopack"));
    /// ```
    pub fn load(dir: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        if let Some((code, message)) =
            crate::load::policy_dir_problem(dir.as_ref(), "load one of them, e.g.")
        {
            return Err(PolicyError {
                diagnostics: vec![Diagnostic::for_file(
                    code,
                    dir.as_ref().display().to_string(),
                    message,
                )],
                sources: SourceSet::new(),
            });
        }
        let (sources, diagnostics) = load_policy_dir(dir.as_ref());
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(PolicyError {
                diagnostics,
                sources,
            });
        }
        Self::from_source_set(sources)
    }

    /// Compiles a policy from `(file name, text)` pairs; files are ordered by name.
    ///
    /// ```
    /// use gavel::Policy;
    ///
    /// let policy = Policy::from_sources([
    ///     ("main.gavel", "policy \"p\"\npaths docs [\"docs/**\"]\ndefault block \"no\"\n"),
    ///     ("docs.gavel", "rule docs { when all files in docs then auto_approve }\n"),
    /// ])
    /// .unwrap();
    /// assert_eq!(policy.checked().rules.len(), 1);
    ///
    /// // Errors carry file, line and column, and render with a caret.
    /// let error = Policy::from_sources([("main.gavel", "policy \"p\"\nrule r { when x }\n")])
    ///     .unwrap_err();
    /// assert!(error.to_string().contains("main.gavel:2:"));
    /// ```
    pub fn from_sources<N, T>(
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Policy, PolicyError>
    where
        N: Into<String>,
        T: Into<String>,
    {
        let mut files: Vec<(String, String)> = files
            .into_iter()
            .map(|(n, t)| (n.into(), t.into()))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sources = SourceSet::new();
        for (name, text) in files {
            sources.add(name, text);
        }
        Self::from_source_set(sources)
    }

    /// Compiles a single-file policy.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str) -> Result<Policy, PolicyError> {
        Self::from_sources([("policy.gavel", text)])
    }

    /// Compiles already loaded sources.
    pub fn from_source_set(sources: SourceSet) -> Result<Policy, PolicyError> {
        let result = check(&sources);
        match result.policy {
            Some(checked) => Self::from_checked(checked).map_err(|e| PolicyError {
                diagnostics: vec![Diagnostic::for_file(
                    crate::diagnostic::Code::TooLarge,
                    "(policy)",
                    e.to_string(),
                )],
                sources,
            }),
            None => Err(PolicyError {
                diagnostics: result.diagnostics,
                sources,
            }),
        }
    }

    /// Compiles a checked policy.
    ///
    /// Not public: a `CheckedPolicy`'s fields are, and one edited after checking would keep
    /// the spec hash of the text it was checked from, so decisions and approvals would name
    /// a policy other than the one deciding (found by QA). A policy is built from its text
    /// ([`Policy::load`], [`Policy::from_sources`], [`Policy::from_str`]), whose hash it
    /// then carries.
    pub(crate) fn from_checked(checked: CheckedPolicy) -> Result<Policy, super::CompileError> {
        Ok(Policy {
            inner: Arc::new(Compiled::new(checked)?),
        })
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.inner.checked.name
    }

    /// The spec hash as lowercase hex.
    pub fn spec_hash(&self) -> &str {
        &self.inner.id_prefix.policy().spec_hash
    }

    /// The checked policy (rules, sets, gates...).
    ///
    /// To read: an edited copy cannot be compiled into a `Policy` (it would keep the spec
    /// hash of the text it was checked from):
    ///
    /// ```compile_fail
    /// let policy = gavel::Policy::from_str("policy \"p\"\ndefault block \"no\"\n").unwrap();
    /// let mut edited = policy.checked().clone();
    /// edited.rules.clear();
    /// let _ = gavel::Policy::from_checked(edited);
    /// ```
    pub fn checked(&self) -> &CheckedPolicy {
        &self.inner.checked
    }

    /// Decides a request. Pure: no I/O, no clock; errors become `block` decisions.
    ///
    /// This prepares the request on the way (its digest, its normalized files); to decide
    /// one request more than once, prepare it once and use [`Policy::decide_prepared`].
    ///
    /// ```
    /// use gavel::{Context, DecisionOutcome, Policy, Request};
    ///
    /// let policy = Policy::from_str(
    ///     "policy \"p\"\nroles lead\npaths docs [\"docs/**\"]\n\
    ///      default require 1 approval from lead within 1h\n\
    ///      rule docs { when all files in docs then auto_approve }\n",
    /// )
    /// .unwrap();
    /// let context = Context::at("2026-03-01T12:00:00Z".parse().unwrap());
    /// let request = |path: &str| {
    ///     Request::from_json(format!(
    ///         r#"{{"action": "apply_patch", "actor": {{"id": "agent-7", "kind": "agent"}},
    ///             "files": [{{"path": "{path}", "added": 3}}]}}"#
    ///     ).as_bytes())
    ///     .unwrap()
    /// };
    /// let docs = policy.decide(&request("docs/a.md"), &context);
    /// assert_eq!(docs.outcome, DecisionOutcome::AutoApprove);
    /// assert!(docs.authorizes);
    ///
    /// let code = policy.decide(&request("src/main.rs"), &context);
    /// assert_eq!(code.outcome, DecisionOutcome::RequireApproval);
    /// assert_eq!(code.summary, "needs 1 more approval from lead by 2026-03-01 13:00 UTC (`default`)");
    ///
    /// // A request that does not fit the policy is a block naming the field, never an allow.
    /// let bad = policy.decide(&request("docs/../src/main.rs"), &context);
    /// assert_eq!(bad.outcome, DecisionOutcome::Block);
    /// assert_eq!(bad.input_error.unwrap().field.as_deref(), Some("files[0].path"));
    /// ```
    pub fn decide(&self, request: &Request, context: &Context) -> Decision {
        self.decide_with_facts(request, &RequestFacts::of(request), context, false)
    }

    /// Decides a request and explains every rule that did not fire.
    pub fn decide_explained(&self, request: &Request, context: &Context) -> Decision {
        self.decide_with_facts(request, &RequestFacts::of(request), context, true)
    }

    /// Decides `request`, whose request-only facts (`RequestFacts::of(request)`) the caller
    /// already has.
    pub(crate) fn decide_with_facts(
        &self,
        request: &Request,
        facts: &RequestFacts<'_>,
        context: &Context,
        explain: bool,
    ) -> Decision {
        crate::eval::decide_compiled(&self.inner, request, facts, context, explain)
    }

    /// Decides a prepared request: the same decision, byte for byte, as [`Policy::decide`]
    /// on its request, without computing the request's digest and normalizing its files
    /// again.
    pub fn decide_prepared(&self, request: &PreparedRequest, context: &Context) -> Decision {
        self.decide_with_facts(request.request(), request.facts(), context, false)
    }

    /// [`Policy::decide_explained`] for a prepared request.
    pub fn decide_prepared_explained(
        &self,
        request: &PreparedRequest,
        context: &Context,
    ) -> Decision {
        self.decide_with_facts(request.request(), request.facts(), context, true)
    }
}
