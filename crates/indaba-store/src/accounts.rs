//! Accounts: organisations, users with roles, and sessions. Every change
//! writes its audit row in the same transaction.
//!
//! Passwords are hashed as [`crate::passwords`] says; session, reset and API
//! tokens are random and only their SHA-256 is stored, so a stolen database
//! opens no account. At least one enabled administrator always remains.

use std::fmt;
use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Actor, audit};
use crate::passwords::hash_password;
use crate::{Backend, Store, StoreError, new_id, now, parse_column, token_hash};

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
    /// Disabled by an admin (kept, with its history, never deleted).
    pub disabled: bool,
    /// The language its people prefer to read (a language tag such as
    /// `nl`), for the notices it receives; `None` when not known.
    pub language: Option<String>,
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

/// Whether `tag` has the shape of a BCP 47 language tag: letters, digits
/// and dashes, a primary subtag of 2 to 8 letters, at most 35 characters
/// (which languages the platform writes is the catalogue's business).
fn plausible_language_tag(tag: &str) -> bool {
    let primary = tag.split('-').next().unwrap_or("");
    tag.len() <= 35
        && (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && tag.split('-').all(|part| {
            !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

pub(crate) const USER_COLUMNS: &str = "id, email, name, role, organisation_id, disabled";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
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

impl Store {
    /// Creates an organisation.
    pub async fn create_organisation(
        &self,
        by: &Actor,
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
            self.backend,
            by,
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
            disabled: false,
            language: None,
        })
    }

    /// Every organisation, by name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, stakeholder, disabled, language FROM organisations ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get("stakeholder")?;
                let disabled: i64 = r.try_get("disabled")?;
                Ok(Organisation {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    stakeholder: parse_column(&s, "stakeholder")?,
                    disabled: disabled != 0,
                    language: r.try_get("language")?,
                })
            })
            .collect()
    }

    /// Sets the language organisation `id` prefers (a language tag such as
    /// `nl` or `pt-BR`), or forgets it (`None`); audited.
    pub async fn set_organisation_language(
        &self,
        by: &Actor,
        id: &str,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        let language = language.map(str::trim).filter(|l| !l.is_empty());
        if let Some(tag) = language
            && !plausible_language_tag(tag)
        {
            return Err(StoreError::Invalid(format!(
                "{:?} is not a language tag",
                tag.chars().take(40).collect::<String>()
            )));
        }
        let mut tx = self.begin_write().await?;
        let found = sqlx::query("UPDATE organisations SET language = $1 WHERE id = $2")
            .bind(language)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound("organisation"));
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "organisation.language",
            id,
            serde_json::json!({ "language": language }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a user.
    pub async fn create_user(&self, by: &Actor, new: NewUser<'_>) -> Result<User, StoreError> {
        let email = normalise_email(new.email)?;
        let name = new.name.trim();
        if name.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "a name may have at most 200 characters".into(),
            ));
        }
        let hash = hash_password(new.password).await?;
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
            self.backend,
            by,
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

    /// Changes a user's role, organisation or disabled flag. Disabling signs
    /// the user out and revokes every API key of theirs for good (enabling
    /// again does not bring a key back). The last enabled administrator can
    /// be neither demoted nor disabled.
    pub async fn update_user(
        &self,
        by: &Actor,
        id: &str,
        role: Role,
        organisation_id: Option<&str>,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // Two admins demoting each other at once must not both succeed.
            sqlx::query("SELECT pg_advisory_xact_lock(7245)")
                .execute(&mut *tx)
                .await?;
        }
        let current = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        let current = user_from_row(&current)?;
        let stays_admin = role == Role::Admin && !disabled;
        if current.role == Role::Admin && !current.disabled && !stays_admin {
            let others = sqlx::query(
                "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id <> $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("n")?;
            if others == 0 {
                return Err(StoreError::LastAdmin);
            }
        }
        sqlx::query(
            "UPDATE users SET role = $1, organisation_id = $2, disabled = $3 WHERE id = $4",
        )
        .bind(role.as_str())
        .bind(organisation_id)
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut revoked = 0;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            revoked = sqlx::query(
                "UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "user.update",
            id,
            serde_json::json!({"role": role, "organisation": organisation_id, "disabled": disabled, "keys_revoked": revoked}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password and signs the user out everywhere.
    pub async fn set_password(
        &self,
        by: &Actor,
        id: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        let hash = hash_password(password).await?;
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
        audit(
            &mut tx,
            self.backend,
            by,
            "user.password",
            id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a session for `by`'s user lasting `ttl_secs`, with a CSRF token
    /// of its own; returns the secret token for the cookie.
    pub async fn create_session(&self, by: &Actor, ttl_secs: i64) -> Result<String, StoreError> {
        let user_id = by.user.as_deref().ok_or(StoreError::NotFound("user"))?;
        let token = new_id() + &new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(new_id() + &new_id())
        .bind(now() + ttl_secs)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            by,
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
    pub async fn delete_session(&self, by: &Actor, token: &str) -> Result<(), StoreError> {
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
                self.backend,
                &by.as_user(&user),
                "session.delete",
                &user,
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
