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
/// decision lists them). The approval window starts at the request's `requested_at`, else
/// at the earliest `requested_at` the credentials carry (the time of the decision their
/// approvers reviewed).
pub fn apply_credentials(
    policy: &Policy,
    request: &Request,
    credentials: &[Approval],
    context: &mut Context,
) {
    let digest = request_digest(request);
    for credential in credentials {
        match credential.verify(policy, &digest, request.environment.as_deref(), context.now) {
            Ok(verified) => context.approvals.push(verified),
            Err(rejection) => context
                .rejected_credentials
                .push(credential.ignored(&rejection)),
        }
    }
    if context.requested_at.is_none() && request.requested_at.is_none() {
        context.requested_at = credentials
            .iter()
            .filter(|c| c.request_digest == digest)
            .map(|c| c.requested_at)
            .min();
    }
}
