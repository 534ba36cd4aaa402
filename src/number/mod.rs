//! Numbers the language computes with: exact decimals and durations.

mod decimal;
mod duration;

pub use decimal::{ArithmeticError, Decimal, FRACTION_DIGITS, ParseDecimalError, SCALE};
pub use duration::{Duration, MAX_SECONDS as MAX_DURATION_SECONDS, ParseDurationError};
