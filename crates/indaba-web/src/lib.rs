//! The platform's web server: the public test site, the guides, the JSON API,
//! sign-in and administration, on top of the store and the engine.
//!
//! Handlers are thin: they read the request, call plain functions of the
//! store or the engine, and render a template. The rules every handler
//! shares (CSRF, signed-in user, roles, client address) are extractors in
//! [`extract`]; everything a person reads goes through [`i18n`]; every
//! response carries the headers of [`protect`]; [`serve`] puts limits on
//! connections.

pub mod access_log;
pub mod accounts;
pub mod admin;
pub mod api;
pub mod apidocs;
pub mod app;
pub mod assembly;
pub mod batch;
pub mod client;
pub mod desk;
pub mod errors;
pub mod extract;
pub mod flash;
pub mod guides;
pub mod i18n;
pub mod mail;
pub mod monitor;
pub mod notices;
pub mod pages;
pub mod protect;
pub mod results;
pub mod serve;
pub mod view;
pub mod when;
pub mod worker;

pub use app::{AppState, WebConfig, router};
pub use client::TrustedProxies;

#[cfg(test)]
mod testing;
