//! Checking a request against the policy before anything is decided.
//!
//! Every problem is an input error, and an input error is a block: an undeclared
//! environment, a missing attribute or a `..` path must never slip through as a pass.

use std::borrow::Cow;
use std::cmp::Ordering;

use smallvec::{SmallVec, smallvec};

use super::context::{Context, LicenseVerdict};
use super::value::Val;
use crate::checked::{CheckedPolicy, Fact, ScalarType, Type, VERSIONS, Value};
use crate::limits::{MAX_LIST_ITEMS, MAX_STRING_BYTES, MAX_USAGE_COUNT};
use crate::number::Decimal;
use crate::quote::quote;
use crate::request::{
    CheckedFiles, Request, RequestError, RequestFacts, number_text, request_decimal,
};

/// A declared attribute's value for one decision. Strings are borrowed from the request and
/// defaults from the policy rather than copied: most attributes are read once or never.
#[derive(Debug)]
pub(crate) enum AttrValue<'a> {
    /// Converted from the request (numbers, booleans, lists).
    Converted(Value),
    /// A string (or symbol) of the request.
    Text(&'a str),
    /// The policy's default, for an attribute the request leaves out.
    Default(&'a Value),
}

impl<'a> AttrValue<'a> {
    /// The value as evaluators handle values.
    pub(crate) fn val(&'a self) -> Val<'a> {
        match self {
            AttrValue::Converted(v) => Val::from_value(v),
            AttrValue::Text(s) => Val::Str(Cow::Borrowed(s)),
            AttrValue::Default(v) => Val::from_value(v),
        }
    }

    /// The number, if the attribute is one.
    pub(crate) fn number(&self) -> Option<Decimal> {
        match self {
            AttrValue::Converted(Value::Number(n)) | AttrValue::Default(Value::Number(n)) => {
                Some(*n)
            }
            _ => None,
        }
    }

    /// The boolean, if the attribute is one.
    pub(crate) fn boolean(&self) -> Option<bool> {
        match self {
            AttrValue::Converted(Value::Bool(b)) | AttrValue::Default(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// What validation produces: normalized files, typed attributes, the license tier.
pub(crate) struct Validated<'a> {
    pub files: &'a CheckedFiles<'a>,
    pub attributes: Vec<AttrValue<'a>>,
    pub license_tier: Option<&'a str>,
}

impl<'a> Validated<'a> {
    /// The request as evaluators see it, with what validation found.
    pub(crate) fn facts(&'a self, request: &'a Request, context: &'a Context) -> Facts<'a> {
        Facts {
            request,
            context,
            files: self.files,
            attributes: &self.attributes,
            license_tier: self.license_tier,
        }
    }
}

/// A request that fits the policy, as evaluators see it.
pub(crate) struct Facts<'a> {
    pub request: &'a Request,
    pub context: &'a Context,
    /// The files (a slice), with how many distinct directories hold them (counted once
    /// per request, when first read).
    pub files: &'a CheckedFiles<'a>,
    /// Attribute values by attribute index.
    pub attributes: &'a [AttrValue<'a>],
    /// The license tier in force, as the caller verified it (never the request's own claim).
    pub license_tier: Option<&'a str>,
}

impl Facts<'_> {
    /// A usage counter: the larger of the context's count and the request's.
    ///
    /// The caller's count (counted from the audit log, say) is a floor, not a replacement:
    /// a request that states more usage than the log knows of is held to what it states.
    /// Letting the log's count win lowered a request over its license limit back under it,
    /// and the request was allowed.
    pub fn usage(&self, name: &str) -> Option<u64> {
        let known = self.context.usage.get(name).copied();
        let stated = self.request.usage.get(name).copied();
        known.max(stated)
    }
}

/// Whether usage counter `name` has a count: the request's or the caller's.
fn usage_supplied(request: &Request, context: &Context, name: &str) -> bool {
    context.usage.contains_key(name) || request.usage.get(name).is_some()
}

fn err(field: impl Into<String>, message: impl Into<String>) -> RequestError {
    RequestError::field(field, message)
}

fn one_of(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Validates `request` against `policy`.
pub(crate) fn validate<'a>(
    policy: &'a CheckedPolicy,
    request: &'a Request,
    prepared: &'a RequestFacts<'a>,
    context: &'a Context,
) -> Result<Validated<'a>, RequestError> {
    if !policy.actions.contains(&request.action) {
        return Err(err(
            "action",
            format!(
                "unknown action {}; this policy knows {}",
                quote(&request.action),
                one_of(&policy.actions)
            ),
        ));
    }
    check_string("actor.id", &request.actor.id)?;
    if request.actor.id.trim().is_empty() {
        return Err(err("actor.id", "the actor id is empty"));
    }
    // The actor id is compared with approvers' ids (no self-approval): one that does not
    // read as what it is — `alice@example.com` with a zero-width space — would let alice
    // approve her own change. Printable ASCII, the usual id, needs no closer look.
    let id = &request.actor.id;
    if !id.bytes().all(|b| (0x20..0x7f).contains(&b))
        && let Some((c, what)) = id
            .chars()
            .find_map(|c| crate::quote::hidden(c).map(|what| (c, what)))
    {
        return Err(err(
            "actor.id",
            format!(
                "the actor id contains U+{:04X}, {what}; it would not read as what it is",
                u32::from(c)
            ),
        ));
    }
    list_length("actor.roles", request.actor.roles.len())?;
    for (i, role) in request.actor.roles.iter().enumerate() {
        check_string_lazy(&|| format!("actor.roles[{i}]"), role)?;
    }
    environment(
        policy,
        "environment",
        request.environment.as_deref(),
        !policy.environments.is_empty(),
    )?;
    let needs_from =
        request.action == "promote" || policy.required_facts.contains(&Fact::FromEnvironment);
    environment(
        policy,
        "from_environment",
        request.from_environment.as_deref(),
        needs_from,
    )?;
    if request.action == "promote" && policy.environments.is_empty() {
        return Err(err(
            "action",
            "`promote` needs environments, and this policy declares none",
        ));
    }
    change(policy, request)?;
    let files = prepared.files().map_err(Clone::clone)?;
    let attributes = attributes(policy, request)?;
    context_usage(context)?;
    for fact in &policy.required_facts {
        if let Fact::Usage(name) = fact
            && !usage_supplied(request, context, name)
        {
            return Err(err(
                format!("usage.{name}"),
                format!("the policy reads usage counter `{name}`, so the request must supply it"),
            ));
        }
    }
    // A window that starts in the future never closes in time: a requester could stretch a
    // `within 1h` gate to years by dating the request ahead. The caller's own window start
    // (`Context::requested_at`) is held to the same: it would leave the request waiting for
    // approvals that cannot count yet.
    let latest = context
        .now
        .checked_add(super::gates::FUTURE_TOLERANCE)
        .unwrap_or(context.now);
    for (field, at) in [
        ("requested_at", request.requested_at),
        ("context.requested_at", context.requested_at),
    ] {
        if let Some(at) = at
            && at > latest
        {
            return Err(err(
                field,
                format!(
                    "{at} is later than the decision time {}; approval windows cannot start in \
                     the future",
                    context.now
                ),
            ));
        }
    }
    let license_tier = license_tier(policy, request, context)?;
    if let Some(tier) = license_tier {
        let Some(declared) = policy.licenses.iter().find(|t| t.name == tier) else {
            let tiers: Vec<String> = policy.licenses.iter().map(|t| t.name.clone()).collect();
            return Err(err(
                "license.tier",
                if tiers.is_empty() {
                    format!(
                        "the license is tier {}, but this policy has no license tiers (a \
                         license for another policy?)",
                        quote(tier)
                    )
                } else {
                    format!(
                        "unknown license tier {}; this policy has {}",
                        quote(tier),
                        one_of(&tiers)
                    )
                },
            ));
        };
        // A limit written `for` an action is that action's to meet: a request of it that
        // left the counter out would not be held to the limit at all.
        for limit in &declared.limits {
            if !limit.actions.is_empty()
                && limit.applies_to(&request.action)
                && !usage_supplied(request, context, &limit.counter)
            {
                return Err(err(
                    format!("usage.{}", limit.counter),
                    format!(
                        "the `{tier}` license tier limits `{}` for `{}` requests, so the \
                         request must supply it",
                        limit.counter, request.action
                    ),
                ));
            }
        }
    } else if policy.required_facts.contains(&Fact::LicenseTier) {
        return Err(err(
            "license",
            match &context.license {
                Some(LicenseVerdict::Invalid { reason }) => {
                    format!(
                        "the license failed verification: {}",
                        crate::quote::one_line(reason)
                    )
                }
                Some(LicenseVerdict::Valid { expires_at, .. }) => {
                    format!("the license expired at {expires_at}")
                }
                _ => "the policy reads `license.tier`, so a verified license is needed \
                      (`--license FILE`)"
                    .to_string(),
            },
        ));
    }
    list_length("features", request.features.len())?;
    for (i, feature) in request.features.iter().enumerate() {
        check_string_lazy(&|| format!("features[{i}]"), feature)?;
    }
    if let Some(r) = &request.reference {
        check_string("reference", r)?;
    }
    if let Some(r) = &request.reason {
        check_string("reason", r)?;
    }
    Ok(Validated {
        files,
        attributes,
        license_tier,
    })
}

/// Checks the caller's usage counters (`Context::usage`) as a request's are checked
/// (`PreparedRequest`): each at most [`MAX_USAGE_COUNT`], the largest whole number a policy
/// reads. They come from the embedding service, not the request, and raise the request's
/// counts (never lower them); one out of range blocks the decision naming the counter, whether or not a
/// rule or license limit reads it, rather than being compared as a raw integer by one check
/// and failing as an evaluation error in another.
fn context_usage(context: &Context) -> Result<(), RequestError> {
    for (name, &count) in &context.usage {
        if count > MAX_USAGE_COUNT {
            return Err(err(
                format!("usage.{name}"),
                format!(
                    "{count}, more than the limit of {MAX_USAGE_COUNT} (the caller's count, \
                     `Context::usage`)"
                ),
            ));
        }
    }
    Ok(())
}

/// The license tier in force, taken only from a license the caller verified
/// ([`Context::license`]): the tier a request states about itself is a claim, and a claim is
/// what a signed license exists to replace. A request that states a tier must agree with the
/// verified license. A license that failed verification gives no tier (the license check
/// then blocks, naming why).
fn license_tier<'a>(
    policy: &CheckedPolicy,
    request: &'a Request,
    context: &'a Context,
) -> Result<Option<&'a str>, RequestError> {
    let claimed = request.license.as_ref().map(|l| l.tier.as_str());
    match &context.license {
        // A verdict outlives the license it was made from when a service verifies once and
        // decides for months: an expired license grants nothing (the license check says so).
        Some(LicenseVerdict::Valid { expires_at, .. }) if *expires_at <= context.now => Ok(None),
        Some(LicenseVerdict::Valid { tier, org, .. }) => {
            let claimed_org = request.license.as_ref().and_then(|l| l.org.as_deref());
            if let Some(claim) = claimed_org.filter(|claim| claim != org) {
                return Err(err(
                    "license.org",
                    format!(
                        "the request states org {}, but its verified license is for `{org}`",
                        quote(claim)
                    ),
                ));
            }
            match claimed {
                Some(claim) if claim != tier => Err(err(
                    "license.tier",
                    format!(
                        "the request states tier {}, but its verified license is tier `{tier}`",
                        quote(claim)
                    ),
                )),
                _ => Ok(Some(tier.as_str())),
            }
        }
        // The license check blocks naming the reason (`license.denial`).
        Some(LicenseVerdict::Invalid { .. }) => Ok(None),
        None => match claimed {
            Some(claim) if !policy.licenses.is_empty() => Err(err(
                "license",
                format!(
                    "the request states license tier {}, but a tier is taken only from a \
                     verified license: pass the signed license with `--license FILE` \
                     (embedding: set `Context::license`)",
                    quote(claim)
                ),
            )),
            _ => Ok(None),
        },
    }
}

