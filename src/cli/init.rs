//! `gavel init`: scaffold a starter policy, its tests and a key in a repository.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::keys::PrivateKey;

/// Arguments of `gavel init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Repository root to initialize.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Your approver id (default: git `user.email`, else `$USER`). Written into the policy
    /// as a string literal: `"` and `\` are written escaped (`\"`, `\\`); an empty id or one
    /// with a control character is refused.
    #[arg(long = "as", value_name = "ID")]
    approver: Option<String>,
}

const STARTER: &str = r#"# A starter gavel policy. Reference: docs/language.md in the gavel repository.
policy "starter"

# Promotion order: skipping an environment is blocked.
environments dev -> staging -> prod

roles admin, reviewer

# Approvers sign approvals with their key (`gavel keys new NAME` makes one).
approver "{ID}" roles admin, reviewer key "{KEY}"

# Decisions signed with this key verify (`gavel verify`); `gavel eval` signs with
# .gavel/keys/signing.key when it exists.
signer "this repository" key "{SIGNING_KEY}"

# Files that must never change without a person looking.
paths sensitive [".env*", "**/.env*", ".git/**", ".github/workflows/**"]
paths docs ["docs/**", "**/*.md"]

# Default deny: what no rule lets through waits for a person.
default require 1 approval from admin, reviewer within 1d

rule docs "Small documentation changes" {
  when files.count > 0 and all files in docs and lines.changed <= 100
  then auto_approve
}

rule sensitive "Sensitive files" {
  when any file in sensitive
  then require 1 approval from admin within 1d humans_only
}

rule agents_in_prod "AI agents do not deploy to production" {
  when actor is agent and environment == prod
  then block "AI agents may recommend production changes, not make them"
}
"#;

const STARTER_TESTS: &str = r#"# Run with `gavel test`.
cases:
  - name: a small docs change is auto-approved
    request:
      action: apply_patch
      environment: dev
      actor: {id: coding-agent, kind: agent}
      files:
        - {path: docs/guide.md, added: 20, removed: 3}
    expect:
      outcome: auto_approve
      fired: [docs]

  - name: touching .env needs an admin
    request:
      action: apply_patch
      environment: dev
      actor: {id: coding-agent, kind: agent}
      files:
        - {path: .env.local, added: 1}
    expect:
      outcome: require_approval
      gates: [{rule: sensitive, count: 1, roles: [admin]}]

  - name: agents never deploy to production
    request:
      action: deploy
      environment: prod
      actor: {id: coding-agent, kind: agent}
    expect:
      outcome: block
      reason_contains: AI agents may recommend

  - name: anything else waits for a person (default deny)
    request:
      action: apply_patch
      environment: dev
      actor: {id: dev@example.com, kind: human}
      files:
        - {path: src/main.rs, added: 5}
    expect:
      outcome: require_approval
      default_applied: true
"#;

/// Writes the scaffold; exit 1 when a policy already exists or anything fails.
pub fn run(args: &InitArgs) -> u8 {
    match init(&args.dir, args.approver.clone()) {
        Ok(lines) => {
            for line in lines {
                outln!("{line}");
            }
            0
        }
        Err(e) => {
            crate::cli::output::print_error(&e);
            1
        }
    }
}

