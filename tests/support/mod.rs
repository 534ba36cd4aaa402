//! A test builder that runs the real `gavel` binary in a fresh temporary directory, in the
//! style of `just`'s integration tests:
//!
//! ```ignore
//! Cli::new().file("policies/p.gavel", POLICY).args(["check"]).run().code(0).stderr_has("ok");
//! ```

// Not every test file uses every helper.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A pending command: a temporary directory with files, arguments, optional stdin.
pub struct Cli {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    envs: Vec<(String, String)>,
}

/// What the command did.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
}

impl Cli {
    pub fn new() -> Self {
        Cli {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            stdin: None,
            envs: Vec::new(),
        }
    }

    /// Writes a file (creating parent directories) relative to the temporary directory.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        let full = self.dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, contents).expect("write");
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|s| s.as_ref().to_string()));
        self
    }

    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Self {
        self.stdin = Some(input.as_ref().to_vec());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the command and keeps the directory for further commands.
    pub fn run(self) -> (Output, Workspace) {
        let output = run_in(
            self.dir.path(),
            &self.args,
            self.stdin.as_deref(),
            &self.envs,
        );
        (output, Workspace { dir: self.dir })
    }

    /// Runs the command, discarding the directory afterwards.
    pub fn output(self) -> Output {
        self.run().0
    }
}

/// A directory that outlives one command, for multi-step flows.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|s| s.as_ref().to_string()).collect();
        run_in(self.dir.path(), &args, None, &[])
    }

    pub fn run_stdin<I, S>(&self, args: I, stdin: &[u8]) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|s| s.as_ref().to_string()).collect();
        run_in(self.dir.path(), &args, Some(stdin), &[])
    }

    pub fn run_env<I, S>(&self, args: I, envs: &[(&str, &str)]) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|s| s.as_ref().to_string()).collect();
        let envs: Vec<(String, String)> = envs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        run_in(self.dir.path(), &args, None, &envs)
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).expect("read")
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, contents).expect("write");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `gavel license issue` for org `acme`, expiring 2027-01-31, issued at `now`; must
    /// succeed.
    pub fn issue_license(&self, tier: &str, key: &str, out: &str, now: &str) {
        self.run([
            "license",
            "issue",
            "--tier",
            tier,
            "--org",
            "acme",
            "--expires",
            "2027-01-31",
            "--key",
            key,
            "--out",
            out,
            "--now",
            now,
        ])
        .code(0);
    }
}

fn run_in(dir: &Path, args: &[String], stdin: Option<&[u8]>, envs: &[(String, String)]) -> Output {
    use std::io::Write as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_gavel"));
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GAVEL_AUDIT_KEY")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("spawn gavel");
    // Stdin is written from its own thread while the output is collected: written first, a
    // large input could wait on a child that waits on its full stdout pipe. A child that
    // exits without reading all of it (an error found first, or a read limit) closes the
    // pipe; that is the child's answer, judged by its exit code and output, not a failure to
    // run it.
    let writer = match (stdin, child.stdin.take()) {
        (Some(input), Some(mut pipe)) => {
            let input = input.to_vec();
            Some(std::thread::spawn(move || match pipe.write_all(&input) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    panic!("write stdin: {e}")
                }
                _ => {}
            }))
        }
        _ => None,
    };
    let out = child.wait_with_output().expect("wait");
    if let Some(writer) = writer {
        writer.join().expect("stdin writer");
    }
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        dir: dir.to_path_buf(),
    }
}

impl Output {
    /// Asserts the exit code.
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `git ARGS` in `repo` with a fixed identity; panics unless it succeeds. Returns its
/// trimmed stdout.
pub fn git(repo: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@e")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@e")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