/// Refuses a list of more than [`MAX_LIST_ITEMS`] items (reading a request refuses one
/// already; this holds a request built in code to the same limit).
fn list_length(field: &str, items: usize) -> Result<(), RequestError> {
    if items > MAX_LIST_ITEMS {
        return Err(err(
            field,
            format!("{items} items, more than the limit of {MAX_LIST_ITEMS}"),
        ));
    }
    Ok(())
}

/// [`check_string`] for a field whose name is built only for an error.
pub(crate) fn check_string_lazy(
    field: &dyn Fn() -> String,
    value: &str,
) -> Result<(), RequestError> {
    if value.len() > MAX_STRING_BYTES || value.contains('\0') {
        return check_string(&field(), value);
    }
    Ok(())
}

fn check_string(field: &str, value: &str) -> Result<(), RequestError> {
    if value.len() > MAX_STRING_BYTES {
        return Err(err(
            field,
            format!(
                "{} bytes, more than the limit of {MAX_STRING_BYTES}",
                value.len()
            ),
        ));
    }
    if value.contains('\0') {
        return Err(err(field, "contains a NUL byte"));
    }
    Ok(())
}

fn environment(
    policy: &CheckedPolicy,
    field: &str,
    value: Option<&str>,
    required: bool,
) -> Result<(), RequestError> {
    match value {
        None if required => Err(err(
            field,
            if policy.environments.is_empty() {
                format!("`{field}` is required")
            } else {
                format!(
                    "`{field}` is required; this policy declares {}",
                    one_of(&policy.environments)
                )
            },
        )),
        None => Ok(()),
        Some(env) if policy.environments.iter().any(|e| e == env) => Ok(()),
        Some(env) if policy.environments.is_empty() => Err(err(
            field,
            format!(
                "environment {} is not declared (this policy declares no environments)",
                quote(env)
            ),
        )),
        Some(env) => Err(err(
            field,
            format!(
                "environment {} is not declared; this policy declares {}",
                quote(env),
                one_of(&policy.environments)
            ),
        )),
    }
}

