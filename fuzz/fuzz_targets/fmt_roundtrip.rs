//! Arbitrary text through the formatter: whenever it formats, the output parses to the same
//! syntax tree, formatting again changes nothing, and no comment is lost.
#![no_main]

use gavel::ast::FileId;
use gavel::syntax::parse_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = gavel::fmt::format_source("fuzz.gavel", text) else {
        return;
    };
    let (before, _) = parse_file(FileId(0), text);
    let (after, errors) = parse_file(FileId(0), &formatted);
    assert!(errors.is_empty(), "formatted text does not parse: {errors:?}\n{formatted}");
    assert_eq!(before, after, "formatting changed the syntax tree\n{formatted}");
    let again = gavel::fmt::format_source("fuzz.gavel", &formatted).expect("formats twice");
    assert_eq!(again, formatted, "formatting is not idempotent");
    // A lost comment takes its `#` with it (strings keep theirs as written).
    let comments = |s: &str| s.matches('#').count();
    assert!(comments(&formatted) >= comments(text), "a comment was lost\n{formatted}");
});
