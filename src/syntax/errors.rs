//! Turning pest's errors into diagnostics a policy author can act on.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parser::Rule;
use crate::ast::{FileId, Span};
use crate::diagnostic::{Code, Diagnostic};

/// A syntax error at the position pest reports, naming what was found and what was expected.
pub(crate) fn syntax_error(
    file: FileId,
    offset: usize,
    text: &str,
    error: &Error<Rule>,
) -> Diagnostic {
    let (mut pos, mut farther) = error_position(error);
    // pest blames the start of a construct that began as expected (`levels` for a mistake
    // inside `levels { high > 5 }`), which reads as "unexpected X; expected X": the
    // farthest position reached, with every token tried there, says what is wrong.
    if farther.is_none()
        && let ErrorVariant::ParsingError { positives, .. } = &error.variant
        && let Some(attempts) = error.parse_attempts()
        && attempts.max_position > pos
        && {
            let expected = describe_expected(positives);
            let found = found_token(text, pos);
            expected.contains(&format!("`{found}`")) || expected.contains(&format!("`{found} "))
        }
    {
        let mut tokens = literals(&attempts.expected_tokens());
        tokens.retain(|t| !t.trim().is_empty() && t != "#");
        tokens.sort_unstable();
        tokens.dedup();
        let tokens: Vec<String> = tokens.iter().map(|t| format!("`{t}`")).collect();
        if let [init @ .., last] = tokens.as_slice() {
            pos = attempts.max_position;
            farther = Some(if init.is_empty() {
                last.clone()
            } else {
                format!("{} or {last}", init.join(", "))
            });
        }
    }
    let found = found_token(text, pos);
    let span_len = found.len().max(1);
    let end = (pos + span_len).min(text.len().max(pos));
    let span = Span::new(file, offset + pos..offset + end);
    // The literal tokens tried where the error is (with pest's error detail on).
    let tried: Vec<String> = error
        .parse_attempts()
        .filter(|attempts| attempts.max_position == pos)
        .map(|attempts| literals(&attempts.expected_tokens()))
        .unwrap_or_default();
    let mut expected = match farther {
        Some(tokens) => tokens,
        None => match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
            ErrorVariant::CustomError { message } => message.clone(),
        },
    };
    // A closing bracket the grammar would also take there is what is most often missing
    // (found by QA: `when (a then` listed operators but not `)`).
    let closers: Vec<&str> = ["}", ")", "]"]
        .into_iter()
        .filter(|c| tried.iter().any(|t| t == c) && !expected.contains(&format!("`{c}`")))
        .collect();
    if !closers.is_empty() && expected != "something else" {
        let closers: Vec<String> = closers.iter().map(|c| format!("`{c}`")).collect();
        expected = format!("{expected}, or {}", closers.join(" or "));
    }
    // Where the grammar names nothing (pest lists no positives at the start of a file, nor
    // after a regex), say what belongs there.
    let expected = if expected == "something else" {
        something_else(text, pos, &found)
    } else {
        expected
    };
    let found_text = shown_token(&found);
    let mut diagnostic = Diagnostic::new(
        Code::Syntax,
        span,
        format!("unexpected {found_text}; expected {expected}"),
    )
    .with_label("unexpected here");
    // The bracket left open, when a closing one is what the grammar wanted.
    if (expected.contains("`}`") || expected.contains("`)`") || expected.contains("`]`"))
        && let Some((at, open)) = unclosed_bracket(text, pos)
        && !closed_later(text, pos, open)
    {
        diagnostic = diagnostic.with_secondary(
            Span::new(file, offset + at..offset + at + 1),
            format!("this `{open}` is not closed"),
        );
    }
    let help = help_for(text, pos, &found)
        .or_else(|| hash_took_the_message(text, pos, &expected))
        .or_else(|| misspelled_keyword(text, pos, &found, &tried, &expected));
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// `notify #deploys`: the `#` starts a comment, so the message the grammar expects is
/// missing, and the error lands on whatever comes next (found by QA: the design's own
/// `notify "#deploys"` written without its quotes).
fn hash_took_the_message(text: &str, pos: usize, expected: &str) -> Option<String> {
    if !expected.starts_with("a string") {
        return None;
    }
    let before = text.get(..pos)?;
    let line = before.trim_end().rsplit('\n').next()?;
    let (code, comment) = line.split_once('#')?;
    let keyword = code.split_whitespace().last()?;
    if code.contains('"') || !matches!(keyword, "notify" | "block") {
        return None;
    }
    let words = comment.split_whitespace().next().unwrap_or("");
    Some(format!(
        "`#` starts a comment, so `{keyword}` has no message: quote it, `{keyword} \"#{words}\"`"
    ))
}