fn change(policy: &CheckedPolicy, request: &Request) -> Result<(), RequestError> {
    let kind = request.change.as_ref().and_then(|c| c.kind.as_deref());
    let version = request.change.as_ref().and_then(|c| c.version.as_deref());
    match kind {
        Some(k) if !policy.kinds.iter().any(|x| x == k) => {
            return Err(err(
                "change.kind",
                format!(
                    "unknown change kind {}; this policy knows {}",
                    quote(k),
                    one_of(&policy.kinds)
                ),
            ));
        }
        None if policy.required_facts.contains(&Fact::ChangeKind) => {
            return Err(err(
                "change.kind",
                "the policy reads `change.kind`, so the request must supply it",
            ));
        }
        _ => {}
    }
    match version {
        Some(v) if !VERSIONS.contains(&v) => Err(err(
            "change.version",
            format!(
                "unknown version bump {}; expected `patch`, `minor` or `major`",
                quote(v)
            ),
        )),
        None if policy.required_facts.contains(&Fact::ChangeVersion) => Err(err(
            "change.version",
            "the policy reads `change.version`, so the request must supply it",
        )),
        _ => Ok(()),
    }
}

fn attributes<'a>(
    policy: &'a CheckedPolicy,
    request: &'a Request,
) -> Result<Vec<AttrValue<'a>>, RequestError> {
    // The request's attributes and the declared ones, both in name order, are paired in one
    // merged pass: a request that fits costs one comparison per attribute, and the first
    // attribute the walk cannot pair is the first undeclared one in name order, which is
    // reported before any missing or mistyped one.
    let mut supplied: SmallVec<[Option<&'a serde_json::Value>; 16]> =
        smallvec![None; policy.attributes.len()];
    let mut declared = policy
        .attributes_by_name
        .iter()
        .filter_map(|&i| policy.attributes.get(i).map(|a| (i, a.name.as_str())));
    for (name, json) in request.attribute_map() {
        loop {
            match declared.next() {
                Some((i, declared_name)) => match declared_name.cmp(name.as_str()) {
                    Ordering::Less => continue,
                    Ordering::Equal => {
                        if let Some(slot) = supplied.get_mut(i) {
                            *slot = Some(json);
                        }
                        break;
                    }
                    Ordering::Greater => return Err(unknown_attribute(policy, name)),
                },
                None => return Err(unknown_attribute(policy, name)),
            }
        }
    }
    // Then each declared attribute in declaration order: the first missing or mistyped one
    // is the error.
    let mut values = Vec::with_capacity(policy.attributes.len());
    for (attr, json) in policy.attributes.iter().zip(&supplied) {
        let field = || format!("attributes.{}", attr.name);
        let value = match json {
            Some(json) => convert_attribute(&field, json, attr.ty)?,
            None => match &attr.default {
                Some(default) => AttrValue::Default(default),
                None => {
                    return Err(err(
                        field(),
                        format!(
                            "missing attribute `{}` (declared as {})",
                            attr.name, attr.ty
                        ),
                    ));
                }
            },
        };
        values.push(value);
    }
    Ok(values)
}

