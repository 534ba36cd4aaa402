//! The summary of a decision waiting for approvals: `needs 1 more approval from tech_lead or
//! admin by 2026-03-01 13:00 UTC (`tier3_approval`)`, and for a gate with a scope `needs 1
//! more approval from admin with scope deploy by ...`.
//!
//! Every decision that requires approval has one, so it is written straight into one string
//! rather than through `format!` and `strftime` per gate.

use jiff::Timestamp;

use super::decision::Gate;

/// `needs ...; and ...` over the gates not yet met.
pub(crate) fn pending_summary(gates: &[Gate]) -> String {
    let mut out = String::with_capacity(96);
    out.push_str("needs ");
    for (i, g) in gates.iter().filter(|g| !g.met).enumerate() {
        if i > 0 {
            out.push_str("; and ");
        }
        out.push_str(itoa::Buffer::new().format(g.missing));
        out.push_str(" more approval");
        if g.missing != 1 {
            out.push('s');
        }
        out.push_str(" from ");
        push_joined(&mut out, g.roles.iter(), " or ");
        if g.humans_only {
            out.push_str(", humans only");
        }
        // An approval without the gate's scope does not count: say so up front.
        if !g.scope.is_empty() {
            if g.humans_only {
                out.push(',');
            }
            out.push_str(" with scope ");
            push_joined(&mut out, g.scope.iter(), ", ");
        }
        if let Some(deadline) = g.deadline {
            out.push_str(" by ");
            push_utc_minute(&mut out, deadline);
        }
        out.push_str(" (`");
        out.push_str(&g.rule);
        out.push_str("`)");
    }
    out
}

/// `items` with `separator` between them, as `join` would give them, without a vector.
fn push_joined<S: AsRef<str>>(out: &mut String, items: impl Iterator<Item = S>, separator: &str) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
}

