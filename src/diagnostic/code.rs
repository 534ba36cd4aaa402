//! Stable diagnostic codes. Tools match on these; never renumber one.

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy still compiles.
    Warning,
    /// The policy does not compile.
    Error,
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// Every diagnostic gavel can report, with its stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable code, e.g. `E0020`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// Whether this code is an error or a warning.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line describing what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }

        /// The stable code (`E0020`), as diagnostics print it.
        impl std::fmt::Display for Code {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

codes! {
    Syntax = "E0001", Error, "the text does not follow the grammar";
    Dropped = "E0009", Error, "a declaration could not be built and nothing else says why (a bug in gavel)";
    Unreadable = "E0002", Error, "a policy file cannot be read, is not UTF-8, or is binary";
    TooLarge = "E0003", Error, "a policy exceeds a documented size limit";
    TooDeep = "E0004", Error, "an expression is nested deeper than the limit";
    BadEscape = "E0005", Error, "a string contains an unknown escape sequence";
    BadNumber = "E0006", Error, "a number literal is too precise or out of range";
    BadDuration = "E0007", Error, "a duration literal is malformed or too long";
    HiddenCharacter = "E0008", Error, "a policy file holds a control, bidirectional or invisible character";
    Duplicate = "E0010", Error, "a name or a once-only declaration is declared twice";
    MissingPolicyName = "E0011", Error, "no `policy \"name\"` declaration";
    NoFiles = "E0012", Error, "the policy directory holds no `.gavel` files";
    UnknownSet = "E0020", Error, "a path set name is not declared";
    UnknownRole = "E0021", Error, "a role is not declared";
    UnknownEnvironment = "E0022", Error, "an environment is not declared";
    UnknownAttribute = "E0023", Error, "an `attr.` name is not declared";
    UnknownName = "E0024", Error, "a name is neither a helper nor a known value here";
    UnknownFact = "E0025", Error, "a dotted name is not a fact the request provides";
    UnknownFunction = "E0026", Error, "a function name is not `min`, `max` or `lower`";
    UnknownLevel = "E0027", Error, "a risk level is not declared";
    UnknownSymbol = "E0028", Error, "a value is not one of the values its fact can take";
    TypeMismatch = "E0030", Error, "an operand has the wrong type";
    WrongArity = "E0031", Error, "a function gets the wrong number of arguments";
    FileFactOutsideWhere = "E0032", Error, "a per-file fact is used outside `where`";
    NotBoolean = "E0033", Error, "a condition is not a boolean";
    NotConstant = "E0034", Error, "an attribute default is not a constant of its type";
    BadInterpolation = "E0035", Error, "a `{...}` in a message is not a valid expression";
    NestedQuantifier = "E0036", Error, "a quantifier or count is nested inside `where`";
    ReservedName = "E0037", Error, "a helper or set uses a name that already means something else";
    BadGlob = "E0040", Error, "a glob pattern is invalid";
    BadRegex = "E0041", Error, "a regular expression is invalid or too large";
    RecursiveLet = "E0042", Error, "helpers refer to each other in a cycle";
    EmptySet = "E0043", Error, "a path set has no patterns";
    BadKey = "E0050", Error, "a public key is malformed";
    BadRequirement = "E0051", Error, "an approval requirement is impossible as written";
    BadLevels = "E0052", Error, "risk levels are out of order or lack a final catch-all";
    BadLicense = "E0053", Error, "a license tier is inconsistent";
    EmptyApproverId = "E0054", Error, "an approver id is empty or starts or ends with whitespace";
    SamePerson = "E0055", Error, "two approvers could be one person: ids equal but for case, or one key";
    UnusedSet = "W0001", Warning, "a path set is never used";
    UnusedRole = "W0002", Warning, "a role is never used";
    UnusedAttribute = "W0003", Warning, "an attribute is never used";
    UnusedHelper = "W0004", Warning, "a helper is never used";
    UnsatisfiableGate = "W0010", Warning, "too few declared approvers hold a gate's roles";
    StaleGlob = "W0011", Warning, "a glob matches no file tracked in the repository";
    ApproverWithoutKey = "W0012", Warning, "an approver has no key, so their approvals never verify";
    RepeatedRole = "W0013", Warning, "a role is named twice in one list";
    RegexLikeGlob = "W0014", Warning, "a glob is written like a regex";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_displays_as_its_stable_code() {
        for code in Code::ALL {
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(Code::UnknownSet.to_string(), "E0020");
    }
}