/// The error for `name`, an attribute of the request that `policy` does not declare.
fn unknown_attribute(policy: &CheckedPolicy, name: &str) -> RequestError {
    let declared: Vec<String> = policy.attributes.iter().map(|a| a.name.clone()).collect();
    err(
        format!("attributes.{name}"),
        if declared.is_empty() {
            format!(
                "unknown attribute {} (this policy declares none)",
                quote(name)
            )
        } else {
            format!(
                "unknown attribute {}; this policy declares {}",
                quote(name),
                one_of(&declared)
            )
        },
    )
}

/// An attribute's JSON value as `ty`: strings borrowed, anything else converted.
fn convert_attribute<'a>(
    field: &dyn Fn() -> String,
    json: &'a serde_json::Value,
    ty: Type,
) -> Result<AttrValue<'a>, RequestError> {
    match (ty, json) {
        (Type::String | Type::Symbol(_), serde_json::Value::String(s)) => {
            check_string_lazy(field, s)?;
            Ok(AttrValue::Text(s))
        }
        _ => convert(field, json, ty).map(AttrValue::Converted),
    }
}

/// Converts an attribute's JSON value to `ty`. `field` names it in errors; it is built only
/// for an error.
fn convert(
    field: &dyn Fn() -> String,
    json: &serde_json::Value,
    ty: Type,
) -> Result<Value, RequestError> {
    let mismatch = || {
        err(
            field(),
            format!(
                "expected a {ty}, found {}{}",
                describe_json(json),
                boolean_hint(json, ty)
            ),
        )
    };
    match ty {
        Type::Bool => json.as_bool().map(Value::Bool).ok_or_else(mismatch),
        Type::Number => json_number(field, json).map(Value::Number),
        Type::String | Type::Symbol(_) => {
            let s = json.as_str().ok_or_else(mismatch)?;
            check_string_lazy(field, s)?;
            Ok(Value::String(s.to_string()))
        }
        Type::List(scalar) => {
            let items = json.as_array().ok_or_else(mismatch)?;
            if items.len() > MAX_LIST_ITEMS {
                return Err(err(
                    field(),
                    format!(
                        "{} items, more than the limit of {MAX_LIST_ITEMS}",
                        items.len()
                    ),
                ));
            }
            let element = match scalar {
                ScalarType::Bool => Type::Bool,
                ScalarType::Number => Type::Number,
                ScalarType::String | ScalarType::Symbol(_) => Type::String,
            };
            items
                .iter()
                .enumerate()
                .map(|(i, item)| convert(&|| format!("{}[{i}]", field()), item, element))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List)
        }
    }
}

