//! Accounts: organisations, users with roles, sessions, password resets, API
//! keys, and the audit log that every change writes in its own transaction.
//!
//! Passwords are hashed with argon2id (RustCrypto's `argon2`, default
//! parameters, a random salt each); session, reset and API tokens are random
//! and only their SHA-256 is stored, so a stolen database opens no account.

use std::fmt;
use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, new_id, now, parse_column, token_hash};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }
        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored and displayed word.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }
    };
}

text_enum! {
    /// What a user may do.
    Role {
        /// Manages users, organisations and settings.
        Admin = "admin",
        /// CERT analyst or secretariat: monitoring and incidents.
        Analyst = "analyst",
        /// Staff of a member organisation.
        Member = "member",
    }
}

text_enum! {
    /// The stakeholder group of a member organisation.
    Stakeholder {
        /// Government.
        Government = "government",
        /// The national CERT.
        Cert = "cert",
        /// Internet service providers.
        Isp = "isp",
        /// Hosting companies.
        Hosting = "hosting",
        /// Banks and finance.
        Finance = "finance",
        /// Domain registries and registrars.
        Registry = "registry",
        /// Civil society.
        CivilSociety = "civil_society",
        /// Academia.
        Academia = "academia",
        /// Private sector, without a finer word.
        PrivateSector = "private_sector",
        /// Technical community, without a finer word.
        TechnicalCommunity = "technical_community",
        /// Intergovernmental organisations.
        Intergovernmental = "intergovernmental",
        /// Anything else.
        Other = "other",
    }
}

/// A member organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its stakeholder group.
    pub stakeholder: Stakeholder,
}

/// A user account (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: String,
    /// Sign-in address, lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The organisation, if any.
    pub organisation_id: Option<String>,
    /// Disabled users cannot sign in.
    pub disabled: bool,
}

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Sign-in address.
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub organisation_id: Option<&'a str>,
    /// Initial password.
    pub password: &'a str,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The CSRF token bound to this session.
    pub csrf: String,
    /// Expiry (Unix seconds).
    pub expires_at: i64,
}

/// Who an API key belongs to.
pub type ApiKeyOwner = User;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (Unix seconds).
    pub at: i64,
    /// Who (a user id; `None` for the system).
    pub actor: Option<String>,
    /// What was done (`user.create`, `session.create`…).
    pub action: String,
    /// To what.
    pub subject: String,
    /// Details, JSON.
    pub detail: String,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

pub(crate) fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(StoreError::Invalid(
            "a password may have at most 1024 bytes".into(),
        ));
    }
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    if password.len() > 1024 {
        return false;
    }
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub(crate) fn normalise_email(email: &str) -> Result<String, StoreError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(StoreError::Invalid(format!(
            "{email:?} is not an e-mail address"
        )))
    }
}

const USER_COLUMNS: &str = "id, email, name, role, organisation_id, disabled";

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    let disabled: i64 = row.try_get("disabled")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: parse_column(&role, "role")?,
        organisation_id: row.try_get("organisation_id")?,
        disabled: disabled != 0,
    })
}

