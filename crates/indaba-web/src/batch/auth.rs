//! HTTP Basic authentication for the batch API, as internet.nl's batch
//! instances ask for it, with an account's API credentials: the user name
//! is the account's e-mail address and the password one of its live API
//! keys (`ik_…`, made on the admin page). Both must match: a key alone, or
//! another account's address, is refused. Refusals are a bare 401 with
//! `WWW-Authenticate: Basic`; a key's use is recorded by the store.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use indaba_store::User;

use super::reply::BatchError;
use crate::app::{AppState, Client};

/// The user a batch API call is made for.
#[derive(Debug, Clone)]
pub struct BatchUser(pub User);

/// The user name and password of an `Authorization: Basic` header, if it
/// is one and well formed (bounded: a key is 128 characters at most).
pub fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") || encoded.len() > 1024 {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    if user.is_empty() || password.is_empty() || password.len() > 128 {
        return None;
    }
    Some((user.to_string(), password.to_string()))
}

impl FromRequestParts<AppState> for BatchUser {
    type Rejection = BatchError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(client) = Client::from_request_parts(parts, state).await;
        let (email, key) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(basic_credentials)
            .ok_or(BatchError::Unauthorised)?;
        match state.store.api_key_owner(&key, &client.0.to_string()).await {
            Ok(Some(owner)) if owner.user.email.eq_ignore_ascii_case(email.trim()) => {
                Ok(BatchUser(owner.user))
            }
            Ok(_) => Err(BatchError::Unauthorised),
            Err(e) => Err(BatchError::server(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn header(user_password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_password)
        )
    }

    #[test]
    fn basic_credentials_read_user_and_password() {
        assert_eq!(
            basic_credentials(&header("a@example.test:ik_x:y")),
            Some(("a@example.test".into(), "ik_x:y".into()))
        );
        assert_eq!(basic_credentials("Bearer ik_x"), None);
        assert_eq!(basic_credentials(&header(":ik_x")), None);
        assert_eq!(basic_credentials(&header("a@example.test:")), None);
        assert_eq!(basic_credentials("Basic %%%"), None);
        assert_eq!(
            basic_credentials(&header(&format!("a:{}", "k".repeat(129)))),
            None
        );
    }

    proptest! {
        #[test]
        fn any_header_is_read_without_panic(value in "\\PC{0,300}") {
            let _ = basic_credentials(&value);
        }
    }
}
