//! The delivery log of owner notices on the site (analysts and admins):
//! every digest with to whom, when, what it told (lists, domains, how many
//! findings), its language, the relay's answer, and whether it bounced or
//! was not sent because the contact opted out; newest first, a page at a
//! time. `indaba notices log` prints the same rows.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use indaba_store::notices::DeliveryLine;
use serde::Deserialize;

use crate::app::{AppState, PageContext};
use crate::extract::{RequireRole, role};
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;
use crate::when::{self, When};

/// Digests per page.
pub const PER_PAGE: i64 = 50;

/// Domains named per digest on the page (the rest are counted).
const DOMAINS_SHOWN: usize = 10;

/// The log page.
#[derive(Template)]
#[template(path = "notices/log.html")]
struct LogPage<'a> {
    tr: Tr<'a>,
    csrf: &'a str,
    user: Option<UserView>,
    rows: Vec<Row>,
    page: i64,
    pages: i64,
    /// "Page 2 of 7".
    position: String,
}

/// One digest as the page shows it; every field is text askama escapes.
struct Row {
    to: String,
    source: String,
    created: When,
    sent: Option<String>,
    subject: String,
    findings: String,
    domains: Option<String>,
    lists: Option<String>,
    language: String,
    state: String,
    /// `bounced`, `opted_out`… (a class for the row).
    state_word: String,
    answer: String,
}

/// `?page=N`, 1-based; anything else is the first page.
#[derive(Debug, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    page: Option<String>,
}

fn row(tr: &Tr<'_>, line: DeliveryLine) -> Row {
    let d = line.delivery;
    let shown: Vec<&str> = line
        .domains
        .iter()
        .take(DOMAINS_SHOWN)
        .map(String::as_str)
        .collect();
    let mut named = shown.join(", ");
    if line.domains.len() > DOMAINS_SHOWN {
        named = format!(
            "{named} {}",
            tr.t1(
                "notices-log-more",
                "count",
                line.domains.len() - DOMAINS_SHOWN
            )
        );
    }
    let domains = (!line.domains.is_empty()).then(|| {
        tr.m(&indaba_model::Message::new("notices-log-domains")
            .arg("count", line.domains.len() as u64)
            .arg("domains", named.as_str()))
    });
    Row {
        to: d.contact,
        source: tr.t(&format!(
            "notices-log-source-{}",
            d.source.replace('_', "-")
        )),
        created: when::at(tr, d.created_at),
        sent: d
            .sent_at
            .map(|t| tr.t1("notices-log-sent-at", "when", when::at(tr, t).text)),
        subject: d.subject,
        findings: tr.m(&indaba_model::Message::new("notices-log-changes").arg("count", d.changes)),
        domains,
        lists: (!line.lists.is_empty())
            .then(|| tr.t1("notices-log-lists", "lists", line.lists.join(", "))),
        language: super::language_name(tr, &d.language),
        state: tr.t(&format!("notices-log-state-{}", d.state.replace('_', "-"))),
        state_word: d.state,
        answer: d.smtp_answer,
    }
}

/// `GET /monitor/notices`: the delivery log.
pub async fn page(
    State(state): State<AppState>,
    _staff: RequireRole<role::Analyst>,
    ctx: PageContext,
    Query(q): Query<LogQuery>,
) -> Response {
    let total = match state.store.notice_delivery_count().await {
        Ok(n) => n,
        Err(e) => return crate::monitor::pages::store_problem(&state, &ctx, e),
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let lines = match state
        .store
        .notice_delivery_page((page - 1) * PER_PAGE, PER_PAGE)
        .await
    {
        Ok(l) => l,
        Err(e) => return crate::monitor::pages::store_problem(&state, &ctx, e),
    };
    let tr = ctx.tr(&state);
    let view = LogPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        rows: lines.into_iter().map(|l| row(&tr, l)).collect(),
        page,
        pages,
        position: tr.m(&indaba_model::Message::new("notices-log-page")
            .arg("page", page)
            .arg("pages", pages)),
    };
    ctx.finish(&state, render(view))
}