pub(crate) async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: Option<&str>,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Creates an organisation.
    pub async fn create_organisation(
        &self,
        actor: Option<&str>,
        name: &str,
        stakeholder: Stakeholder,
    ) -> Result<Organisation, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "an organisation needs a name of 1 to 200 characters".into(),
            ));
        }
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM organisations WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!(
                "an organisation named {name:?} exists already"
            )));
        }
        sqlx::query(
            "INSERT INTO organisations (id, name, stakeholder, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(name)
        .bind(stakeholder.as_str())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            "organisation.create",
            &id,
            serde_json::json!({"name": name, "stakeholder": stakeholder}),
        )
        .await?;
        tx.commit().await?;
        Ok(Organisation {
            id,
            name: name.to_string(),
            stakeholder,
        })
    }

    /// Every organisation, by name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query("SELECT id, name, stakeholder FROM organisations ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get("stakeholder")?;
                Ok(Organisation {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    stakeholder: parse_column(&s, "stakeholder")?,
                })
            })
            .collect()
    }

    /// Creates a user.
    pub async fn create_user(
        &self,
        actor: Option<&str>,
        new: NewUser<'_>,
    ) -> Result<User, StoreError> {
        let email = normalise_email(new.email)?;
        let name = new.name.trim();
        if name.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "a name may have at most 200 characters".into(),
            ));
        }
        let hash = hash_password(new.password)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!(
                "{email} has an account already"
            )));
        }
        sqlx::query(
            "INSERT INTO users (id, email, name, role, organisation_id, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(&id)
        .bind(&email)
        .bind(name)
        .bind(new.role.as_str())
        .bind(new.organisation_id)
        .bind(&hash)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            "user.create",
            &id,
            serde_json::json!({"email": email, "role": new.role}),
        )
        .await?;
        tx.commit().await?;
        Ok(User {
            id,
            email,
            name: name.to_string(),
            role: new.role,
            organisation_id: new.organisation_id.map(str::to_string),
            disabled: false,
        })
    }

    /// The user `id`.
    pub async fn user(&self, id: &str) -> Result<User, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user_from_row(&row)
    }

    /// The user with `email`, if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every user, by e-mail.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Checks a password; `None` for a wrong password, an unknown address or a
    /// disabled account (the caller says the same thing for all three). The
    /// attempt is audited either way.
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
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
        let (user, ok) = match &row {
            Some(r) => {
                let user = user_from_row(r)?;
                let hash: String = r.try_get("password_hash")?;
                let ok = verify_password(password, &hash) && !user.disabled;
                (Some(user), ok)
            }
            None => {
                // Spend the same time as a real check, so timing does not
                // tell which addresses have accounts.
                let _ = verify_password(
                    password,
                    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$pD0Ww4lbW7tq3Hzr0yCj0oDuSgPE6dEvs5SKBspuB/U",
                );
                (None, false)
            }
        };
        let mut tx = self.begin_write().await?;
        let subject = user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
        audit(
            &mut tx,
            user.as_ref().filter(|_| ok).map(|u| u.id.as_str()),
            if ok { "login.success" } else { "login.failure" },
            &subject,
            serde_json::json!({"email": email.chars().take(254).collect::<String>()}),
        )
        .await?;
        tx.commit().await?;
        Ok(if ok { user } else { None })
    }

    /// Changes a user's role, organisation or disabled flag.
    pub async fn update_user(
        &self,
        actor: Option<&str>,
        id: &str,
        role: Role,
        organisation_id: Option<&str>,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET role = $1, organisation_id = $2, disabled = $3 WHERE id = $4",
        )
        .bind(role.as_str())
        .bind(organisation_id)
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit(&mut tx, actor, "user.update", id, serde_json::json!({"role": role, "organisation": organisation_id, "disabled": disabled})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password and signs the user out everywhere.
    pub async fn set_password(
        &self,
        actor: Option<&str>,
        id: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        let hash = hash_password(password)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, actor, "user.password", id, serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a session for `user_id` lasting `ttl_secs`; returns the secret
    /// token for the cookie.
    pub async fn create_session(&self, user_id: &str, ttl_secs: i64) -> Result<String, StoreError> {
        let token = new_id() + &new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(new_id())
        .bind(now() + ttl_secs)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            Some(user_id),
            "session.create",
            user_id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The live session of `token`, if any (expired sessions are deleted).
    pub async fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let hash = token_hash(token);
        let row =
            sqlx::query("SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = $1")
                .bind(&hash)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at: i64 = row.try_get("expires_at")?;
        if expires_at <= now() {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(&hash)
                .execute(&self.pool)
                .await?;
            return Ok(None);
        }
        let user = self.user(&row.try_get::<String, _>("user_id")?).await?;
        if user.disabled {
            return Ok(None);
        }
        Ok(Some(Session {
            user,
            csrf: row.try_get("csrf")?,
            expires_at,
        }))
    }

    /// Ends the session of `token`.
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        let hash = token_hash(token);
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT user_id FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        if let Some(row) = row {
            let user: String = row.try_get("user_id")?;
            audit(
                &mut tx,
                Some(&user),
                "session.delete",
                &user,
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A single-use password reset token for `user_id`, valid `ttl_secs`.
    pub async fn create_reset_token(
        &self,
        user_id: &str,
        ttl_secs: i64,
    ) -> Result<String, StoreError> {
        let token = new_id() + &new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO reset_tokens (token_hash, user_id, expires_at, used) VALUES ($1, $2, $3, 0)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(now() + ttl_secs)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            None,
            "password.reset_requested",
            user_id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Uses a reset token to set a new password; `Ok(false)` when the token is
    /// unknown, used or expired.
    pub async fn consume_reset_token(
        &self,
        token: &str,
        password: &str,
    ) -> Result<bool, StoreError> {
        let hash = token_hash(token);
        let new_hash = hash_password(password)?;
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE reset_tokens SET used = 1 WHERE token_hash = $1 AND used = 0 AND expires_at > $2 RETURNING user_id",
        )
        .bind(&hash)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = claimed else {
            return Ok(false);
        };
        let user: String = row.try_get("user_id")?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&new_hash)
            .bind(&user)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&user)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            Some(&user),
            "password.reset",
            &user,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A new API key for `user_id`; the key is shown once, only its hash is kept.
    pub async fn create_api_key(
        &self,
        actor: Option<&str>,
        user_id: &str,
        label: &str,
    ) -> Result<String, StoreError> {
        let key = format!("ik_{}{}", new_id(), new_id());
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_keys (key_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&key))
        .bind(user_id)
        .bind(label.chars().take(200).collect::<String>())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            "api_key.create",
            user_id,
            serde_json::json!({"label": label}),
        )
        .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// Whose key `key` is, if it is a live key of an enabled user.
    pub async fn api_key_owner(&self, key: &str) -> Result<Option<ApiKeyOwner>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM api_keys WHERE key_hash = $1")
            .bind(token_hash(key))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let user = self.user(&row.try_get::<String, _>("user_id")?).await?;
        Ok((!user.disabled).then_some(user))
    }

    /// The newest audit entries, newest first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, subject, detail FROM audit_log ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit.clamp(0, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    subject: r.try_get("subject")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }
}
