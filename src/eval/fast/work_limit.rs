//! The work limit: a bound on what one decision may spend on tests whose cost grows with
//! the size of request values.
//!
//! Most of a decision is linear in the size of the policy times the size of the request. A
//! few tests are not, because both of their sides can come from the request: inside a
//! per-file condition, `path contains any attr.L` runs once per file for every item of `L`,
//! and `attr.s contains path`, `lower(attr.s)`, `attr.s matches …` or `x in attr.L` scan a
//! request string or list once per file. A requester who sends 100,000 files and a
//! 10,000-item list would make one decision take minutes. So these tests are metered: each
//! charges the bytes it may compare or scan (at least one unit), and a decision that would
//! go over [`MAX_EVALUATION_WORK`] units stops with an evaluation error — which, like every
//! evaluation error, blocks the decision naming the rule (fail closed).

use super::super::value::EvalError;

/// Units of work (about a byte compared or scanned each) one decision may spend on metered
/// tests: 2^28, a fraction of a second. A 100,000-file request tested against a 20-item
/// prefix list spends about 2^25.
pub const MAX_EVALUATION_WORK: u64 = 1 << 28;

/// How the error of a spent work limit begins ([`is_over_the_limit`]).
const OVER_THE_LIMIT: &str = "evaluation exceeded its work limit";

/// Whether `error` is a spent work limit's, rather than a failure of what was evaluated.
pub(crate) fn is_over_the_limit(error: &EvalError) -> bool {
    error.0.starts_with(OVER_THE_LIMIT)
}

/// What is left of a decision's work limit.
#[derive(Debug)]
pub(crate) struct WorkMeter {
    left: u64,
}

impl Default for WorkMeter {
    fn default() -> Self {
        WorkMeter {
            left: MAX_EVALUATION_WORK,
        }
    }
}

impl WorkMeter {
    /// Spends `units`, or fails once the limit is used up.
    #[inline]
    pub(crate) fn charge(&mut self, units: usize) -> Result<(), EvalError> {
        match self.left.checked_sub(units as u64) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => {
                self.left = 0;
                Err(EvalError::new(format!(
                    "{OVER_THE_LIMIT} of {MAX_EVALUATION_WORK} units: string \
                     tests, pattern matches and list lookups over request values cost their \
                     size, once per file inside a per-file condition, and this request's values \
                     are too large for that"
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_spent_exactly_and_then_every_charge_fails() {
        let mut meter = WorkMeter::default();
        meter.charge(MAX_EVALUATION_WORK as usize - 1).unwrap();
        meter.charge(1).unwrap();
        let error = meter.charge(1).unwrap_err();
        assert!(error.0.contains("work limit of 268435456 units"), "{error}");
        assert!(is_over_the_limit(&error));
        assert!(!is_over_the_limit(&EvalError::internal("x")));
        assert!(meter.charge(0).is_ok());
        assert!(meter.charge(1).is_err());
    }
}
