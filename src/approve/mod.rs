//! Approval credentials: signed approvals and rejections, and their verification.

mod credential;
mod rejection;

pub use credential::{APPROVAL_TYPE, Approval, ApprovalError};
pub use rejection::{Rejection, RejectionKind};

use crate::compile::Policy;
use crate::eval::Context;
use crate::request::{Request, request_digest};

/// Verifies credentials for `request` and puts them into `context`: the verified ones into
/// `approvals`, the others into `rejected_credentials` (each with its reason, so the
/// decision lists them). Unless `context` or the request already says when the approval
/// window starts, it starts at the earliest `requested_at` the verified credentials carry
/// (the time of the decision their approvers reviewed, signed with the rest). A credential
/// that does not verify moves nothing: anyone can write one, and an early `requested_at` in
/// it would expire the request, a late one stretch its window.
pub fn apply_credentials(
    policy: &Policy,
    request: &Request,
    credentials: &[Approval],
    context: &mut Context,
) {
    let digest = request_digest(request);
    let mut window_start: Option<jiff::Timestamp> = None;
    for credential in credentials {
        match credential.verify(policy, &digest, request.environment.as_deref(), context.now) {
            Ok(verified) => {
                // The requester's own credential never counts (no self-approval), and it
                // places nothing either: dated early, it would push an eligible veto out of
                // the window or expire the request.
                if !crate::person::same_person(&credential.approver, &request.actor.id) {
                    window_start = Some(
                        window_start
                            .map_or(credential.requested_at, |t| t.min(credential.requested_at)),
                    );
                }
                context.approvals.push(verified);
            }
            Err(rejection) => context
                .rejected_credentials
                .push(credential.ignored(&rejection)),
        }
    }
    if context.requested_at.is_none() && request.requested_at.is_none() {
        context.requested_at = window_start;
    }
}
