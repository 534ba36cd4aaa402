//! `gavel test`: test cases that live beside policies.

mod case;
mod coverage;
mod run;

pub use case::{Expectation, GateExpectation, RiskExpectation, TestCase, TestContext, TestFile};
pub use coverage::{BothWays, Coverage, Observed};
pub use run::{
    CaseResult, DEFAULT_NOW, FileResult, compare, run_case, run_file, stand_in_license, test_files,
};