/// Where a syntax error is, and what was expected there when that is farther than pest's
/// own error points.
///
/// With error detail (`super::parse`), pest records the tokens tried at the farthest
/// position the parse reached. Only structural punctuation is taken from there: closing
/// punctuation says where a construct should have ended (`}` after a rule's outcome), and
/// opening punctuation where one should have begun (`{` after a rule's name and title, `[`
/// after a path set's name, `:` after an attribute's — found by QA: those errors pointed at
/// the declaration's first word and called it unexpected). Other tokens tried farther on
/// are the inside of a word or a string, which pest's own error describes better.
pub(crate) fn error_position(error: &Error<Rule>) -> (usize, Option<String>) {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let farther = error.parse_attempts().and_then(|attempts| {
        let tokens = describe_tokens(&attempts.expected_tokens());
        (attempts.max_position > pos && !tokens.is_empty())
            .then_some((attempts.max_position, tokens))
    });
    match farther {
        Some((at, tokens)) => (at, Some(tokens)),
        None => (pos, None),
    }
}

/// The literal tokens among `tokens` (see [`describe_tokens`] for how they are told apart).
fn literals<T: std::fmt::Display + std::fmt::Debug>(tokens: &[T]) -> Vec<String> {
    tokens
        .iter()
        .filter(|token| format!("{token:?}").starts_with("Sensitive"))
        .map(|token| token.to_string())
        .collect()
}

/// The brackets of `text` with their offsets, outside strings, regexes and comments (which
/// end at the line's end, as the grammar's do).
pub(super) fn brackets(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    text.char_indices().filter(move |&(_, c)| {
        if comment {
            comment = c != '\n';
            return false;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q || c == '\n' {
                quote = None;
            }
            return false;
        }
        match c {
            '#' => comment = true,
            '"' | '/' => quote = Some(c),
            _ => {}
        }
        matches!(c, '(' | '[' | '{' | ')' | ']' | '}')
    })
}

/// The innermost bracket opened before `pos` and not closed by then, with its offset.
fn unclosed_bracket(text: &str, pos: usize) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    for (at, c) in brackets(text.get(..pos)?) {
        match c {
            '(' | '[' | '{' => open.push((at, c)),
            _ => {
                open.pop();
            }
        }
    }
    open.pop()
}

/// Whether the bracket `open`, open at `pos`, is closed after it (`then block "x" junk }`:
/// the rule's `{` is closed, a word is in the way): brackets opened after `pos` are matched
/// first, and a closing bracket of another kind that closes nothing opened after `pos`
/// means `open` never was.
fn closed_later(text: &str, pos: usize, open: char) -> bool {
    let close = match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    };
    let mut depth = 0usize;
    for (_, c) in brackets(text.get(pos..).unwrap_or("")) {
        match c {
            '(' | '[' | '{' => depth += 1,
            _ if depth > 0 => depth -= 1,
            c => return c == close,
        }
    }
    false
}

