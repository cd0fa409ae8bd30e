//! A running platform for end-to-end tests: `indaba serve` started on a free
//! port of the test network with a fresh SQLite file or PostgreSQL database,
//! a cookie-keeping HTTP client, sign-in, and the test relay's mailbox.
//!
//! The binary is the caller's (`env!("CARGO_BIN_EXE_indaba")`, which only the
//! `indaba` crate's tests have), so every role's tests start the same server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::Connection;

use crate::{testbed, testbed_env};

/// A running `indaba serve`, stopped on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The database URL it uses (for `indaba admin` commands).
    pub database: String,
    /// The binary, for commands against the same database.
    pub bin: PathBuf,
    /// Its own directory (the SQLite file lives here).
    pub dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, empty directory under the system's temporary directory.
    pub fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("indaba-test-{}", unique()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> Self {
        TempDir::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A string no other test of this run will make.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{:x}{:x}{:x}",
        t.as_nanos(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Which database a server uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    /// A SQLite file in the server's directory.
    Sqlite,
    /// A fresh database on the test network's PostgreSQL.
    Postgres,
}

/// A fresh database of kind `db` (a SQLite file in `dir`, or a new
/// PostgreSQL database), as a URL.
pub async fn database_url(db: Db, dir: &TempDir) -> String {
    match db {
        Db::Sqlite => format!("sqlite:{}", dir.0.join("indaba.db").display()),
        Db::Postgres => {
            sqlx::any::install_default_drivers();
            let admin = testbed("INDABA_TB_POSTGRES");
            let name = format!("indaba_t_{}", unique());
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("PostgreSQL on the test network");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin);
            format!("{base}/{name}")
        }
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Starts `bin serve` on a free port with the test network's resolver,
/// trust anchor, routing sources and mail relay, plus `extra` options.
pub async fn start(bin: &str, db: Db, extra: &[&str]) -> Server {
    start_on(bin, db, free_port(), extra).await
}

/// [`start`] on `port`.
pub async fn start_on(bin: &str, db: Db, port: u16, extra: &[&str]) -> Server {
    start_with_env(bin, db, port, extra, &[]).await
}

/// [`start_on`] with environment variables set for the server (secrets that
/// never go on a command line). `extra` options replace the defaults they
/// name (`--smtp`, `--base-url`).
pub async fn start_with_env(
    bin: &str,
    db: Db,
    port: u16,
    extra: &[&str],
    envs: &[(&str, &str)],
) -> Server {
    let env = testbed_env();
    let dir = TempDir::new();
    let database = database_url(db, &dir).await;
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(bin)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            &database,
            "--rtr",
            &env["INDABA_TB_RTR"],
            "--origins-zone",
            &env["INDABA_TB_ORIGINS_ZONE"],
            "--smtp-ca-file",
            &env["INDABA_TB_CA"],
            "--mail-from",
            "indaba@relay.test",
        ])
        .args(crate::engine_args())
        .args(if extra.contains(&"--smtp") {
            Vec::new()
        } else {
            vec!["--smtp", env["INDABA_TB_SMTP"].as_str()]
        })
        .args(extra)
        .envs(envs.iter().copied())
        .args(if extra.contains(&"--base-url") {
            Vec::new()
        } else {
            vec!["--base-url", base.as_str()]
        })
        // The access log would print every request of every test.
        .env(
            "INDABA_LOG",
            std::env::var("INDABA_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start indaba serve");
    let server = Server {
        child,
        base,
        database,
        bin: PathBuf::from(bin),
        dir,
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(&server.base).send().await
            && r.status() == StatusCode::OK
        {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "indaba serve did not answer within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Server {
    /// `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs `indaba ARGS --database <this server's>` and returns its output.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--database", &self.database]);
        Command::new(&self.bin)
            .args(&all)
            .output()
            .expect("run indaba")
    }

    /// Creates a user with `indaba admin create-user`.
    pub fn create_user(&self, email: &str, role: &str, password: &str) {
        let out = Command::new(&self.bin)
            .args([
                "admin",
                "create-user",
                "--database",
                &self.database,
                "--email",
                email,
                "--role",
                role,
            ])
            .env("INDABA_PASSWORD", password)
            .output()
            .expect("indaba admin create-user");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Makes an API key for user `user_id` on the admin page as `admin` (a
    /// signed-in administrator) and returns it, read from the page the
    /// form's redirect leads to (the only place it is ever shown).
    pub async fn new_api_key(&self, admin: &reqwest::Client, user_id: &str, label: &str) -> String {
        let token = csrf(admin, &self.url("/admin")).await;
        let r = admin
            .post(self.url("/admin/api-keys"))
            .form(&[
                ("csrf", token.as_str()),
                ("user", user_id),
                ("label", label),
            ])
            .send()
            .await
            .expect("POST /admin/api-keys");
        assert_eq!(
            r.status(),
            reqwest::StatusCode::SEE_OTHER,
            "redirected after POST"
        );
        let page = self.admin_page(admin).await;
        page.split("ik_")
            .nth(1)
            .map(|s| format!("ik_{}", s.split(['<', ' ', '"']).next().unwrap_or_default()))
            .expect("the new key is shown once")
    }

    /// The admin page as `admin` sees it.
    async fn admin_page(&self, admin: &reqwest::Client) -> String {
        admin
            .get(self.url("/admin"))
            .send()
            .await
            .expect("GET /admin")
            .text()
            .await
            .expect("the admin page")
    }

    /// The id of the user `email`, read from the admin page's API key form
    /// as `admin` (a signed-in administrator) sees it.
    pub async fn user_id(&self, admin: &reqwest::Client, email: &str) -> String {
        let page = self.admin_page(admin).await;
        page.split("id=\"k-user\"")
            .nth(1)
            .and_then(|s| s.split(&format!(">{email}<")).next())
            .and_then(|s| s.rsplit("<option value=\"").next())
            .and_then(|s| s.split('"').next())
            .expect("the user in the API key form")
            .to_string()
    }

    /// A client signed in as `email`.
    pub async fn signed_in(&self, email: &str, password: &str) -> reqwest::Client {
        let client = client();
        let token = csrf(&client, &self.url("/login")).await;
        let r = client
            .post(self.url("/login"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {email} failed"
        );
        client
    }
}

/// A client that keeps cookies and does not follow redirects (tests look at
/// them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The CSRF token the page at `url` put in its forms (and cookie).
pub async fn csrf(client: &reqwest::Client, url: &str) -> String {
    let page = client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a form with a CSRF token") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The `Location` of a redirect.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Undoes quoted-printable soft line breaks and escapes (RFC 2045 §6.7),
/// enough to read a link out of a mail.
pub fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::with_capacity(joined.len());
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The mails in the test relay's mailbox now.
pub fn mailbox() -> Vec<PathBuf> {
    let maildir = PathBuf::from(testbed("INDABA_TB_MAILDIR")).join("new");
    std::fs::read_dir(&maildir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Waits up to 30 s for a new mail (not in `before`) for which `matches`
/// is true, decoded from quoted-printable, and returns it.
pub async fn wait_for_mail(
    what: &str,
    before: &[PathBuf],
    matches: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = mailbox()
            .into_iter()
            .filter(|p| !before.contains(p))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|m| decode_quoted_printable(&m))
            .find(|m| matches(m));
        if let Some(mail) = found {
            return mail;
        }
        assert!(Instant::now() < deadline, "no {what} arrived within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