/// The UTC date and time to the minute of `seconds` since 1970-01-01 (not before it): year,
/// month, day, hour, minute. The civil date of a day count is Howard Hinnant's
/// `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>), integer
/// arithmetic only: cheaper than a calendar library's general conversion, and every decision
/// waiting for approval writes its deadline.
fn utc_minute(seconds: u64) -> [u64; 5] {
    let (days, in_day) = (seconds / 86_400, seconds % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let (month, year_shift) = if shifted_month < 10 {
        (shifted_month + 3, 0)
    } else {
        (shifted_month - 9, 1)
    };
    let year = year_of_era + era * 400 + year_shift;
    [year, month, day, in_day / 3_600, in_day % 3_600 / 60]
}

/// `at` as `strftime("%Y-%m-%d %H:%M UTC")` writes it.
fn push_utc_minute(out: &mut String, at: Timestamp) {
    // A whole number of seconds truncated toward zero: for the instants just before 1970,
    // whose seconds are 0 but whose nanoseconds are negative, that is not the floor.
    let seconds = u64::try_from(at.as_second()).ok();
    let Some(seconds) = seconds.filter(|_| at.subsec_nanosecond() >= 0) else {
        // Before 1970: rare enough to leave to jiff.
        out.push_str(&at.strftime("%Y-%m-%d %H:%M UTC").to_string());
        return;
    };
    let [year, month, day, hour, minute] = utc_minute(seconds);
    let mut buf = [0u8; 16];
    let fields = [
        (year / 100, 0),
        (year % 100, 2),
        (month, 5),
        (day, 8),
        (hour, 11),
        (minute, 14),
    ];
    for (value, at) in fields {
        if let Some(pair) = buf.get_mut(at..at + 2) {
            pair.copy_from_slice(&[b'0' + (value / 10 % 10) as u8, b'0' + (value % 10) as u8]);
        }
    }
    for (at, sep) in [(4, b'-'), (7, b'-'), (10, b' '), (13, b':')] {
        if let Some(b) = buf.get_mut(at) {
            *b = sep;
        }
    }
    out.push_str(std::str::from_utf8(&buf).unwrap_or(""));
    out.push_str(" UTC");
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::shared_str::SharedStr;

    fn with_strftime(at: Timestamp) -> String {
        at.strftime("%Y-%m-%d %H:%M UTC").to_string()
    }

    #[test]
    fn minutes_read_as_strftime_writes_them() {
        for s in [
            "2026-03-01T12:00:00Z",
            "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "0000-03-01T00:00:00Z",
            "9999-12-30T21:59:59.999999999Z",
            "-000001-06-01T05:07:00Z",
            "-009999-01-03T00:00:00Z",
            "2024-02-29T23:59:30Z",
            "1969-12-31T23:59:59.5Z",
            "1970-01-01T00:00:00.5Z",
            "2000-02-29T23:59:59.999999999Z",
            "2100-03-01T00:00:00Z",
            "1999-12-31T23:59:00Z",
        ] {
            let at: Timestamp = s.parse().unwrap();
            let mut out = String::new();
            push_utc_minute(&mut out, at);
            assert_eq!(out, with_strftime(at), "{s}");
        }
    }

    /// The summary as it was written with `format!` and `strftime`.
    fn with_format(gates: &[Gate]) -> String {
        let parts: Vec<String> = gates
            .iter()
            .filter(|g| !g.met)
            .map(|g| {
                let by = g
                    .deadline
                    .map(|d| format!(" by {}", d.strftime("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default();
                let scope = match (g.scope.is_empty(), g.humans_only) {
                    (true, _) => String::new(),
                    (false, false) => format!(" with scope {}", g.scope.join(", ")),
                    (false, true) => format!(", with scope {}", g.scope.join(", ")),
                };
                format!(
                    "{} more approval{} from {}{}{}{} (`{}`)",
                    g.missing,
                    if g.missing == 1 { "" } else { "s" },
                    g.roles.join(" or "),
                    if g.humans_only { ", humans only" } else { "" },
                    scope,
                    by,
                    g.rule
                )
            })
            .collect();
        format!("needs {}", parts.join("; and "))
    }

    #[test]
    fn a_gate_with_a_scope_names_it() {
        let gate = |scope: &[&str], humans_only| Gate {
            rule: "deploy".into(),
            count: 1,
            roles: vec![SharedStr::from("admin")].into(),
            window: None,
            deadline: Some("2026-03-01T13:00:00Z".parse().unwrap()),
            humans_only,
            scope: scope.iter().map(|s| s.to_string()).collect(),
            approved_by: Vec::new(),
            missing: 1,
            met: false,
            expired: false,
        };
        assert_eq!(
            pending_summary(&[gate(&["deploy"], false)]),
            "needs 1 more approval from admin with scope deploy by 2026-03-01 13:00 UTC (`deploy`)"
        );
        assert_eq!(
            pending_summary(&[gate(&["deploy", "migrate"], true)]),
            "needs 1 more approval from admin, humans only, with scope deploy, migrate by \
             2026-03-01 13:00 UTC (`deploy`)"
        );
    }

    #[test]
    fn summaries_read_as_format_wrote_them() {
        let gate = |rule: &str, missing: u32, roles: &[&str], humans_only, met, deadline| Gate {
            rule: rule.into(),
            count: missing + 1,
            roles: roles.iter().map(|r| SharedStr::from(*r)).collect(),
            window: None,
            deadline,
            humans_only,
            scope: if rule.starts_with('s') {
                vec!["deploy".into(), "migrate".into()]
            } else {
                Vec::new()
            },
            approved_by: Vec::new(),
            missing,
            met,
            expired: false,
        };
        let at = Some("2026-03-01T13:05:09Z".parse().unwrap());
        let gates = [
            gate("a", 1, &["tech_lead", "admin"], false, false, at),
            gate("b", 2, &["admin"], true, false, None),
            gate("c", 0, &["x"], false, true, at),
            gate("d", 12, &[], true, false, at),
            gate("s1", 1, &["admin"], false, false, at),
            gate("s2", 2, &["admin", "lead"], true, false, None),
        ];
        for n in 0..=gates.len() {
            assert_eq!(pending_summary(&gates[..n]), with_format(&gates[..n]));
            assert_eq!(pending_summary(&gates[n..]), with_format(&gates[n..]));
        }
    }

    proptest! {
        #[test]
        fn any_minute_reads_as_strftime_writes_it(
            seconds in Timestamp::MIN.as_second()..=Timestamp::MAX.as_second()
        ) {
            let at = Timestamp::from_second(seconds).unwrap();
            let mut out = String::new();
            push_utc_minute(&mut out, at);
            prop_assert_eq!(out, with_strftime(at));
        }
    }
}
