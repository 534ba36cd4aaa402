//! `gavel test --format junit`: the run as JUnit XML, the test-report format CI systems
//! (GitLab, Jenkins, GitHub's test reporters) collect, as `conftest --output junit` gives it.
//!
//! One `testsuite` per policy, one `testcase` per case (its `classname` the test file). A
//! test file that cannot run, a policy that does not compile, and a run in which no case ran
//! are each one `testcase` with an `error`; with `--coverage`, a policy's gaps are one
//! `testcase` named `coverage` with a `failure`. The counts agree with the closing line.

use std::fmt::Write as _;

use super::test_report::{PolicyReport, TestReport};

/// The report as one JUnit XML document.
pub(super) fn render(report: &TestReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let suites: Vec<Suite> = report.policies.iter().map(Suite::of).collect();
    let mut run_error = None;
    if let Some(error) = &report.error {
        let mut suite = Suite::new("gavel test");
        suite.error("(run)", "gavel test", error, "");
        run_error = Some(suite);
    }
    let all = suites.iter().chain(&run_error);
    let (tests, failures, errors) = all.clone().fold((0, 0, 0), |(t, f, e), s| {
        (t + s.tests, f + s.failures, e + s.errors)
    });
    let _ = writeln!(
        out,
        "<testsuites name=\"gavel test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for suite in all {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            attr(&suite.name),
            suite.tests,
            suite.failures,
            suite.errors
        );
        out.push_str(&suite.cases);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// One policy's `testsuite`, its test cases already written.
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    cases: String,
}

impl Suite {
    fn new(name: &str) -> Suite {
        Suite {
            name: name.to_string(),
            tests: 0,
            failures: 0,
            errors: 0,
            cases: String::new(),
        }
    }

    fn of(policy: &PolicyReport) -> Suite {
        let mut suite = Suite::new(&policy.policy);
        if let Some(error) = &policy.error {
            let detail = policy.diagnostics_text.as_deref().unwrap_or_default();
            suite.error("(policy)", &policy.policy, error, detail);
        }
        for file in &policy.files {
            if let Some(error) = &file.error {
                suite.error(
                    "(file)",
                    &file.file,
                    &format!("cannot run this file: {error}"),
                    "",
                );
            }
            for case in &file.cases {
                if case.passed {
                    suite.case(&case.name, &file.file, "");
                    continue;
                }
                let mut detail = case.failures.join("\n");
                if let Some(decision) = &case.decision {
                    detail.push_str(&format!("\ndecision: {decision}"));
                }
                let message = case.failures.first().map_or("", String::as_str);
                suite.failures += 1;
                suite.case(
                    &case.name,
                    &file.file,
                    &format!(
                        "      <failure message=\"{}\">{}</failure>\n",
                        attr(message),
                        escape(&detail)
                    ),
                );
            }
        }
        if let Some(coverage) = &policy.coverage {
            let body = if coverage.gaps.is_empty() {
                String::new()
            } else {
                suite.failures += 1;
                format!(
                    "      <failure message=\"{} coverage gaps\">{}</failure>\n",
                    coverage.gaps.len(),
                    escape(&format!(
                        "{}\n{}",
                        coverage.summary,
                        coverage.gaps.join("\n")
                    ))
                )
            };
            suite.case("coverage", &policy.policy, &body);
        }
        suite
    }

    /// A `testcase` holding `body` (empty for a pass).
    fn case(&mut self, name: &str, classname: &str, body: &str) {
        self.tests += 1;
        if body.is_empty() {
            let _ = writeln!(
                self.cases,
                "    <testcase name=\"{}\" classname=\"{}\"/>",
                attr(name),
                attr(classname)
            );
        } else {
            let _ = write!(
                self.cases,
                "    <testcase name=\"{}\" classname=\"{}\">\n{body}    </testcase>\n",
                attr(name),
                attr(classname)
            );
        }
    }

    /// A `testcase` with an `error`: something that kept cases from running.
    fn error(&mut self, name: &str, classname: &str, message: &str, detail: &str) {
        self.errors += 1;
        let body = format!(
            "      <error message=\"{}\">{}</error>\n",
            attr(message),
            escape(detail)
        );
        self.case(name, classname, &body);
    }
}

/// `text` as XML character data or an attribute value: markup characters as entities, and
/// what XML 1.0 cannot hold at all (controls other than tab, line feed and carriage return;
/// U+FFFE, U+FFFF) written out as `\u{..}`, as gavel shows such characters elsewhere. Case
/// names and messages come from test files and policies.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as an attribute value: [`escape`], and line breaks and tabs as character
/// references, which XML readers would otherwise turn into spaces (found by QA).
fn attr(text: &str) -> String {
    escape(text)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::{attr, escape};

    #[test]
    fn attribute_values_keep_their_line_breaks() {
        assert_eq!(attr("a\nb\r\tc<"), "a&#10;b&#13;&#9;c&lt;");
    }

    #[test]
    fn markup_and_characters_xml_cannot_hold_are_escaped() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}[31m\u{0}\tok\n\u{ffff}é"),
            "a&lt;b&gt;&amp;&quot;c&apos;\\u{1b}[31m\\u{0}\tok\n\\u{ffff}é"
        );
    }
}