/// A keyword the word at `pos` is probably a misspelling of (found by QA: `rul`, `wen`,
/// `auto_aprove`, `withn` got no suggestion, where names do): the keywords tried there, and
/// the declaration keywords at the start of a line.
fn misspelled_keyword(
    text: &str,
    pos: usize,
    found: &str,
    tried: &[String],
    expected: &str,
) -> Option<String> {
    // A keyword in the wrong place is not misspelled (`rule` where a `}` was missing).
    if !found
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        || KEYWORDS.contains(&found)
    {
        return None;
    }
    let before = text.get(..pos).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let starts_line = before
        .get(line_start..)
        .is_some_and(|l| l.trim().is_empty());
    let mut candidates: Vec<&str> = tried
        .iter()
        .map(String::as_str)
        .filter(|t| t.len() > 1 && t.chars().all(|c| c.is_ascii_alphabetic() || c == '_'))
        .collect();
    if starts_line {
        candidates.extend(super::DECLARATION_KEYWORDS);
    }
    // And the keywords the message names as expected (`an outcome (`auto_approve`, ...,
    // `block`)`), which pest may not list as tried there (found: `blok` got no help).
    candidates.extend(
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|word| KEYWORDS.contains(word)),
    );
    crate::diagnostic::did_you_mean(found, candidates)
        .map(|keyword| format!("did you mean `{keyword}`?"))
}

/// What is expected at `pos` when the grammar names nothing: a declaration at the start of
/// a line that begins nothing else, a pattern after a regex's opening `/`, a regex flag
/// after its closing one.
fn something_else(text: &str, pos: usize, found: &str) -> String {
    let before = text.get(..pos).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    if before
        .get(line_start..)
        .is_some_and(|l| l.trim().is_empty())
    {
        return "a declaration (`policy`, `rule`, `paths`, `roles`, `default`, ...)".into();
    }
    if before.ends_with('/') && found == "/" {
        return "the regex's pattern (a regex is not empty)".into();
    }
    if before.ends_with('/') {
        return "a regex flag (`i`, `m`, `s`, `x`) or the end of the regex".into();
    }
    "something else".into()
}

/// The token at `pos` of `text` (after whitespace) as a message names it, with where it
/// is (for a piece's end inside a file).
pub(crate) fn shown_found(text: &str, pos: usize) -> (String, std::ops::Range<usize>) {
    let rest = text.get(pos..).unwrap_or("");
    let at = pos + (rest.len() - rest.trim_start().len());
    let found = found_token(text, at);
    (shown_token(&found), at..at + found.len().max(1))
}

/// `found` as the message names it. A character that shows nothing or shows as something
/// else (a no-break space, a zero-width or bidirectional character, a line separator) is
/// named by its code point: printed raw, it would say nothing, or undo the placeholder the
/// E0008 beside it shows.
fn shown_token(found: &str) -> String {
    let mut chars = found.chars();
    match (chars.next(), chars.next()) {
        (None, _) => "end of file".to_string(),
        (Some(c), None) if c != ' ' && (c.is_whitespace() || crate::quote::hidden(c).is_some()) => {
            format!("U+{:04X}", u32::from(c))
        }
        // A letter of another script can look like an ASCII one (found by QA: a Cyrillic
        // `а` in `lines.chаnged` read as "unexpected `а`"): its code point says which.
        (Some(c), None) if !c.is_ascii() && c.is_alphabetic() => {
            format!("`{c}` (U+{:04X})", u32::from(c))
        }
        _ => format!("`{}`", crate::quote::one_line(found)),
    }
}

/// The token-ish text at `pos`: a word, a quoted string start, or one character.
fn found_token(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    if first.is_ascii_alphanumeric() || first == '_' {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .take(40)
            .collect()
    } else {
        first.to_string()
    }
}