/// A request number as the exact decimal it means, or an input error naming `field` (see
/// `crate::request::request_decimal`: a number that a decimal cannot hold exactly is
/// refused, never rounded).
fn json_number(
    field: &dyn Fn() -> String,
    json: &serde_json::Value,
) -> Result<Decimal, RequestError> {
    let serde_json::Value::Number(n) = json else {
        return Err(err(
            field(),
            format!("expected a number, found {}", describe_json(json)),
        ));
    };
    request_decimal(n).map_err(|message| err(field(), message))
}

/// For a boolean given as a string that reads like one (`"no"`, YAML's `no`, `on`): how a
/// boolean is written. Requests are read by YAML 1.2's rules, where YAML 1.1's `yes`, `no`,
/// `on`, `off`, `y` and `n` are strings.
fn boolean_hint(json: &serde_json::Value, ty: Type) -> &'static str {
    const SPELLINGS: [&str; 8] = ["true", "false", "yes", "no", "on", "off", "y", "n"];
    match json {
        serde_json::Value::String(s)
            if ty == Type::Bool && SPELLINGS.iter().any(|w| s.eq_ignore_ascii_case(w)) =>
        {
            "; a boolean is written `true` or `false`, unquoted (`yes`, `no`, `on`, `off`, `y` \
             and `n` are strings)"
        }
        _ => "",
    }
}

