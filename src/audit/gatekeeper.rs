//! [`Gatekeeper`]: decide, sign and record in one call, for services that embed gavel.

use jiff::Timestamp;

use super::error::AuditError;
use super::log::AuditLog;
use super::usage::{UsageCounter, fail_closed};
use super::writer::Receipt;
use crate::compile::Policy;
use crate::eval::{Context, Decision};
use crate::request::{PreparedRequest, Request, RequestFacts};
use crate::sign::Signer;

/// Decides requests with a policy, signs each decision with the service's key (so a deploy
/// step can check it with [`Decision::verify`]), records it in the audit log (the record
/// signed too), and fails closed: a decision that could not be recorded is returned as
/// `block`, naming the failure, and signed as such.
///
/// The halt in force, a break-glass override for the request and the usage counters come
/// from the log. Many threads may call [`Gatekeeper::decide`] at once; their records share
/// writes and fsyncs (group commit), and each call returns once its record is durable.
///
/// ```
/// use gavel::audit::{AuditKey, AuditLog, Gatekeeper, KeyRing};
/// use gavel::keys::PrivateKey;
/// use gavel::sign::Signer;
/// use gavel::{Policy, Request};
///
/// let policy = Policy::from_str(r#"
///     policy "docs-only"
///     paths docs ["docs/**"]
///     rule docs { when all files in docs then auto_approve }
/// "#).unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// let keys = KeyRing::new(AuditKey::generate().unwrap());
/// let log = AuditLog::open(dir.path().join("audit.jsonl"), keys).unwrap();
/// let gatekeeper = Gatekeeper::new(policy, Signer::new(PrivateKey::generate().unwrap()), log);
///
/// let request = Request::from_json(br#"{
///     "action": "apply_patch",
///     "actor": {"id": "agent-7", "kind": "agent"},
///     "files": [{"path": "docs/intro.md", "added": 12}]
/// }"#).unwrap();
/// let gated = gatekeeper.decide(&request);
/// assert!(gated.decision.authorizes);
/// assert!(gated.decision.signature.is_some()); // verifiable offline
/// assert_eq!(gated.receipt.unwrap().seq, 1); // recorded (seq 0 is the genesis record)
/// ```
#[derive(Debug)]
pub struct Gatekeeper {
    policy: Policy,
    signer: Signer,
    log: AuditLog,
    counters: Vec<UsageCounter>,
}

/// A decision and where it was recorded.
#[derive(Clone, Debug)]
pub struct Gated {
    /// The decision; `block` if it could not be recorded.
    pub decision: Decision,
    /// Where it is in the log (`None` when recording failed).
    pub receipt: Option<Receipt>,
    /// Why recording failed.
    pub error: Option<AuditError>,
}

impl Gatekeeper {
    /// A gatekeeper deciding with `policy`, signing records with `signer`, recording in
    /// `log`.
    pub fn new(policy: Policy, signer: Signer, log: AuditLog) -> Gatekeeper {
        let log = log.with_signer(signer.clone()).with_policy(&policy);
        Gatekeeper {
            policy,
            log,
            signer,
            counters: Vec::new(),
        }
    }

