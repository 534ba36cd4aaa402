//! Which argument made clap refuse a command line as "invalid UTF-8".
//!
//! gavel reads its text flags (`--actor`, `--attr`, `--reason`...) as UTF-8, as every
//! request and record holds text. clap refuses a value that is not with one generic line,
//! "invalid UTF-8 was detected in one or more arguments", which does not say which argument
//! it was; on a long command line built by a script, that leaves the user guessing. This
//! finds it and names its flag, with the value's bytes escaped.
//!
//! Path flags (`--policies`, `--request`...) take any bytes, as paths may, so a value of a
//! path flag is never the culprit and is passed over.

use std::ffi::OsString;

use clap::Command;

/// The message for the first argument of `args` (without the program name) that is not
/// UTF-8 and not the value of a path flag, read against `command`'s flags; `None` when there
/// is none.
pub(super) fn describe(command: &Command, args: &[OsString]) -> Option<String> {
    for (i, arg) in args.iter().enumerate() {
        if arg.to_str().is_some() {
            continue;
        }
        let bytes = arg.as_encoded_bytes();
        // `--flag=value` names its flag itself; otherwise the flag is the argument before,
        // when that is one.
        let (flag, value) = match bytes.strip_prefix(b"--").and_then(|rest| {
            let at = rest.iter().position(|&b| b == b'=')?;
            Some((rest.get(..at)?, rest.get(at + 1..)?))
        }) {
            Some((name, value)) => (std::str::from_utf8(name).ok(), value),
            None => (
                i.checked_sub(1)
                    .and_then(|before| args.get(before))
                    .and_then(|before| before.to_str())
                    .and_then(|before| before.strip_prefix("--")),
                bytes,
            ),
        };
        let shown = value.escape_ascii().to_string();
        return Some(match flag {
            Some(flag) if takes_path(command, args, flag) => continue,
            Some(flag) => format!(
                "error: the value of `--{flag}` is not valid UTF-8: `{shown}` (text flags are \
                 read as UTF-8)"
            ),
            None => format!(
                "error: argument {} is not valid UTF-8: `{shown}` (text arguments are read as \
                 UTF-8)",
                i + 1
            ),
        });
    }
    None
}

/// Whether the flag `--name` of the subcommand `args` select takes a path (any bytes).
fn takes_path(command: &Command, args: &[OsString], name: &str) -> bool {
    selected(command, args).get_arguments().any(|arg| {
        // clap names its parsers in their `Debug` form (`ValueParser::path_buf`, as its
        // `value_parser!` documentation shows); its type ids are not public.
        arg.get_long() == Some(name)
            && matches!(
                format!("{:?}", arg.get_value_parser()).as_str(),
                "ValueParser::path_buf" | "ValueParser::os_string"
            )
    })
}

/// The subcommand the leading arguments name (`audit verify` in `audit verify --log x`).
fn selected<'c>(command: &'c Command, args: &[OsString]) -> &'c Command {
    let mut current = command;
    for arg in args {
        match arg.to_str().and_then(|name| current.find_subcommand(name)) {
            Some(sub) => current = sub,
            None => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[cfg(unix)]
    fn os(bytes: &[u8]) -> OsString {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(bytes.to_vec())
    }

    #[cfg(unix)]
    #[test]
    fn names_the_flag_of_a_text_value_and_passes_over_paths() {
        let command = crate::cli::Cli::command();
        let args = |list: &[&[u8]]| list.iter().map(|a| os(a)).collect::<Vec<_>>();
        assert_eq!(
            describe(&command, &args(&[b"eval", b"--actor", b"a\xffb"])).as_deref(),
            Some(
                "error: the value of `--actor` is not valid UTF-8: `a\\xffb` (text flags are \
                 read as UTF-8)"
            )
        );
        assert_eq!(
            describe(&command, &args(&[b"eval", b"--attr=k=\xff"])).as_deref(),
            Some(
                "error: the value of `--attr` is not valid UTF-8: `k=\\xff` (text flags are \
                 read as UTF-8)"
            )
        );
        // A path may be any bytes: the text flag after it is named.
        assert_eq!(
            describe(
                &command,
                &args(&[b"eval", b"--policies", b"/tmp/\xfe", b"--role", b"\x1b\xff"])
            )
            .as_deref(),
            Some(
                "error: the value of `--role` is not valid UTF-8: `\\x1b\\xff` (text flags \
                 are read as UTF-8)"
            )
        );
        // A stray positional argument is named by position.
        assert_eq!(
            describe(&command, &args(&[b"check", b"\xff"])).as_deref(),
            Some(
                "error: argument 2 is not valid UTF-8: `\\xff` (text arguments are read as \
                 UTF-8)"
            )
        );
        assert_eq!(
            describe(&command, &args(&[b"eval", b"--actor", b"a"])),
            None
        );
    }
}