fn describe_json(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("the boolean {b}"),
        serde_json::Value::Number(n) => format!("the number {}", number_text(n)),
        serde_json::Value::String(s) => format!("the string {}", quote(s)),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Context, Policy, Request};

    /// The field named by the input error of deciding `attributes` (a JSON object) against
    /// a policy declaring `a: number`, `b: string = "x"` and `c: bool`, in that order.
    fn refused_field(attributes: &str) -> Option<String> {
        decide(
            "policy \"p\"\nattribute a: number\nattribute b: string = \"x\"\n\
             attribute c: bool\ndefault auto_approve\n",
            attributes,
        )
        .input_error
        .and_then(|e| e.field)
    }

    /// Decides a request with `attributes` (a JSON object) against the policy `source`.
    fn decide(source: &str, attributes: &str) -> crate::Decision {
        let policy = Policy::from_str(source).unwrap();
        let request = Request::from_json(
            format!(
                r#"{{"action": "apply_patch", "actor": {{"id": "a", "kind": "agent"}},
                    "attributes": {attributes}}}"#
            )
            .as_bytes(),
        )
        .unwrap();
        policy.decide(&request, &Context::at(jiff::Timestamp::UNIX_EPOCH))
    }

    /// A policy whose attributes are declared out of name order (`zeta`, `alpha`, `mid`),
    /// so that pairing them with a request's, which are kept in name order, has to reorder.
    const UNSORTED: &str = "policy \"p\"\nattribute zeta: number\n\
        attribute alpha: string = \"x\"\nattribute mid: bool\ndefault auto_approve\n\
        rule r {\n  when attr.zeta > 5 and attr.mid and attr.alpha == \"x\"\n  then block \"r\"\n}\n";

    #[test]
    fn attributes_declared_out_of_name_order_get_their_own_values() {
        let outcome = |attributes: &str| {
            let decision = decide(UNSORTED, attributes);
            assert_eq!(decision.input_error, None, "{attributes}");
            decision.outcome.as_str()
        };
        assert_eq!(outcome(r#"{"zeta": 6, "mid": true}"#), "block");
        assert_eq!(outcome(r#"{"zeta": 6, "mid": false}"#), "auto_approve");
        assert_eq!(outcome(r#"{"zeta": 5, "mid": true}"#), "auto_approve");
        assert_eq!(
            outcome(r#"{"zeta": 6, "mid": true, "alpha": "y"}"#),
            "auto_approve"
        );
        let field = |attributes: &str| decide(UNSORTED, attributes).input_error?.field;
        // Undeclared names sorting before, between and after the declared ones: the first
        // in name order is named.
        assert_eq!(
            field(r#"{"zeta": 6, "mid": true, "beta": 1}"#).as_deref(),
            Some("attributes.beta")
        );
        assert_eq!(
            field(r#"{"zz": 1, "beta": 1, "aaa": 2}"#).as_deref(),
            Some("attributes.aaa")
        );
        assert_eq!(
            field(r#"{"zeta": 6, "mid": true, "zz": 1}"#).as_deref(),
            Some("attributes.zz")
        );
        // Missing ones in declaration order, not name order.
        assert_eq!(field("{}").as_deref(), Some("attributes.zeta"));
        assert_eq!(field(r#"{"zeta": 1}"#).as_deref(), Some("attributes.mid"));
    }

    #[test]
    fn declared_attributes_pass_and_defaults_fill_in() {
        assert_eq!(refused_field(r#"{"a": 1, "c": true}"#), None);
        assert_eq!(refused_field(r#"{"a": 1, "b": "y", "c": false}"#), None);
    }

    #[test]
    fn an_undeclared_attribute_is_named_before_missing_or_mistyped_ones() {
        // `c` is missing and `a` mistyped, but the undeclared `zz` is what is reported.
        assert_eq!(
            refused_field(r#"{"a": "one", "zz": 1}"#).as_deref(),
            Some("attributes.zz")
        );
        // The first undeclared attribute in name order.
        assert_eq!(
            refused_field(r#"{"a": 1, "c": true, "y": 1, "x": 2}"#).as_deref(),
            Some("attributes.x")
        );
    }

    #[test]
    fn the_first_missing_or_mistyped_attribute_in_declaration_order_is_named() {
        assert_eq!(
            refused_field(r#"{"c": true}"#).as_deref(),
            Some("attributes.a")
        );
        assert_eq!(
            refused_field(r#"{"a": 1, "b": 2}"#).as_deref(),
            Some("attributes.b")
        );
        assert_eq!(
            refused_field(r#"{"a": 1}"#).as_deref(),
            Some("attributes.c")
        );
        assert_eq!(
            refused_field(r#"{"a": true, "c": 1}"#).as_deref(),
            Some("attributes.a")
        );
    }
}
