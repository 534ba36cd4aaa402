//! "Did you mean ...?" suggestions for misspelled names.

/// The candidate closest to `name`, when one is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = strsim::jaro_winkler(name, candidate);
        let close = score >= 0.8 || strsim::levenshtein(name, candidate) <= name.len().max(3) / 3;
        if close && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let sets = ["protected", "allowed", "never_auto_approve"];
        assert_eq!(did_you_mean("protcted", sets), Some("protected"));
        assert_eq!(did_you_mean("alowed", sets), Some("allowed"));
        assert_eq!(did_you_mean("zzz", sets), None);
    }
}
