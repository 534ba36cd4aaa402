//! The audit log's HMAC key: where it comes from, what is refused, its fingerprint.
//!
//! A key is at least 32 random bytes, written as hex: in `GAVEL_AUDIT_KEY`, or in a key file
//! (`.gavel/audit.key` by default, mode 0600, created by `gavel audit init-key` or
//! `gavel init`). Keys that are short or obviously not random (one repeated byte, few
//! distinct bytes, a repeating pattern, a counting sequence, printable text) are refused with
//! a one-line error. Key material never appears in output, errors or `Debug`.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::error::AuditError;

type HmacSha256 = Hmac<Sha256>;

/// The environment variable holding the key as hex.
pub const KEY_ENV: &str = "GAVEL_AUDIT_KEY";
/// The default key file, relative to the working directory.
pub const DEFAULT_KEY_FILE: &str = ".gavel/audit.key";
/// Where retired keys are kept after a rotation, relative to the key file's directory.
pub const RETIRED_KEYS_DIR: &str = "audit-keys";
/// The shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 32;
/// The longest key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// An HMAC-SHA256 key for the audit chain.
#[derive(Clone)]
pub struct AuditKey {
    /// The keyed HMAC state, cloned for every MAC (saves hashing the key each time).
    keyed: HmacSha256,
    bytes: Zeroizing<Vec<u8>>,
    origin: String,
}

impl AuditKey {
    /// A key from raw bytes; `origin` names where they came from, for error messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<AuditKey, AuditError> {
        if let Some(problem) = weakness(bytes) {
            return Err(AuditError::WeakKey(format!(
                "{origin}: the audit key {problem}; generate one with `gavel audit init-key`"
            )));
        }
        let keyed = HmacSha256::new_from_slice(bytes)
            .map_err(|_| AuditError::WeakKey(format!("{origin}: unusable HMAC key")))?;
        Ok(AuditKey {
            keyed,
            bytes: Zeroizing::new(bytes.to_vec()),
            origin: origin.to_string(),
        })
    }

    /// A key from hex text (surrounding whitespace ignored).
    pub fn from_hex(text: &str, origin: &str) -> Result<AuditKey, AuditError> {
        // A byte order mark some editors write is not part of the key.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
        if text.is_empty() {
            return Err(AuditError::WeakKey(format!(
                "{origin}: the audit key is empty"
            )));
        }
        if text.len() > MAX_KEY_BYTES * 2 {
            return Err(AuditError::WeakKey(format!(
                "{origin}: the audit key is longer than {MAX_KEY_BYTES} bytes"
            )));
        }
        let bytes = Zeroizing::new(hex::decode(text).map_err(|_| {
            AuditError::WeakKey(format!(
                "{origin}: the audit key is not hex (expected 64 or more hex digits)"
            ))
        })?);
        AuditKey::from_bytes(&bytes, origin)
    }

    /// A fresh random 32-byte key.
    pub fn generate() -> Result<AuditKey, AuditError> {
        let mut bytes = Zeroizing::new([0u8; MIN_KEY_BYTES]);
        getrandom::getrandom(bytes.as_mut_slice()).map_err(|e| {
            AuditError::WeakKey(format!("cannot get random bytes from the system: {e}"))
        })?;
        AuditKey::from_bytes(bytes.as_slice(), "generated key")
    }

    /// Reads a key file (hex).
    pub fn load(path: &Path) -> Result<AuditKey, AuditError> {
        let origin = path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|e| AuditError::io(path, &e))?;
        if metadata.is_dir() {
            return Err(AuditError::WeakKey(format!(
                "{origin}: a directory, not an audit key file"
            )));
        }
        let too_large =
            || AuditError::WeakKey(format!("{origin}: too large to be an audit key file"));
        if metadata.len() > (MAX_KEY_BYTES * 2 + 64) as u64 {
            return Err(too_large());
        }
        // Bounded: a device or pipe reports no size (`--audit-key /dev/zero` never ended).
        let bytes = Zeroizing::new(
            crate::bounded_read::read_file_bounded(path, MAX_KEY_BYTES * 2 + 64)
                .map_err(|e| AuditError::io(path, &e))?
                .map_err(|_| too_large())?,
        );
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            AuditError::WeakKey(format!("{origin}: the audit key file is not hex text"))
        })?;
        AuditKey::from_hex(text, &origin)
    }

    /// The key in `GAVEL_AUDIT_KEY`, if that is set and not empty.
    pub fn from_env() -> Result<Option<AuditKey>, AuditError> {
        match std::env::var(KEY_ENV) {
            Ok(value) if !value.trim().is_empty() => AuditKey::from_hex(&value, KEY_ENV).map(Some),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(AuditError::WeakKey(format!(
                "{KEY_ENV}: the audit key is not hex"
            ))),
        }
    }

    /// Writes the key as hex to a new file (mode 0600), creating parent directories;
    /// refuses to overwrite.
    pub fn write_new(&self, path: &Path) -> Result<(), AuditError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| AuditError::io(parent, &e))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                AuditError::Io {
                    path: path.display().to_string(),
                    message: "already exists; refusing to overwrite an audit key".into(),
                }
            } else {
                AuditError::io(path, &e)
            }
        })?;
        let text = Zeroizing::new(format!("{}\n", hex::encode(self.bytes.as_slice())));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| AuditError::io(path, &e))
    }

    /// The key's fingerprint in the log `log_id`: the first 16 hex digits of
    /// HMAC-SHA256(key, `"gavel-audit-key-fingerprint\n" + log_id`). Salted with the log id,
    /// so the same key has unrelated fingerprints in different logs.
    pub fn fingerprint(&self, log_id: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(b"gavel-audit-key-fingerprint\n");
        mac.update(log_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(digest.get(..8).unwrap_or(&[]))
    }

    /// HMAC-SHA256 of `bytes`.
    pub fn mac(&self, bytes: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }

    /// Whether `expected` (32 bytes) is the MAC of `bytes`, compared in constant time.
    pub fn verify(&self, bytes: &[u8], expected: &[u8; 32]) -> bool {
        let mut mac = self.keyed.clone();
        mac.update(bytes);
        mac.verify_slice(expected).is_ok()
    }

    /// Where the key came from (a file path or `GAVEL_AUDIT_KEY`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn same_key(&self, other: &AuditKey) -> bool {
        self.bytes.as_slice() == other.bytes.as_slice()
    }
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuditKey({})", self.origin)
    }
}

