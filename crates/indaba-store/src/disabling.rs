//! Disabling an organisation: nothing that has a history is ever deleted
//! (the audit log names it), so an organisation that leaves is disabled.
//! Disabling it disables every account of its people, one by one through
//! [`Store::update_user`] (each audited, signed out, their API keys revoked;
//! the last administrator stays); enabling it again brings no account back,
//! as enabling a person brings no key back: an admin decides each.

use sqlx::Row;

use crate::audit::audit;
use crate::{Actor, Store, StoreError};

impl Store {
    /// Disables (or enables again) organisation `id`; disabling also
    /// disables its people's accounts. Returns how many accounts it
    /// disabled.
    pub async fn set_organisation_disabled(
        &self,
        by: &Actor,
        id: &str,
        disabled: bool,
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let found = sqlx::query("UPDATE organisations SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
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
            if disabled {
                "organisation.disable"
            } else {
                "organisation.enable"
            },
            id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        if !disabled {
            return Ok(0);
        }
        let members = sqlx::query(
            "SELECT id, role FROM users WHERE organisation_id = $1 AND disabled = 0 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut count = 0;
        for row in &members {
            let user: String = row.try_get("id")?;
            let role: String = row.try_get("role")?;
            let role = crate::parse_column(&role, "role")?;
            match self.update_user(by, &user, role, Some(id), true).await {
                Ok(()) => count += 1,
                // The last administrator keeps their account.
                Err(StoreError::LastAdmin) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(count)
    }
}
