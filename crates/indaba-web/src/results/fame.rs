//! The hall of fame: domains whose latest public test scores 100%, per test
//! kind, each with its badge and the code to embed it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use indaba_model::TestKind;

use crate::app::{AppState, PageContext};
use crate::i18n::Tr;
use crate::pages::render;
use crate::results::report::{domain_path, kind_word};
use crate::view::UserView;
use crate::when::{self, When};

/// The most domains listed per kind.
pub const MAX_FAME: i64 = 1000;

/// The hall of fame page.
#[derive(Template)]
#[template(path = "results/fame.html")]
pub struct FamePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// One list per kind.
    pub lists: Vec<FameList>,
}

/// The domains of one kind.
#[derive(Debug, Clone)]
pub struct FameList {
    /// `web` or `mail`.
    pub kind: &'static str,
    /// Heading.
    pub title: String,
    /// The domains.
    pub entries: Vec<FameEntry>,
}

/// One domain in the hall of fame.
#[derive(Debug, Clone)]
pub struct FameEntry {
    /// Domain (Unicode).
    pub domain: String,
    /// The per-domain address.
    pub path: String,
    /// The badge's address.
    pub badge: String,
    /// When its latest test ran.
    pub when: When,
    /// HTML to embed the badge elsewhere.
    pub embed: String,
}

/// The HTML another site puts on its pages to show the badge.
pub fn embed_code(base: &str, kind: TestKind, domain: &str, alt: &str) -> String {
    let base = base.trim_end_matches('/');
    format!(
        "<a href=\"{base}{path}\"><img src=\"{base}/badge/{kind}/{domain}.svg\" alt=\"{alt}\"></a>",
        path = domain_path(kind, domain),
        kind = kind_word(kind),
        alt = alt.replace('"', "&quot;"),
    )
}

/// `GET /hall-of-fame`.
pub async fn page(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let mut lists = Vec::new();
    for kind in [TestKind::Web, TestKind::Mail] {
        let found = match state.store.hall_of_fame(kind, MAX_FAME).await {
            Ok(f) => f,
            Err(e) => return crate::errors::internal(&state, &ctx, &e),
        };
        let entries = found
            .iter()
            .map(|r| {
                let unicode = indaba_model::DomainName::parse(&r.domain)
                    .map(|d| d.to_unicode())
                    .unwrap_or_else(|_| r.domain.clone());
                let alt = tr.t1("fame-badge-alt", "domain", &unicode);
                FameEntry {
                    path: domain_path(kind, &r.domain),
                    badge: format!("/badge/{}/{}.svg", kind_word(kind), r.domain),
                    when: when::at(&tr, r.started_at),
                    embed: embed_code(&state.config.base_url, kind, &r.domain, &alt),
                    domain: unicode,
                }
            })
            .collect();
        lists.push(FameList {
            kind: kind_word(kind),
            title: tr.t(match kind {
                TestKind::Web => "fame-web",
                TestKind::Mail => "fame-mail",
            }),
            entries,
        });
    }
    let page = FamePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        lists,
    };
    ctx.finish(&state, render(page))
}
