//! Attachments encrypted at rest: XChaCha20-Poly1305 (RustCrypto's
//! `chacha20poly1305`) with a 256-bit key kept in a file outside the
//! database, so a copy of the database alone (a backup, a dump) reveals no
//! attachment. Each sealed value is `1 || nonce (24 bytes) || ciphertext`;
//! the attachment's id is the associated data, so a sealed value moved to
//! another row does not open.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Why a value could not be sealed or opened, or the key not read.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key file could not be read or written.
    #[error("the attachment key file {path}: {reason}")]
    KeyFile {
        /// Its path.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// Encryption failed (cannot happen with a valid key) or the value was
    /// altered, sealed with another key, or is not a sealed value.
    #[error("the attachment cannot be opened: wrong key or altered data")]
    Open,
}

/// Seals and opens attachments with one key.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// A sealer with `key`.
    pub fn new(key: [u8; 32]) -> Sealer {
        Sealer {
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }

    /// The key in `path` (64 hex digits), made (mode 0600) when the file
    /// does not exist.
    pub fn from_key_file(path: &Path) -> Result<Sealer, SealError> {
        let err = |reason: String| SealError::KeyFile {
            path: path.display().to_string(),
            reason,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                write_private(path, &hex).map_err(|e| err(e.to_string()))?;
                hex
            }
            Err(e) => return Err(err(e.to_string())),
        };
        let hex = text.trim();
        if hex.len() != 64 {
            return Err(err("must hold 64 hex digits (a 256-bit key)".into()));
        }
        let mut key = [0u8; 32];
        for (i, b) in key.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| err("must hold 64 hex digits (a 256-bit key)".into()))?;
        }
        Ok(Sealer::new(key))
    }

    /// `content` sealed, bound to `context` (the attachment's id).
    pub fn seal(&self, content: &[u8], context: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: content,
                    aad: context,
                },
            )
            .map_err(|_| SealError::Open)?;
        let mut out = Vec::with_capacity(1 + 24 + sealed.len());
        out.push(1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The content of a sealed value bound to `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < 25 || sealed[0] != 1 {
            return Err(SealError::Open);
        }
        self.cipher
            .decrypt(
                XNonce::from_slice(&sealed[1..25]),
                Payload {
                    msg: &sealed[25..],
                    aad: context,
                },
            )
            .map_err(|_| SealError::Open)
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_and_refuses_tampering() {
        let s = Sealer::new([7; 32]);
        let sealed = s.seal(b"evidence", b"att-1").unwrap();
        assert!(!sealed.windows(8).any(|w| w == b"evidence"));
        assert_eq!(s.open(&sealed, b"att-1").unwrap(), b"evidence");
        assert!(s.open(&sealed, b"att-2").is_err());
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(s.open(&altered, b"att-1").is_err());
        assert!(Sealer::new([8; 32]).open(&sealed, b"att-1").is_err());
        assert!(s.open(b"", b"att-1").is_err());
    }

    #[test]
    fn key_file_is_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("indaba-seal-{}", crate::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("desk.key");
        let a = Sealer::from_key_file(&path).unwrap();
        let b = Sealer::from_key_file(&path).unwrap();
        let sealed = a.seal(b"x", b"id").unwrap();
        assert_eq!(b.open(&sealed, b"id").unwrap(), b"x");
        std::fs::write(&path, "short").unwrap();
        assert!(Sealer::from_key_file(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
