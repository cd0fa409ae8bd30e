//! API keys: made for a user, shown once (only their SHA-256 is kept), with
//! an optional expiry, revoked one by one (or all at once when their user is
//! disabled, for good), and their last use recorded.
//!
//! Use is recorded at most once a minute per key (a batch client polls
//! often): the key's last-use time and an `api_key.use` audit row.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Actor, audit};
use crate::{Store, StoreError, User, new_id, now, token_hash};

/// How often one key's use is written down, at most, in seconds.
pub const USE_RECORDED_EVERY_SECS: i64 = 60;

/// An API key as the admin page lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Its id (not secret).
    pub id: String,
    /// Whose key.
    pub user_id: String,
    /// The owner's address.
    pub user_email: String,
    /// What it is for.
    pub label: String,
    /// Made (Unix seconds).
    pub created_at: i64,
    /// Stops working then, if ever.
    pub expires_at: Option<i64>,
    /// Revoked then, if it was.
    pub revoked_at: Option<i64>,
    /// Last used (to the minute), if ever.
    pub last_used_at: Option<i64>,
}

impl ApiKey {
    /// Whether the key works at `at`.
    pub fn is_live(&self, at: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > at)
    }
}

/// A key that was accepted, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyOwner {
    /// The owner.
    pub user: User,
    /// The key's id.
    pub key_id: String,
}

fn key_from_row(r: &AnyRow) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        user_email: r.try_get("email")?,
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

impl Store {
    /// A new API key for `user_id`, working until `expires_at` (Unix seconds)
    /// if given; the key is returned once, only its hash is kept.
    pub async fn create_api_key(
        &self,
        by: &Actor,
        user_id: &str,
        label: &str,
        expires_at: Option<i64>,
    ) -> Result<String, StoreError> {
        let user = self.user(user_id).await?;
        if user.disabled {
            return Err(StoreError::Invalid(format!(
                "{} is disabled and cannot have API keys",
                user.email
            )));
        }
        let key = format!("ik_{}{}", new_id(), new_id());
        let id = new_id();
        let label: String = label.chars().take(200).collect();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_keys (key_hash, id, user_id, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash(&key))
        .bind(&id)
        .bind(user_id)
        .bind(&label)
        .bind(now())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "api_key.create",
            user_id,
            serde_json::json!({"key": id, "label": label, "expires_at": expires_at}),
        )
        .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// Every API key, newest first (at most 1,000).
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT k.id, k.user_id, u.email, k.label, k.created_at, k.expires_at, k.revoked_at, \
             k.last_used_at FROM api_keys k JOIN users u ON u.id = k.user_id \
             ORDER BY k.created_at DESC, k.id LIMIT 1000",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    /// Revokes the key `id` for good.
    pub async fn revoke_api_key(&self, by: &Actor, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT user_id FROM api_keys WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("API key"))?;
        let user: String = row.try_get("user_id")?;
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "api_key.revoke",
            &user,
            serde_json::json!({"key": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whose key `key` is, if it is live (not revoked, not expired) and its
    /// user enabled; records the use (see the module doc) from `client`.
    pub async fn api_key_owner(
        &self,
        key: &str,
        client: &str,
    ) -> Result<Option<ApiKeyOwner>, StoreError> {
        let at = now();
        let row = sqlx::query(
            "SELECT id, user_id, expires_at, revoked_at, last_used_at FROM api_keys WHERE key_hash = $1",
        )
        .bind(token_hash(key))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let key_id: String = row.try_get("id")?;
        let expires_at: Option<i64> = row.try_get("expires_at")?;
        let revoked_at: Option<i64> = row.try_get("revoked_at")?;
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        if revoked_at.is_some() || expires_at.is_some_and(|e| e <= at) {
            return Ok(None);
        }
        let user = self.user(&row.try_get::<String, _>("user_id")?).await?;
        if user.disabled {
            return Ok(None);
        }
        if last_used.is_none_or(|t| t <= at - USE_RECORDED_EVERY_SECS) {
            let mut tx = self.begin_write().await?;
            let claimed = sqlx::query(
                "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 \
                 AND (last_used_at IS NULL OR last_used_at <= $3)",
            )
            .bind(at)
            .bind(&key_id)
            .bind(at - USE_RECORDED_EVERY_SECS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed > 0 {
                audit(
                    &mut tx,
                    self.backend,
                    &Actor::user(&user.id, client),
                    "api_key.use",
                    &user.id,
                    serde_json::json!({"key": key_id}),
                )
                .await?;
            }
            tx.commit().await?;
        }
        Ok(Some(ApiKeyOwner { user, key_id }))
    }
}
