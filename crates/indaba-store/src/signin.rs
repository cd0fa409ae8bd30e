//! Signing in and getting back in: password checks throttled per account,
//! and single-use reset tokens capped per account and hour.
//!
//! The throttle is kept per sign-in address (known or not, so that it tells
//! nothing about which addresses have accounts), in the database, so every
//! process sharing it sees the same count: after [`FREE_FAILURES`] failures
//! each further one makes the account wait twice as long as the one before
//! ([`throttle_delay`]), up to [`MAX_DELAY_SECS`]; while it waits no
//! password is even checked. After [`NOTICE_AFTER`] failures the account's
//! owner is told (at most once an hour). A right password clears the count.

use std::time::Duration;

use sqlx::Row;

use crate::accounts::{USER_COLUMNS, normalise_email, user_from_row};
use crate::audit::{Actor, audit};
use crate::passwords::{hash_password, needs_rehash, verify_password};
use crate::{Store, StoreError, User, new_id, now, token_hash};

/// Failures an account may have without waiting.
pub const FREE_FAILURES: i64 = 3;
/// The longest wait between attempts, seconds.
pub const MAX_DELAY_SECS: i64 = 900;
/// Failures after which the account's owner gets a notice.
pub const NOTICE_AFTER: i64 = 5;
/// At most one notice per account in this many seconds.
pub const NOTICE_EVERY_SECS: i64 = 3600;
/// Failures are forgotten this long after the last one.
pub const FORGET_AFTER_SECS: i64 = 24 * 3600;

/// How long an account waits after its `failures`-th failure in a row.
pub fn throttle_delay(failures: i64) -> Duration {
    if failures <= FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_FAILURES - 1).min(20) as u32;
    Duration::from_secs((2i64 << doublings).min(MAX_DELAY_SECS) as u64)
}

/// What a sign-in attempt led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The password is right and the account enabled.
    Success(User),
    /// A wrong address or password, or a disabled account (the caller says
    /// the same for all three). `notice` is the account whose owner should
    /// now be told of the failures.
    Failed {
        /// Whom to tell, when this failure crossed the threshold.
        notice: Option<User>,
    },
    /// The account has failed too often: nothing was checked; try again
    /// after this long.
    Throttled(Duration),
}

/// The throttle's key for what was typed as the address.
fn throttle_key(email: &str) -> String {
    normalise_email(email)
        .unwrap_or_else(|_| email.trim().to_lowercase())
        .chars()
        .take(254)
        .collect()
}

/// What a password-reset link is worth, said before any form is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetLink {
    /// Unused and unexpired: the form.
    Live,
    /// Already used to set a password.
    Used,
    /// Past its time.
    Expired,
    /// Never made (or made void by a later reset).
    Unknown,
}