    /// Also fills a usage counter from the log into every decision's context.
    pub fn with_usage(mut self, counter: UsageCounter) -> Gatekeeper {
        self.counters.push(counter);
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The log.
    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    /// Decides `request` now.
    pub fn decide(&self, request: &Request) -> Gated {
        self.decide_with(request, Context::at(Timestamp::now()))
    }

    /// Decides `request` with `context` (its time, verified approvals, license...); the
    /// halt, the override and the usage counters are filled in from the log.
    pub fn decide_with(&self, request: &Request, context: Context) -> Gated {
        // Prepared here, borrowing the request: the log's state and the decision share one
        // digest, and the request is not copied.
        let facts = RequestFacts::of(request);
        self.gate(&facts.summary.digest, context, |ctx| {
            self.policy.decide_with_facts(request, &facts, ctx, false)
        })
    }

    /// [`Gatekeeper::decide_with`] for a request prepared once ([`PreparedRequest`]): its
    /// digest, which both the log's state and the decision need, is not computed again.
    pub fn decide_prepared_with(&self, request: &PreparedRequest, context: Context) -> Gated {
        self.gate(request.digest(), context, |ctx| {
            self.policy.decide_prepared(request, ctx)
        })
    }

    /// Decides with `decide`, signs and records, for the request with digest
    /// `request_digest`.
    fn gate(
        &self,
        request_digest: &str,
        context: Context,
        decide: impl Fn(&Context) -> Decision,
    ) -> Gated {
        // A counter that cannot fill the policy's limit blocks every decision, naming it.
        let mismatch = self
            .counters
            .iter()
            .find_map(|c| c.mismatch(self.policy.checked()));
        let mut gated = self
            .log
            .record_decided(request_digest, context, &self.counters, |ctx| {
                let mut decision = decide(ctx);
                if let Some(why) = &mismatch {
                    decision.force_block("usage counter", why);
                }
                self.signed(decision)
            });
        if gated.error.is_some() {
            // Turned into a block after it was signed: sign what is returned.
            gated.decision.signature = None;
            gated.decision = self.signed(gated.decision);
        }
        gated
    }

    /// `decision` signed; one that cannot be signed becomes a block naming why.
    fn signed(&self, mut decision: Decision) -> Decision {
        if let Err(e) = decision.sign(&self.signer) {
            decision.force_block("signing", &e.to_string());
        }
        decision
    }
}

/// How many times [`AuditLog::decide_and_record`] decides before it gives up with a block.
/// Each refusal means another decision changed the log's state: a halt or a used override
/// (deciding again then converges at once), or an authorized request a usage counter counts
/// — with many deciders racing on one counter, most attempts can meet one (found by QA:
/// with four attempts, 16 threads deciding projects far below their quota had 126 of 320
/// requests blocked). Every refusal is another decider's progress, so the attempts are many;
/// past them the caller is told, not kept waiting.
const ATTEMPTS: usize = 64;

impl AuditLog {
    /// Fills `context` from the log (halt, override, `counters`), decides with `decide`,
    /// appends the decision and returns it with its receipt — or, when it cannot be
    /// recorded, as a `block` naming why ([`fail_closed`]). When the append is refused
    /// because the log's state changed under the decision (a halt, a used override, a usage
    /// count that grew), it decides again with the new state, up to 64 times in all.
    ///
    /// This is what [`Gatekeeper`] does; callers with their own way of deciding (e.g.
    /// `Policy::decide_explained`) pass it as `decide`.
    pub fn decide_and_record(
        &self,
        request: &PreparedRequest,
        context: Context,
        counters: &[UsageCounter],
        decide: impl Fn(&Context) -> Decision,
    ) -> Gated {
        // A counter that cannot fill the policy's limit (`UsageCounter::mismatch`) blocks
        // every decision, naming it (unsigned: the block is made after `decide`); the log
        // knows the policy when given it (`with_policy`).
        let mismatch = self.with_state(|state| {
            let policy = state.signers.as_ref()?.policy();
            counters.iter().find_map(|c| c.mismatch(policy.checked()))
        });
        self.record_decided(request.digest(), context, counters, |ctx| {
            let mut decision = decide(ctx);
            if let Some(why) = &mismatch {
                decision.force_block("usage counter", why);
            }
            decision
        })
    }

    /// [`AuditLog::decide_and_record`] for the request with digest `request_digest`.
    fn record_decided(
        &self,
        request_digest: &str,
        context: Context,
        counters: &[UsageCounter],
        decide: impl Fn(&Context) -> Decision,
    ) -> Gated {
        let mut refused = None;
        for _ in 0..ATTEMPTS {
            let mut context = context.clone();
            let seen = self.fill_cached(&mut context, request_digest, counters);
            let decision = decide(&context);
            match self.append_decision_seen(&decision, seen) {
                Ok(receipt) => {
                    return Gated {
                        decision,
                        receipt: Some(receipt),
                        error: None,
                    };
                }
                Err(error @ AuditError::Refused(_)) => refused = Some((decision, error)),
                Err(error) => {
                    return Gated {
                        decision: fail_closed(decision, &error),
                        receipt: None,
                        error: Some(error),
                    };
                }
            }
        }
        let (decision, error) = refused.unwrap_or_else(|| {
            let error = AuditError::Refused("the decision could not be recorded".into());
            (decide(&context), error)
        });
        Gated {
            decision: fail_closed(decision, &error),
            receipt: None,
            error: Some(error),
        }
    }
}
