//! Arbitrary bytes as a policy file: decoding, parsing, checking and compiling must never
//! panic, hang or blow the stack, and must report why they refuse.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match gavel::load::decode_source("fuzz.gavel", data.to_vec()) {
        Ok(text) => text,
        Err(d) => {
            assert!(d.is_error());
            return;
        }
    };
    let mut sources = gavel::source::SourceSet::new();
    sources.add("fuzz.gavel", text.clone());
    let result = gavel::check::check(&sources);
    // Rendering the diagnostics must work too (spans always inside the text).
    let rendered = gavel::diagnostic::render_human(&sources, &result.diagnostics);
    assert_eq!(result.has_errors(), result.policy.is_none());
    if result.has_errors() {
        assert!(!rendered.is_empty());
    }
    // And what checks compiles.
    if result.policy.is_some() {
        gavel::Policy::from_str(&text).expect("a policy that checks compiles");
    }
});