impl Store {
    /// Checks a password, throttled per account. Every attempt is audited.
    pub async fn authenticate(
        &self,
        by: &Actor,
        email: &str,
        password: &str,
    ) -> Result<SignIn, StoreError> {
        let key = throttle_key(email);
        let blocked = sqlx::query("SELECT blocked_until FROM login_throttle WHERE email = $1")
            .bind(&key)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<i64, _>("blocked_until"))
            .transpose()?
            .unwrap_or(0);
        let at = now();
        if blocked > at {
            self.record(
                by,
                "login.throttled",
                "",
                serde_json::json!({"email": key, "wait": blocked - at}),
            )
            .await?;
            return Ok(SignIn::Throttled(Duration::from_secs(
                (blocked - at) as u64,
            )));
        }
        let row = match normalise_email(email) {
            Ok(email) => {
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
                ))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?
            }
            Err(_) => None,
        };
        let (user, hash) = match &row {
            Some(r) => (
                Some(user_from_row(r)?),
                Some(r.try_get::<String, _>("password_hash")?),
            ),
            None => (None, None),
        };
        let right = verify_password(password, hash.as_deref()).await?;
        // The wait counts from the failure, not from before the check.
        let at = now();
        let mut tx = self.begin_write().await?;
        let outcome = match user {
            Some(user) if right && !user.disabled => {
                sqlx::query("DELETE FROM login_throttle WHERE email = $1")
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
                audit(
                    &mut tx,
                    self.backend,
                    &by.as_user(&user.id),
                    "login.success",
                    &user.id,
                    serde_json::json!({"email": key}),
                )
                .await?;
                SignIn::Success(user)
            }
            user => {
                let row = sqlx::query(
                    "INSERT INTO login_throttle (email, failures, last_failure, blocked_until) \
                     VALUES ($1, 1, $2, 0) ON CONFLICT (email) DO UPDATE \
                     SET failures = login_throttle.failures + 1, last_failure = $2 \
                     RETURNING failures, notified_at",
                )
                .bind(&key)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                let failures: i64 = row.try_get("failures")?;
                let notified_at: Option<i64> = row.try_get("notified_at")?;
                let subject = user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
                let notice = user.filter(|u| {
                    !u.disabled
                        && failures >= NOTICE_AFTER
                        && notified_at.is_none_or(|t| t <= at - NOTICE_EVERY_SECS)
                });
                sqlx::query(
                    "UPDATE login_throttle SET blocked_until = $1, notified_at = $2 WHERE email = $3",
                )
                .bind(at + throttle_delay(failures).as_secs() as i64)
                .bind(if notice.is_some() { Some(at) } else { notified_at })
                .bind(&key)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM login_throttle WHERE last_failure < $1 AND blocked_until < $2",
                )
                .bind(at - FORGET_AFTER_SECS)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                audit(
                    &mut tx,
                    self.backend,
                    by,
                    "login.failure",
                    &subject,
                    serde_json::json!({"email": key, "failures": failures}),
                )
                .await?;
                SignIn::Failed { notice }
            }
        };
        tx.commit().await?;
        if let (SignIn::Success(user), Some(hash)) = (&outcome, &hash)
            && needs_rehash(hash)
        {
            // Made with older parameters: replace it now that the password
            // is known. A failure here must not refuse the sign-in.
            if let Ok(new_hash) = hash_password(password).await {
                let _ = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(new_hash)
                    .bind(&user.id)
                    .execute(&self.pool)
                    .await;
            }
        }
        Ok(outcome)
    }

    /// A single-use password reset token for `user_id`, valid `ttl_secs`;
    /// `None` when `per_hour` tokens were made for the account in the last
    /// hour already (no more mail to that address for now).
    pub async fn create_reset_token(
        &self,
        by: &Actor,
        user_id: &str,
        ttl_secs: i64,
        per_hour: i64,
    ) -> Result<Option<String>, StoreError> {
        let token = new_id() + &new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        let recent = sqlx::query(
            "SELECT COUNT(*) AS n FROM reset_tokens WHERE user_id = $1 AND created_at > $2",
        )
        .bind(user_id)
        .bind(at - 3600)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?;
        if recent >= per_hour {
            audit(
                &mut tx,
                self.backend,
                by,
                "password.reset_capped",
                user_id,
                serde_json::json!({"last_hour": recent}),
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        }
        // Used links are kept (their page says so) for a month, then go.
        sqlx::query("DELETE FROM reset_tokens WHERE user_id = $1 AND expires_at < $2")
            .bind(user_id)
            .bind(at - 30 * 86_400)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO reset_tokens (token_hash, user_id, expires_at, used, created_at) \
             VALUES ($1, $2, $3, 0, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(at + ttl_secs)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "password.reset_requested",
            user_id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Whether `token` is a live reset token (unused, unexpired).
    pub async fn reset_token_valid(&self, token: &str) -> Result<bool, StoreError> {
        Ok(self.reset_link(token).await? == ResetLink::Live)
    }

    /// What the reset link with `token` is worth: a used link is kept (as a
    /// hash) so that its page can say it was used rather than unknown.
    pub async fn reset_link(&self, token: &str) -> Result<ResetLink, StoreError> {
        if token.len() > 128 {
            return Ok(ResetLink::Unknown);
        }
        let row = sqlx::query("SELECT used, expires_at FROM reset_tokens WHERE token_hash = $1")
            .bind(token_hash(token))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(ResetLink::Unknown);
        };
        Ok(if row.try_get::<i64, _>("used")? != 0 {
            ResetLink::Used
        } else if row.try_get::<i64, _>("expires_at")? <= now() {
            ResetLink::Expired
        } else {
            ResetLink::Live
        })
    }

    /// Uses a reset token to set a new password; `Ok(false)` when the token is
    /// unknown, used or expired. The token is checked before anything else
    /// (the password is neither judged nor hashed for a bad token). A reset
    /// signs the user out everywhere, deletes every other reset token of
    /// theirs and clears their sign-in throttle.
    pub async fn consume_reset_token(
        &self,
        by: &Actor,
        token: &str,
        password: &str,
    ) -> Result<bool, StoreError> {
        if !self.reset_token_valid(token).await? {
            return Ok(false);
        }
        let new_hash = hash_password(password).await?;
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE reset_tokens SET used = 1 WHERE token_hash = $1 AND used = 0 AND expires_at > $2 RETURNING user_id",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = claimed else {
            return Ok(false);
        };
        let user: String = row.try_get("user_id")?;
        let email =
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING email")
                .bind(&new_hash)
                .bind(&user)
                .fetch_one(&mut *tx)
                .await?
                .try_get::<String, _>("email")?;
        for (sql, value) in [
            ("DELETE FROM sessions WHERE user_id = $1", &user),
            // The used token stays, marked used: its page says so.
            (
                "DELETE FROM reset_tokens WHERE user_id = $1 AND used = 0",
                &user,
            ),
            ("DELETE FROM login_throttle WHERE email = $1", &email),
        ] {
            sqlx::query(sql).bind(value).execute(&mut *tx).await?;
        }
        audit(
            &mut tx,
            self.backend,
            &by.as_user(&user),
            "password.reset",
            &user,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The secret `name` (32 random bytes, made on first use and kept in the
    /// database, so every process sharing it signs alike).
    pub async fn secret(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let fresh: String = {
            let mut bytes = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        };
        sqlx::query(
            "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&fresh)
        .bind(now())
        .execute(&self.pool)
        .await?;
        let hex: String = sqlx::query("SELECT value FROM secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?
            .try_get("value")?;
        (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| StoreError::Corrupt(format!("secret {name}")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_the_free_failures_up_to_the_cap() {
        let secs: Vec<u64> = (1..=16).map(|f| throttle_delay(f).as_secs()).collect();
        assert_eq!(&secs[..8], &[0, 0, 0, 2, 4, 8, 16, 32]);
        assert!(secs.windows(2).all(|w| w[0] <= w[1]), "{secs:?}");
        assert_eq!(throttle_delay(1000).as_secs(), MAX_DELAY_SECS as u64);
    }
}