fn help_for(text: &str, pos: usize, found: &str) -> Option<String> {
    let before = text.get(..pos).unwrap_or("").trim_end();
    if found == "=" && !before.ends_with('=') {
        return Some("compare with `==`; `=` only appears in `let` and attribute defaults".into());
    }
    if found == "&" || found == "|" {
        return Some("write `and` / `or`".into());
    }
    if found == "!" {
        return Some("write `not` for negation, `!=` for inequality".into());
    }
    if found == "'" {
        return Some("strings use double quotes: \"...\"".into());
    }
    let last_word = before.split_whitespace().last().unwrap_or("");
    // `level { ... }` in a risk block reads as a factor's weight (found by QA).
    if found == "{" && last_word == "level" {
        return Some("did you mean `levels { ... }`?".into());
    }
    // A duration is numbers each with its unit, in lowercase (found by QA: `1h30`, `1H`).
    if before.ends_with("within") && found.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(
            "a duration gives every number its unit, in lowercase, largest first: `30m`, `1h`, \
             `1h30m`, `2d` (units `s`, `m`, `h`, `d`)"
                .into(),
        );
    }
    // What word processors and other languages write (found by QA).
    match found {
        "\u{201c}" | "\u{201d}" | "\u{201e}" | "\u{2018}" | "\u{2019}" => {
            return Some("typographic quotes are not quotes here: write `\"...\"`".into());
        }
        "\u{2265}" => return Some("write `>=`".into()),
        "\u{2264}" => return Some("write `<=`".into()),
        "\u{2260}" => return Some("write `!=`".into()),
        _ => {}
    }
    if found == "\"" && last_word == "auto_approve" {
        return Some(
            "`auto_approve` takes no message; `notify \"...\"` proceeds and sends one".into(),
        );
    }
    if found == "\"" && last_word == "in" && before.contains("file") {
        return Some(
            "`in` takes a path set's name; test a glob directly with `matches`: `any file \
             matches \"src/**\"`"
                .into(),
        );
    }
    // `roles qa,` ending a line: the list goes on with the next line's first word (found by
    // QA: `roles qa,` then `rule r {...}` read `rule` as a role).
    let earlier = text.get(..before.rfind('\n').unwrap_or(0)).unwrap_or("");
    let list_line = |line: &str| {
        line.trim_end().ends_with(',')
            && !line.contains(['#', '[', '('])
            && ["roles", "actions", "kinds", "approver", "override", "halt"]
                .iter()
                .any(|k| line.trim_start().starts_with(k))
    };
    // The error at the end of such a line (the next line began a declaration of its own),
    // not within it (`actions deploy,, merge`).
    let on_a_later_line = text
        .get(before.len()..pos)
        .is_some_and(|gap| gap.contains('\n'));
    if on_a_later_line && before.rsplit('\n').next().is_some_and(list_line) {
        return Some(
            "a list ends without a trailing `,`: remove the `,` ending the line before".into(),
        );
    }
    if earlier
        .trim_end()
        .rsplit('\n')
        .next()
        .is_some_and(list_line)
    {
        return Some(
            "the `,` ending the line before continues its list onto this line: remove it if \
             the list ends there"
                .into(),
        );
    }
    // (found by QA: `environments dev, staging, prod`.)
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    if found == ","
        && before
            .get(line_start..)
            .is_some_and(|l| l.trim_start().starts_with("environments"))
    {
        return Some(
            "environments are written in promotion order joined by `->`: \
             `environments dev -> staging -> prod`"
                .into(),
        );
    }
    // `10 when a` then `-10 when b` on the next line reads as `when a - 10 when b`: the
    // grammar stops at the second `when`, whose line starts the weight it took.
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let this_line = text.get(line_start..pos).unwrap_or("").trim_start();
    if found == "when" && (this_line.starts_with('-') || this_line.starts_with('(')) {
        return Some(
            "a risk weight starting with `-` or `(` continues the condition of the factor before \
             it: end that factor with `;`, or give it `as \"LABEL\"`"
                .into(),
        );
    }
    // A string or regex that the line does not close: what is wrong is the missing end,
    // not the opening quote the grammar stopped at.
    let rest_of_line = text
        .get(pos + found.len()..)
        .unwrap_or("")
        .split('\n')
        .next()
        .unwrap_or("");
    if found == "\"" && !closes(rest_of_line, '"') {
        return Some("this string is not closed: a string ends with `\"` on the same line".into());
    }
    if found == "/" && !closes(rest_of_line, '/') {
        return Some("this regex is not closed: a regex ends with `/` on the same line".into());
    }
    if found == "/" {
        return Some("regex literals are written `/pattern/`; there is no division".into());
    }
    None
}