/// Why `bytes` cannot be an audit key, or `None` when it looks like a random key.
///
/// A random 32-byte key has about 30 distinct bytes; the checks below reject keys a person
/// typed or a bug produced, and essentially never a random one (each has a probability
/// below 10^-12 for 32 random bytes).
pub fn weakness(bytes: &[u8]) -> Option<String> {
    let len = bytes.len();
    if len < MIN_KEY_BYTES {
        return Some(format!(
            "is {len} bytes; at least {MIN_KEY_BYTES} random bytes are required"
        ));
    }
    if len > MAX_KEY_BYTES {
        return Some(format!("is longer than {MAX_KEY_BYTES} bytes"));
    }
    let mut seen = [false; 256];
    for b in bytes {
        if let Some(slot) = seen.get_mut(usize::from(*b)) {
            *slot = true;
        }
    }
    let distinct = seen.iter().filter(|s| **s).count();
    if distinct == 1 {
        return Some("is one byte repeated: it has no entropy".into());
    }
    if distinct < len.min(256) / 2 {
        return Some(format!(
            "has too little entropy ({distinct} distinct bytes in {len})"
        ));
    }
    if (1..=len / 2).any(|p| bytes.iter().zip(bytes.iter().skip(p)).all(|(a, b)| a == b)) {
        return Some("repeats a short pattern: it has too little entropy".into());
    }
    let step = bytes
        .get(1)
        .zip(bytes.first())
        .map(|(b, a)| b.wrapping_sub(*a));
    if let Some(step) = step
        && bytes.windows(2).all(|w| match w {
            [a, b] => b.wrapping_sub(*a) == step,
            _ => true,
        })
    {
        return Some("is a counting sequence: it has too little entropy".into());
    }
    if bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return Some("is printable text (a password?), not random bytes".into());
    }
    None
}

/// Where to look for keys.
#[derive(Clone, Debug)]
pub struct KeySources {
    /// Read `GAVEL_AUDIT_KEY`.
    pub env: bool,
    /// Key files given explicitly (`--audit-key`); the first is the primary key when the
    /// environment variable is not set.
    pub files: Vec<PathBuf>,
    /// The default key file, used when present.
    pub default_file: PathBuf,
}

impl Default for KeySources {
    fn default() -> Self {
        KeySources {
            env: true,
            files: Vec::new(),
            default_file: PathBuf::from(DEFAULT_KEY_FILE),
        }
    }
}

impl KeySources {
    /// The directory of retired keys beside the default key file.
    pub fn retired_dir(&self) -> PathBuf {
        self.default_file
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(RETIRED_KEYS_DIR)
    }
}

/// The keys a process holds: the primary one (MACs new logs) and others (retired keys, for
/// logs rotated since). Each log names the key it is MACed with by fingerprint; the ring
/// finds it.
#[derive(Clone, Debug)]
pub struct KeyRing {
    primary: AuditKey,
    others: Vec<AuditKey>,
}

impl KeyRing {
    /// A ring of one key.
    pub fn new(primary: AuditKey) -> KeyRing {
        KeyRing {
            primary,
            others: Vec::new(),
        }
    }

    /// Adds another key (e.g. a retired one); duplicates are ignored.
    pub fn with(mut self, key: AuditKey) -> KeyRing {
        self.add(key);
        self
    }

    fn add(&mut self, key: AuditKey) {
        if !self.keys().any(|k| k.same_key(&key)) {
            self.others.push(key);
        }
    }

