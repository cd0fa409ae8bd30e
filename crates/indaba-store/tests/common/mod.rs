//! What the store's test files share: a fresh store on SQLite or on the
//! test network's PostgreSQL, and `on_both!` to run one test on each.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use indaba_store::Store;
use sqlx::Connection;

pub fn postgres_admin_url() -> String {
    if let Ok(url) = std::env::var("INDABA_TEST_POSTGRES") {
        return url;
    }
    let path = std::env::var_os("INDABA_TESTBED_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testbed/run/env"));
    let env: BTreeMap<String, String> = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    env.get("INDABA_TB_POSTGRES").cloned().unwrap_or_else(|| {
        panic!(
            "no PostgreSQL for the store tests: run ./run-tests (it starts one on the test \
             network), or set INDABA_TEST_POSTGRES=postgres://user@host:port/db"
        )
    })
}

pub async fn fresh_sqlite() -> (Store, tempdir::TempDir) {
    let dir = tempdir::TempDir::new();
    let store = Store::open(&dir.path.join("indaba.db").display().to_string())
        .await
        .expect("open SQLite");
    (store, dir)
}

pub async fn fresh_postgres() -> Store {
    sqlx::any::install_default_drivers();
    let admin = postgres_admin_url();
    let name = format!(
        "indaba_t_{}",
        indaba_store::new_id()
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Store::open(&format!("{base}/{name}"))
        .await
        .expect("open PostgreSQL")
}

/// A temporary directory removed on drop (no extra crate for one helper).
pub mod tempdir {
    pub struct TempDir {
        pub path: std::path::PathBuf,
    }
    impl TempDir {
        pub fn new() -> TempDir {
            let path =
                std::env::temp_dir().join(format!("indaba-store-{}", indaba_store::new_id()));
            std::fs::create_dir_all(&path).expect("temp dir");
            TempDir { path }
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

macro_rules! on_both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let (store, _dir) = fresh_sqlite().await;
                ($body)(store).await;
            }
            #[tokio::test]
            async fn postgres() {
                let store = fresh_postgres().await;
                ($body)(store).await;
            }
        }
    };
}
