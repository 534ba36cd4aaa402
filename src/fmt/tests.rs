//! Unit tests of the formatter: tricky layouts and comment positions.

use super::*;

fn fmt(text: &str) -> String {
    format_source("test.gavel", text).unwrap()
}

#[test]
fn smoke() {
    assert_eq!(fmt("policy   \"x\""), "policy \"x\"\n");
}
