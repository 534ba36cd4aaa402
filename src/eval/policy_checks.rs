//! Checks that block regardless of the rules: promotion order and license tiers.

use super::context::{Context, LicenseVerdict};
use super::decision::{LicenseReport, Promotion};
use super::validate::Facts;
use crate::checked::{CheckedPolicy, LicenseTier};
use crate::request::Request;

/// For a `promote`: whether it follows the declared order. Promoting to the next environment
/// is allowed; skipping one is not (the next one is named); promoting backwards is a
/// rollback, an ordinary request the rules judge.
pub(crate) fn promotion_check(policy: &CheckedPolicy, request: &Request) -> Option<Promotion> {
    if request.action != "promote" {
        return None;
    }
    let from = request.from_environment.as_deref()?;
    let to = request.environment.as_deref()?;
    let position = |name: &str| policy.environments.iter().position(|e| e == name);
    let (f, t) = (position(from)?, position(to)?);
    let (allowed, next) = if t == f + 1 || t < f {
        (true, None)
    } else if t == f {
        (false, None)
    } else {
        (false, policy.environments.get(f + 1).cloned())
    };
    Some(Promotion {
        from: from.to_string(),
        to: to.to_string(),
        allowed,
        next,
    })
}

/// Whether `tier` allows the request; the reason when it does not.
fn denial(tier: &LicenseTier, facts: &Facts<'_>) -> Option<String> {
    let request = facts.request;
    if let (Some(envs), Some(env)) = (&tier.environments, request.environment.as_deref())
        && !envs.iter().any(|e| e == env)
    {
        return Some(format!(
            "the `{}` license tier does not include environment `{env}`",
            tier.name
        ));
    }
    for feature in &request.features {
        if !tier.features.contains(feature) {
            return Some(format!(
                "the `{}` license tier does not include feature `{feature}`",
                tier.name
            ));
        }
    }
    for limit in &tier.limits {
        if !limit.applies_to(&request.action) {
            continue;
        }
        if let Some(used) = facts.usage(&limit.counter)
            && used >= limit.max
        {
            return Some(format!(
                "usage `{}` is {used}, {} the `{}` tier's limit of {}",
                limit.counter,
                if used == limit.max { "at" } else { "over" },
                tier.name,
                limit.max
            ));
        }
    }
    None
}

/// Gates the request by license tier, naming the lowest tier that would allow it.
pub(crate) fn license_check(
    policy: &CheckedPolicy,
    facts: &Facts<'_>,
    context: &Context,
) -> LicenseReport {
    let failure = match &context.license {
        Some(LicenseVerdict::Invalid { reason }) => Some(format!(
            "the license failed verification: {}",
            crate::quote::one_line(reason)
        )),
        Some(LicenseVerdict::Valid { expires_at, .. }) if *expires_at <= context.now => {
            Some(format!("the license expired at {expires_at}"))
        }
        _ => None,
    };
    if let Some(denial) = failure {
        return LicenseReport {
            tier: None,
            allowed: false,
            denial: Some(denial),
            required_tier: None,
        };
    }
    let Some(tier_name) = facts.license_tier else {
        return LicenseReport {
            tier: None,
            allowed: false,
            denial: Some(
                "this policy is licensed by tier and no verified license was given".into(),
            ),
            required_tier: policy
                .licenses
                .iter()
                .find(|t| denial(t, facts).is_none())
                .map(|t| t.name.clone()),
        };
    };
    let Some(tier) = policy.licenses.iter().find(|t| t.name == tier_name) else {
        return LicenseReport {
            tier: Some(tier_name.to_string()),
            allowed: false,
            denial: Some(format!("unknown license tier `{tier_name}`")),
            required_tier: None,
        };
    };
    match denial(tier, facts) {
        None => LicenseReport {
            tier: Some(tier_name.to_string()),
            allowed: true,
            denial: None,
            required_tier: None,
        },
        Some(reason) => {
            let better = policy
                .licenses
                .iter()
                .find(|t| t.name != tier.name && denial(t, facts).is_none());
            let denial = match better {
                Some(t) => format!("{reason}; the `{}` tier allows it", t.name),
                None => format!("{reason}; no license tier allows it"),
            };
            LicenseReport {
                tier: Some(tier_name.to_string()),
                allowed: false,
                denial: Some(denial),
                required_tier: better.map(|t| t.name.clone()),
            }
        }
    }
}
