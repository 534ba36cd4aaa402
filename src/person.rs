//! When two ids name one person.
//!
//! The self-approval check (the requester's own approval never counts), the approver
//! declarations (no two approvers may be one person, E0055) and the approval window (the
//! requester's credentials never place it) all ask whether two ids are one person. Ids are
//! text a person types or a service copies, so one person's id can arrive spelled several
//! ways that read alike: other letter case (`Alice`, `ALICE`, `JOSÉ`), composed or decomposed
//! accents (`é` as one character or as `e` and a combining accent), compatibility forms
//! (fullwidth letters), invisible variation selectors or zero-width characters, spaces
//! around it. All of those are one person here: the key of an id is its trimmed text in
//! Unicode compatibility normalization (NFKC), lowercased (with final sigma as sigma and
//! sharp s as `ss`, as case folding has them), without default-ignorable characters ([`crate::quote::hidden`]).
//! Look-alike letters from other scripts (a Cyrillic `а` for a Latin `a`) remain different
//! ids; the service naming the actor must name it by its real id.

use unicode_normalization::UnicodeNormalization as _;

/// The text two ids of one person share (see the module docs).
pub(crate) fn person_key(id: &str) -> String {
    // Printable ASCII, the usual id, needs only lowercasing.
    let id = id.trim();
    if id.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return id.to_ascii_lowercase();
    }
    let mut key = String::with_capacity(id.len());
    for c in id
        .nfkc()
        .filter(|&c| crate::quote::hidden(c).is_none())
        .flat_map(char::to_lowercase)
    {
        // Where lowercasing and case folding part: final sigma is sigma (`ΟΔΥΣΣΕΥΣ` is
        // `οδυσσευς`), and sharp s is `ss` (`STRASSE` is `straße`).
        match c {
            'ς' => key.push('σ'),
            'ß' => key.push_str("ss"),
            c => key.push(c),
        }
    }
    key.trim().to_string()
}

/// Whether two ids name one person.
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim()) || person_key(a) == person_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_however_the_id_is_spelled() {
        let alice = "alice@example.com";
        for other in [
            "Alice@Example.com",
            " alice@example.com ",
            "alice@example.com\u{FE0F}",
            "alice@example.com\u{E0100}",
            "alice@example.com\u{180B}",
            "alice@example.com\u{200B}",
            "\u{FF41}lice@example.com", // fullwidth a
        ] {
            assert!(same_person(alice, other), "{other:?}");
        }
        assert!(same_person("josé@example.com", "jose\u{301}@example.com"));
        assert!(same_person("josé@example.com", "JOSÉ@example.com"));
        assert!(same_person("οδυσσευς", "ΟΔΥΣΣΕΥΣ"));
        assert!(same_person("straße", "STRASSE"));
        for hidden in ['\u{2065}', '\u{FFF0}', '\u{E0080}', '\u{E01F0}'] {
            assert!(
                same_person(alice, &format!("{alice}{hidden}")),
                "{hidden:?}"
            );
        }
        for other in [
            "bob@example.com",
            "alice@example.org",
            "\u{430}lice@example.com",
        ] {
            assert!(!same_person(alice, other), "{other:?}");
        }
    }
}