fn init(dir: &Path, approver: Option<String>) -> Result<Vec<String>, String> {
    let policies = dir.join("policies");
    if policies.join("main.gavel").exists()
        || std::fs::read_dir(&policies).is_ok_and(|mut d| d.next().is_some())
    {
        return Err(format!(
            "`{}` already exists and is not empty; refusing to overwrite a policy",
            crate::cli::shown_path(&policies)
        ));
    }
    let id = approver_id(approver)?;
    // An audit key already there is kept, so it must be one: a broken one, kept in silence,
    // made every later decision block (found by QA). Checked before anything is written.
    let audit_key = dir.join(crate::audit::DEFAULT_KEY_FILE);
    let kept_audit_key = audit_key.exists();
    if kept_audit_key {
        crate::audit::AuditKey::load(&audit_key).map_err(|e| {
            format!(
                "{e}; `gavel init` keeps an existing audit key and this one is not usable: \
                 fix it, or move it away to have a new one made"
            )
        })?;
    }
    let keys_dir = dir.join(".gavel").join("keys");
    let key = PrivateKey::generate().map_err(|e| e.to_string())?;
    let name = key_file_name(&id);
    let (key_path, _) = key
        .write_pair(&keys_dir, &name)
        .map_err(|e| e.to_string())?;
    let public = key.public_key().to_gavel_string();
    let signing = PrivateKey::generate().map_err(|e| e.to_string())?;
    let (signing_path, _) = signing
        .write_pair(&keys_dir, "signing")
        .map_err(|e| e.to_string())?;
    let policy = STARTER
        .replace("{ID}", &crate::syntax::escape(&id, false))
        .replace("{KEY}", &public)
        .replace("{SIGNING_KEY}", &signing.public_key().to_gavel_string());
    let write = |path: PathBuf, text: &str| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: {e}", crate::cli::shown_path(parent)))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", crate::cli::shown_path(&path)))
    };
    write(policies.join("main.gavel"), &policy)?;
    write(policies.join("tests").join("main.yaml"), STARTER_TESTS)?;
    let ignore = dir.join(".gavel").join(".gitignore");
    if !ignore.exists() {
        write(
            ignore,
            "# Private keys and local state never go into git.\nkeys/*.key\n*.key\n",
        )?;
    }
    let audit_line = if kept_audit_key {
        format!(
            "kept {} (the audit key already there)",
            crate::cli::shown_path(&audit_key)
        )
    } else {
        crate::audit::AuditKey::generate()
            .and_then(|k| k.write_new(&audit_key))
            .map_err(|e| e.to_string())?;
        format!(
            "created {} (the audit log's HMAC key, mode 0600; never commit it, back it up)",
            crate::cli::shown_path(&audit_key)
        )
    };
    let mut lines = vec![
        format!(
            "created {}",
            crate::cli::shown_path(&policies.join("main.gavel"))
        ),
        format!(
            "created {}",
            crate::cli::shown_path(&policies.join("tests").join("main.yaml"))
        ),
        format!(
            "created {} (your private key, mode 0600; never commit it)",
            crate::quote::one_line(&key_path)
        ),
        format!(
            "created {} (signs decisions; declared as `signer` in the policy)",
            crate::quote::one_line(&signing_path)
        ),
    ];
    lines.push(audit_line);
    lines.push(String::new());
    lines.push("next: `gavel check`, then `gavel test`, then edit policies/main.gavel".into());
    Ok(lines)
}

/// The approver id to declare: `--as`, else git `user.email`, else `$USER`. Approvals are
/// matched to approvers by this exact id, so it must survive the trip into the policy file
/// unchanged: an empty id would declare an approver nobody can sign as, and a control
/// character cannot be written on the `approver` line (escaping `"` and `\` keeps the rest
/// faithful).
fn approver_id(given: Option<String>) -> Result<String, String> {
    let id = match given {
        Some(id) => id,
        None => detected_id().ok_or_else(|| {
            "no approver id: git `user.email` and `$USER` are both unset or empty; pass your id \
             with `--as ID`"
                .to_string()
        })?,
    };
    if id.trim().is_empty() {
        return Err("the approver id is empty; pass a non-empty id with `--as ID`".into());
    }
    // What `gavel check` refuses in a policy (E0008, E0054) is refused here, rather than
    // written into a policy that then fails every check and blocks every decision.
    if let Some((c, what)) = id
        .chars()
        .find_map(|c| crate::quote::hidden(c).map(|what| (c, what)))
    {
        return Err(format!(
            "the approver id {} contains {what} (U+{:04X}); an approver id is one line of \
             visible text",
            crate::quote::quote(&id),
            u32::from(c)
        ));
    }
    if id.trim() != id {
        return Err(format!(
            "the approver id {} starts or ends with whitespace; pass it without",
            crate::quote::quote(&id)
        ));
    }
    Ok(id)
}

/// The current user's id from git `user.email` or `$USER`, ignoring empty values.
fn detected_id() -> Option<String> {
    let from_git = std::process::Command::new("git")
        .args(["config", "user.email"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    from_git
        .into_iter()
        .chain(std::env::var("USER").ok())
        .find(|id| !id.trim().is_empty())
}

/// A file name for a key derived from an approver id (`alice@example.com` → `alice`).
fn key_file_name(id: &str) -> String {
    let local = id.split('@').next().unwrap_or(id);
    // At most 64 characters: a file name has a length limit, and an id may be longer.
    let cleaned: String = local
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "me".into()
    } else {
        cleaned
    }
}