    /// Loads keys: `GAVEL_AUDIT_KEY`, then the files given, then the default key file, then
    /// every `*.key` in the retired-keys directory. The first found is the primary key.
    pub fn load(sources: &KeySources) -> Result<KeyRing, AuditError> {
        let mut keys: Vec<AuditKey> = Vec::new();
        if sources.env
            && let Some(key) = AuditKey::from_env()?
        {
            keys.push(key);
        }
        for file in &sources.files {
            keys.push(AuditKey::load(file)?);
        }
        if sources.default_file.exists() {
            keys.push(AuditKey::load(&sources.default_file)?);
        }
        let retired = sources.retired_dir();
        if let Ok(entries) = std::fs::read_dir(&retired) {
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "key"))
                .collect();
            paths.sort();
            for path in paths {
                keys.push(AuditKey::load(&path)?);
            }
        }
        let mut iter = keys.into_iter();
        let primary = iter.next().ok_or(AuditError::MissingKey)?;
        let mut ring = KeyRing::new(primary);
        for key in iter {
            ring.add(key);
        }
        Ok(ring)
    }

    /// The primary key.
    pub fn primary(&self) -> &AuditKey {
        &self.primary
    }

    /// All keys, primary first.
    pub fn keys(&self) -> impl Iterator<Item = &AuditKey> {
        std::iter::once(&self.primary).chain(&self.others)
    }

    /// The key with `fingerprint` in the log `log_id`.
    pub fn find(&self, log_id: &str, fingerprint: &str) -> Option<&AuditKey> {
        self.keys().find(|k| k.fingerprint(log_id) == fingerprint)
    }

    /// The fingerprints of every key in the log `log_id`, for error messages.
    pub fn fingerprints(&self, log_id: &str) -> String {
        self.keys()
            .map(|k| k.fingerprint(log_id))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by QA: a directory given as the key file was "too large to be an audit key
    /// file" (its size as the file system reports it).
    #[test]
    fn a_directory_is_named_as_one() {
        let dir = std::env::temp_dir();
        let error = AuditKey::load(&dir)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.ends_with(": a directory, not an audit key file"),
            "{error}"
        );
    }

    fn random32() -> Vec<u8> {
        (0u8..32)
            .map(|i| i.wrapping_mul(73).wrapping_add(19) ^ 0x5a)
            .collect()
    }

    #[test]
    fn weak_keys_are_refused_with_a_reason() {
        assert!(weakness(&[1u8; 16]).unwrap().contains("is 16 bytes"));
        assert!(weakness(&[7u8; 32]).unwrap().contains("one byte repeated"));
        let few: Vec<u8> = (0..32).map(|i| (i % 4) as u8 * 50).collect();
        assert!(
            weakness(&few).unwrap().contains("distinct bytes")
                || weakness(&few).unwrap().contains("pattern")
        );
        let counting: Vec<u8> = (0u8..32).collect();
        assert!(weakness(&counting).unwrap().contains("counting"));
        let text = b"Tr0ub4dor&3-Correct-Horse-Battery-Staple!";
        assert!(weakness(text).unwrap().contains("printable text"));
        let pattern: Vec<u8> = (0..40)
            .map(|i| {
                [
                    3u8, 200, 77, 15, 99, 250, 1, 128, 64, 32, 16, 8, 4, 2, 111, 222, 33, 44, 55,
                    66,
                ][i % 20]
            })
            .collect();
        assert!(weakness(&pattern).unwrap().contains("pattern"));
        assert_eq!(weakness(&random32()), None);
    }

    #[test]
    fn hex_keys_load_and_errors_never_show_material() {
        let hex_text = hex::encode(random32());
        let key = AuditKey::from_hex(&format!(" {hex_text}\n"), "test").unwrap();
        assert_eq!(format!("{key:?}"), "AuditKey(test)");
        let err = AuditKey::from_hex("zz", "GAVEL_AUDIT_KEY").unwrap_err();
        assert_eq!(
            err.to_string(),
            "GAVEL_AUDIT_KEY: the audit key is not hex (expected 64 or more hex digits)"
        );
        let err = AuditKey::from_hex(&"ab".repeat(8), "k")
            .unwrap_err()
            .to_string();
        assert!(err.contains("is 8 bytes"), "{err}");
        assert!(!err.contains("abab"));
    }

    #[test]
    fn fingerprints_are_salted_by_log_id() {
        let key = AuditKey::from_bytes(&random32(), "k").unwrap();
        assert_ne!(key.fingerprint("a"), key.fingerprint("b"));
        assert_eq!(key.fingerprint("a").len(), 16);
        let ring = KeyRing::new(key.clone());
        assert!(ring.find("a", &key.fingerprint("a")).is_some());
        assert!(ring.find("a", &key.fingerprint("b")).is_none());
    }

    #[test]
    fn key_files_are_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/audit.key");
        let key = AuditKey::generate().unwrap();
        key.write_new(&path).unwrap();
        let err = key.write_new(&path).unwrap_err().to_string();
        assert!(err.contains("refusing to overwrite"), "{err}");
        let back = AuditKey::load(&path).unwrap();
        assert!(back.same_key(&key));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