/// Whether `rest` holds an unescaped `end`.
fn closes(rest: &str, end: char) -> bool {
    let mut escaped = false;
    for c in rest.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == end => return true,
            _ => {}
        }
    }
    false
}

/// Every keyword of the grammar (`grammar/gavel.pest`, the `kw_` rules).
const KEYWORDS: &[&str] = &[
    "policy",
    "environments",
    "roles",
    "role",
    "actions",
    "kinds",
    "approver",
    "agent",
    "key",
    "signer",
    "paths",
    "attribute",
    "list",
    "string",
    "number",
    "bool",
    "let",
    "risk",
    "levels",
    "license",
    "authority",
    "features",
    "limit",
    "for",
    "default",
    "rule",
    "when",
    "then",
    "else",
    "if",
    "halt",
    "resume",
    "by",
    "override",
    "auto_approve",
    "notify",
    "block",
    "require",
    "approvals",
    "approval",
    "from",
    "within",
    "humans_only",
    "scope",
    "or",
    "and",
    "not",
    "any",
    "all",
    "no",
    "in",
    "where",
    "matches",
    "contains",
    "starts_with",
    "ends_with",
    "file",
    "files",
    "count",
    "actor",
    "is",
    "has",
    "true",
    "false",
    "as",
];

/// What ends or begins a construct: the only tokens an error is moved farther on for.
const STRUCTURAL: &[&str] = &["}", ")", "]", ",", "{", "[", ":"];

