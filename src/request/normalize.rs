//! Path normalization: the one place request paths are made comparable to globs.
//!
//! `./x` is `x` and `\` is `/`. Anything that could make a path mean something other than
//! what a reviewer reads is refused: `docs/../src/core.py` must never pass as a docs change.

use std::borrow::Cow;

use crate::limits::MAX_PATH_BYTES;

/// Normalizes a repository-relative path, or says what is wrong with it.
pub fn normalize_path(path: &str) -> Result<Cow<'_, str>, String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(format!(
            "the path is {} bytes, more than the limit of {MAX_PATH_BYTES}",
            path.len()
        ));
    }
    if is_plain(path) {
        return Ok(Cow::Borrowed(path));
    }
    normalize_in_full(path)
}

/// [`normalize_path`] after the length checks, without the shortcut for plain paths.
fn normalize_in_full(path: &str) -> Result<Cow<'_, str>, String> {
    // One pass over the bytes: control characters (NUL included), backslashes, and
    // whether any segment is empty, `.` or `..`.
    let bytes = path.as_bytes();
    let mut backslash = false;
    let mut dot_segment = false;
    let mut segment_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            return Err(format!("the path contains a NUL byte at offset {i}"));
        }
        if b.is_ascii_control() {
            return Err("the path contains a control character".into());
        }
        if b == b'/' || b == b'\\' {
            backslash |= b == b'\\';
            check_segment(
                bytes.get(segment_start..i).unwrap_or(&[]),
                segment_start == 0 && i == 0,
                &mut dot_segment,
            )?;
            segment_start = i + 1;
        }
    }
    check_segment(
        bytes.get(segment_start..).unwrap_or(&[]),
        false,
        &mut dot_segment,
    )?;
    if !path.is_ascii() {
        check_characters(path)?;
    }
    if bytes.len() >= 2
        && bytes.get(1) == Some(&b':')
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
    {
        return Err(
            "the path is absolute (a drive letter); paths are relative to the repository root"
                .into(),
        );
    }
    let unified: Cow<'_, str> = if backslash {
        Cow::Owned(path.replace('\\', "/"))
    } else {
        Cow::Borrowed(path)
    };
    if !dot_segment {
        return Ok(unified);
    }
    let kept: Vec<&str> = unified.split('/').filter(|s| *s != ".").collect();
    if kept.is_empty() {
        return Err("the path names no file".into());
    }
    Ok(Cow::Owned(kept.join("/")))
}

/// Refuses a path with a character that is not what it looks like
/// ([`crate::quote::hidden`]).
fn check_characters(path: &str) -> Result<(), String> {
    use crate::quote::hidden;
    match path.chars().find_map(|c| hidden(c).map(|kind| (c, kind))) {
        Some((c, kind)) => Err(format!(
            "the path contains U+{:04X}, {kind}; it would not read as what it is",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// Whether a non-empty `path` certainly needs neither a change nor a refusal: ASCII, no
/// control character or backslash, no segment that is empty or starts with a dot (so no `.` or `..`
/// segment), no drive letter. Most paths are plain; this screen is a few branch-free passes
/// that compile to vector code, where the full check goes byte by byte. Whatever it does
/// not pass goes through the full check, which decides.
fn is_plain(path: &str) -> bool {
    let bytes = path.as_bytes();
    let odd_byte = bytes.iter().fold(false, |acc, &b| {
        acc | b.is_ascii_control() | (b == b'\\') | !b.is_ascii()
    });
    // `//` is an empty segment and `/.` starts a segment with a dot.
    let odd_pair = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |acc, (&a, &b)| {
            acc | ((a == b'/') & ((b == b'/') | (b == b'.')))
        });
    let odd_ends = matches!(bytes.first(), None | Some(b'/' | b'.'))
        || bytes.last() == Some(&b'/')
        || bytes.get(1) == Some(&b':');
    !(odd_byte || odd_pair || odd_ends)
}

/// Checks one segment; `leading_empty` marks the empty segment before a leading separator.
fn check_segment(
    segment: &[u8],
    leading_empty: bool,
    dot_segment: &mut bool,
) -> Result<(), String> {
    match segment {
        [] if leading_empty => {
            Err("the path is absolute; paths are relative to the repository root".into())
        }
        [] => Err("the path has an empty segment (`//` or a trailing `/`)".into()),
        b".." => Err("the path has a `..` segment".into()),
        b"." => {
            *dot_segment = true;
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_hidden_character_and_names_it() {
        let hidden: Vec<char> = (0..=0x9F_u32)
            .filter(|&c| !(0x20..0x7F).contains(&c))
            .chain([0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF])
            .chain((0x202A..=0x202E).chain(0x2066..=0x2069))
            .chain((0x200B..=0x200D).chain(0x2060..=0x2064))
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(hidden.len(), 65 + 23);
        for c in hidden {
            let path = format!("docs/a{c}b.md");
            let error = normalize_path(&path).unwrap_err();
            if !c.is_ascii() {
                assert!(
                    error.starts_with(&format!("the path contains U+{:04X}, ", u32::from(c))),
                    "{error}"
                );
            }
        }
        // Other non-ASCII characters are paths like any other.
        for path in [
            "docs/é.md",
            "文档/说明.md",
            "docs/\u{a0}.md",
            "emoji/😀.png",
        ] {
            assert_eq!(normalize_path(path).unwrap(), path);
        }
        assert_eq!(normalize_path("./docs/é.md").unwrap(), "docs/é.md");
    }

    #[test]
    fn normalizes_harmless_spellings() {
        assert_eq!(normalize_path("docs/a.md").unwrap(), "docs/a.md");
        assert_eq!(normalize_path("./docs/a.md").unwrap(), "docs/a.md");
        assert_eq!(normalize_path("docs\\a.md").unwrap(), "docs/a.md");
        assert_eq!(normalize_path("docs/./a.md").unwrap(), "docs/a.md");
        assert!(matches!(normalize_path("a.md").unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn the_plain_screen_passes_only_paths_the_full_check_leaves_alone() {
        let alphabet = [
            "a", "b", ".", "/", "\\", ":", "\0", "\n", "\u{7f}", "é", "C",
        ];
        // Every string of up to four symbols of the alphabet.
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            paths.extend(longer);
        }
        paths.sort();
        paths.dedup();
        let mut plain = 0;
        for path in &paths {
            if is_plain(path) {
                plain += 1;
                assert!(
                    matches!(normalize_in_full(path), Ok(Cow::Borrowed(p)) if p == path),
                    "{path:?}"
                );
            }
        }
        // ASCII paths only (anything else goes through the full check): 660 of them.
        assert!(plain > 500, "{plain}");
    }

    #[test]
    fn refuses_paths_that_hide_their_target() {
        for bad in [
            "",
            "docs/../src/core.py",
            "..",
            "/etc/passwd",
            "\\\\server\\share",
            "C:\\x",
            "a//b",
            "a/",
            "a\0b",
            ".",
            "a/\nb",
            "docs/a\u{85}b.md",
            "docs/a\u{202e}.md",
            "docs/a\u{7f}.md",
        ] {
            assert!(normalize_path(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(normalize_path(&"a".repeat(MAX_PATH_BYTES + 1)).is_err());
        assert!(normalize_path(&"a".repeat(MAX_PATH_BYTES)).is_ok());
    }
}
