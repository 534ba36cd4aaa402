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

/// How many levels of a hot recursive pass may run between two checks of the remaining stack.
///
/// Checking costs a thread-local read and a few calls, more than evaluating a simple node.
/// One level of the compiled evaluator takes about 9 KiB of stack in an unoptimized build
/// (measured) and a few hundred bytes optimized, so eight levels stay well inside the
/// 128 KiB that [`guarded`] keeps free.
pub(crate) const CHECK_EVERY: u32 = 8;

/// Runs `f`, a step at recursion depth `depth` of a pass that counts its depth, checking the
/// stack as [`guarded`] does only at every [`CHECK_EVERY`]th level.
#[inline]
pub(crate) fn guarded_at<R>(depth: u32, f: impl FnOnce() -> R) -> R {
    if depth.is_multiple_of(CHECK_EVERY) {
        guarded(f)
    } else {
        f()
    }
}
