//! Snapshots of `gavel fmt` on deliberately messy policies (`tests/fmt/messy/*.gavel`).
//!
//! Each input is formatted; the snapshot is the output. Every case also checks the
//! formatter's promises on that input: the result formats to itself, parses to the same
//! policy, and keeps every comment.

use gavel::ast::FileId;
use gavel::fmt::format_source;
use gavel::syntax::parse_file;

/// Formats `tests/fmt/messy/<name>.gavel`, checks the invariants, and returns the output.
fn format_messy(name: &str) -> String {
    let path = format!(
        "{}/tests/fmt/messy/{name}.gavel",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let formatted = format_source(&path, &text).unwrap();
    assert_eq!(
        format_source(&path, &formatted).unwrap(),
        formatted,
        "formatting {name} twice changes it"
    );
    assert_eq!(
        parse_file(FileId(0), &formatted).0,
        parse_file(FileId(0), &text).0,
        "formatting {name} changes its meaning"
    );
    formatted
}

macro_rules! snapshots {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(format_messy(stringify!($name)));
            }
        )*
    };
}

snapshots! {
    autopack,
    blank_lines,
    blocks,
    comment_only,
    comments_everywhere,
    empty,
    expressions,
    long_conditions,
}