/// The literal tokens pest tried, as a readable list (`` `}` ``, `` `)` or `,` ``); empty
/// unless every one of them (but a comment's `#`) is [`STRUCTURAL`]. (pest does not export its token type by name: a literal is the kind
/// whose debug form says `Sensitive`, and its display form is its text.)
fn describe_tokens<T: std::fmt::Display + std::fmt::Debug>(tokens: &[T]) -> String {
    let mut names = literals(tokens);
    // Whitespace and a comment may come anywhere; listing them says nothing.
    names.retain(|text| !text.trim().is_empty() && text != "#");
    if names.is_empty() || !names.iter().all(|text| STRUCTURAL.contains(&text.as_str())) {
        return String::new();
    }
    let mut names: Vec<String> = names.into_iter().map(|text| format!("`{text}`")).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A readable list of what the grammar would have accepted.
fn describe_expected(positives: &[Rule]) -> String {
    let mut names: Vec<&'static str> = positives.iter().map(|r| rule_name(*r)).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() > 8 {
        let declarations = positives.iter().filter(|r| is_declaration(**r)).count();
        if declarations >= 4 {
            return "a declaration (`policy`, `rule`, `paths`, `roles`, `default`, ...)".into();
        }
        names.truncate(8);
        return format!("one of {}, ...", names.join(", "));
    }
    match names.as_slice() {
        [] => "something else".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn is_declaration(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_policy
            | Rule::kw_environments
            | Rule::kw_roles
            | Rule::kw_approver
            | Rule::kw_paths
            | Rule::kw_attribute
            | Rule::kw_let
            | Rule::kw_risk
            | Rule::kw_license
            | Rule::kw_default
            | Rule::kw_rule
            | Rule::kw_halt
            | Rule::kw_override
            | Rule::kw_actions
            | Rule::kw_kinds
            | Rule::kw_signer
            | Rule::policy_decl
            | Rule::rule_decl
    )
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::name | Rule::name_raw | Rule::reference => "a name",
        Rule::dotted_name => "an attribute name",
        Rule::name_list => "a list of names",
        Rule::string | Rule::string_inner => "a string",
        Rule::number | Rule::level_threshold => "a number",
        Rule::integer => "a whole number",
        Rule::duration => "a duration like `1h`",
        Rule::regex => "a regex `/.../`",
        Rule::capability => "a capability",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::comparison
        | Rule::sum
        | Rule::product
        | Rule::unary
        | Rule::paren
        | Rule::conditional
        | Rule::quantifier
        | Rule::count_files
        | Rule::call
        | Rule::list
        | Rule::boolean
        | Rule::actor_is
        | Rule::actor_has_role
        | Rule::negation => "an expression",
        Rule::compare_op => "a comparison (`==`, `<`, ...)",
        Rule::string_op => "an operator",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::outcome | Rule::auto_approve | Rule::notify | Rule::block | Rule::require => {
            "an outcome (`auto_approve`, `notify`, `require`, `block`)"
        }
        Rule::type_name | Rule::scalar_type | Rule::list_type => {
            "a type (`string`, `number`, `bool`, `list<...>`)"
        }
        Rule::in_set | Rule::matches_pattern | Rule::where_clause => {
            "`in SET`, `matches \"glob\"` or `where CONDITION`"
        }
        Rule::quantifier_kw => "`any`, `all` or `no`",
        Rule::risk_factor => "a risk factor `WEIGHT when CONDITION`",
        Rule::levels_block => "`levels { ... }`",
        Rule::level => "a level",
        Rule::license_envs | Rule::license_features | Rule::license_limit => {
            "`environments`, `features` or `limit`"
        }
        Rule::halt_by | Rule::halt_resume_by | Rule::halt_resume_require => {
            "`by`, `resume by` or `resume require`"
        }
        Rule::within | Rule::humans_only | Rule::scope => "`within`, `humans_only` or `scope`",
        Rule::agent_flag => "`agent`",
        Rule::kw_policy => "`policy`",
        Rule::kw_environments => "`environments`",
        Rule::kw_roles => "`roles`",
        Rule::kw_role => "`role`",
        Rule::kw_actions => "`actions`",
        Rule::kw_kinds => "`kinds`",
        Rule::kw_approver => "`approver`",
        Rule::kw_agent => "`agent`",
        Rule::kw_key => "`key`",
        Rule::kw_signer => "`signer`",
        Rule::kw_paths => "`paths`",
        Rule::kw_attribute => "`attribute`",
        Rule::kw_list => "`list`",
        Rule::kw_string => "`string`",
        Rule::kw_number => "`number`",
        Rule::kw_bool => "`bool`",
        Rule::kw_let => "`let`",
        Rule::kw_risk => "`risk`",
        Rule::kw_levels => "`levels`",
        Rule::kw_license => "`license`",
        Rule::kw_authority => "`authority`",
        Rule::kw_features => "`features`",
        Rule::kw_limit => "`limit`",
        Rule::kw_for => "`for`",
        Rule::kw_default => "`default`",
        Rule::kw_rule => "`rule`",
        Rule::kw_when => "`when`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_if => "`if`",
        Rule::kw_halt => "`halt`",
        Rule::kw_resume => "`resume`",
        Rule::kw_by => "`by`",
        Rule::kw_override => "`override`",
        Rule::kw_auto_approve => "`auto_approve`",
        Rule::kw_notify => "`notify`",
        Rule::kw_block => "`block`",
        Rule::kw_require => "`require`",
        Rule::kw_approvals | Rule::kw_approval => "`approval(s)`",
        Rule::kw_from => "`from`",
        Rule::kw_within => "`within`",
        Rule::kw_humans_only => "`humans_only`",
        Rule::kw_scope => "`scope`",
        Rule::kw_or => "`or`",
        Rule::kw_and => "`and`",
        Rule::kw_not => "`not`",
        Rule::kw_any => "`any`",
        Rule::kw_all => "`all`",
        Rule::kw_no => "`no`",
        Rule::kw_in => "`in`",
        Rule::kw_where => "`where`",
        Rule::kw_matches => "`matches`",
        Rule::kw_contains => "`contains`",
        Rule::kw_starts_with => "`starts_with`",
        Rule::kw_ends_with => "`ends_with`",
        Rule::kw_file | Rule::kw_files => "`file`/`files`",
        Rule::kw_count => "`count`",
        Rule::kw_actor => "`actor`",
        Rule::kw_is => "`is`",
        Rule::kw_has => "`has`",
        Rule::kw_true | Rule::kw_false => "`true`/`false`",
        Rule::kw_as => "`as`",
        _ => "something else",
    }
}
