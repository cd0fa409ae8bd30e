//! Password hashing: argon2id (RustCrypto's `argon2`) with parameters above
//! OWASP's minimum (19 MiB, 2 passes): 64 MiB and 3 passes, RFC 9106's
//! second recommended setting with one lane. Hashing takes a good part of a
//! second of one core and 64 MiB, so it runs on the blocking threads
//! (`spawn_blocking`), never on the async ones, and only a few at once: a
//! flood of sign-ins waits its turn instead of taking all the memory.
//!
//! Hashes made with weaker parameters (before this version) still verify,
//! and are replaced by a hash with the current ones at the next sign-in.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::StoreError;

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// The longest password accepted, in bytes (hashing cost must not grow with
/// what an attacker sends).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Memory per hash, KiB.
pub const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
/// Passes.
pub const ARGON2_PASSES: u32 = 3;
/// Lanes.
pub const ARGON2_LANES: u32 = 1;

/// A hash of a password nobody has, verified when an address has no account
/// so that the answer takes as long either way.
const DUMMY_HASH: &str = "$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$Y8sJqmmsPSq7nEKSVL4xV8Jm+mQZc1BqQc3E7qJ3lZk";

/// Hashes at once, at most: the machine's cores, up to four.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Semaphore::new(cores.clamp(1, 4))
});

fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's bounds.
    let params =
        Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether `password` may be set (length only: long passphrases are better
/// than composition rules).
pub fn check_password(password: &str) -> Result<(), StoreError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(StoreError::Invalid(format!(
            "a password may have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| StoreError::Invalid(format!("password hashing stopped: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Invalid(format!("password hashing failed: {e}")))
}

/// The PHC string of `password` with a fresh salt.
pub async fn hash_password(password: &str) -> Result<String, StoreError> {
    check_password(password)?;
    let password = password.to_string();
    blocking(move || {
        let mut salt_bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
        let salt =
            SaltString::encode_b64(&salt_bytes).map_err(|e| StoreError::Invalid(e.to_string()))?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
    })
    .await?
}

/// Whether `password` matches `stored` (`None`: no account; a dummy hash is
/// verified so the time is the same).
pub async fn verify_password(password: &str, stored: Option<&str>) -> Result<bool, StoreError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(false);
    }
    let (password, stored, real) = (
        password.to_string(),
        stored.unwrap_or(DUMMY_HASH).to_string(),
        stored.is_some(),
    );
    blocking(move || {
        let ok = PasswordHash::new(&stored)
            .map(|parsed| {
                // Verify with the parameters the hash was made with.
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && real
    })
    .await
}

/// Whether `stored` was made with other parameters than today's.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm.as_str() != "argon2id"
        || params.m_cost() < ARGON2_MEMORY_KIB
        || params.t_cost() < ARGON2_PASSES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_above_owasps_minimum_and_verify() {
        let hash = hash_password("a long enough password").await.unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        // OWASP: at least 19 MiB with 2 passes (or more memory, fewer passes).
        assert!(
            params.m_cost() > 19 * 1024 && params.t_cost() >= 2,
            "{hash}"
        );
        assert!(!needs_rehash(&hash));
        assert!(
            verify_password("a long enough password", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("another password!", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!verify_password("anything", None).await.unwrap());
        assert!(needs_rehash(
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$pD0Ww4lbW7tq3Hzr0yCj0oDuSgPE6dEvs5SKBspuB/U"
        ));
        assert!(hash_password("short").await.is_err());
        assert!(hash_password(&"x".repeat(2000)).await.is_err());
    }

    #[test]
    fn the_dummy_hash_parses_with_todays_parameters() {
        assert!(
            !needs_rehash(DUMMY_HASH),
            "the dummy must cost as much as a real check"
        );
    }

    /// Hashing must not run on the async threads: a current-thread runtime
    /// keeps answering other tasks while a hash is made.
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_async_thread_free() {
        let hashing = tokio::spawn(async { hash_password("a long enough password").await });
        let mut ticks = 0;
        while !hashing.is_finished() {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            ticks += 1;
        }
        hashing.await.unwrap().unwrap();
        assert!(
            ticks > 3,
            "the runtime was blocked while hashing ({ticks} ticks)"
        );
    }
}
