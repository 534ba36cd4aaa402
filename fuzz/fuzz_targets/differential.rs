//! The differential oracle, driven by libFuzzer: the bytes choose a policy, a request and a
//! context (the same generators as `tests/differential.rs`), and the compiled evaluator and
//! the reference interpreter must return identical decisions.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The generator modules of `tests/differential/`, at the crate root so that their
// `super::` paths resolve as they do in the test.
#[allow(dead_code, unused_imports)]
#[path = "../../tests/differential/case.rs"]
mod case;
#[allow(dead_code, unused_imports)]
#[path = "../../tests/differential/choices.rs"]
mod choices;
#[allow(dead_code, unused_imports)]
#[path = "../../tests/differential/expr_gen.rs"]
mod expr_gen;
#[allow(dead_code, unused_imports)]
#[path = "../../tests/differential/policy_gen.rs"]
mod policy_gen;
#[allow(dead_code, unused_imports)]
#[path = "../../tests/differential/request_gen.rs"]
mod request_gen;

fuzz_target!(|data: &[u8]| {
    let case = case::Case::generate(data.to_vec());
    if let Err(problem) = case.check() {
        panic!("{problem}\n\n{}", case.describe());
    }
});
