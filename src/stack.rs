//! Stack safety for the recursive passes over expressions.
//!
//! Expressions are at most [`crate::limits::MAX_NESTING_DEPTH`] deep and helpers expand to
//! a bounded depth, but the frames of the parser's lowering, the checker, the formatter and
//! the evaluators are large in debug builds, and services may evaluate on threads with small
//! stacks. Each recursive pass calls through [`guarded`], which moves onto a fresh heap
//! segment when little stack is left, instead of overflowing.

/// Runs `f`, first growing the stack if less than 128 KiB remain.
#[inline]
pub(crate) fn guarded<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(128 * 1024, 4 * 1024 * 1024, f)
}
