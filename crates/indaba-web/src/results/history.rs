//! A domain's history: its public reports, newest first, each with what
//! changed since the one before (checks whose status moved).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use indaba_model::{Status, TestKind};

use crate::app::{AppState, PageContext};
use crate::i18n::Tr;
use crate::pages::render;
use crate::results::{canonical_domain, report};
use crate::view::{self, UserView};
use crate::when::{self, When};

/// The most reports a history page shows.
pub const MAX_HISTORY: i64 = 50;

/// The history page.
#[derive(Template)]
#[template(path = "results/history.html")]
pub struct HistoryPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Domain (Unicode).
    pub domain: String,
    /// The kind's name.
    pub kind_label: String,
    /// The per-domain address.
    pub domain_path: String,
    /// Reports, newest first.
    pub entries: Vec<HistoryEntry>,
}

/// One report in a history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// Report id.
    pub id: String,
    /// When.
    pub when: When,
    /// Score text.
    pub score: String,
    /// Changes since the report before, in words; empty when none.
    pub changes: Vec<Change>,
    /// Whether there was a report before to compare with.
    pub first: bool,
}

/// One check whose status moved.
#[derive(Debug, Clone)]
pub struct Change {
    /// Check title.
    pub title: String,
    /// Status before, in words.
    pub before: String,
    /// Status after, in words.
    pub after: String,
    /// Whether it got better (CSS).
    pub better: bool,
}

/// `GET /site/{domain}/history`.
pub async fn web(state: State<AppState>, ctx: PageContext, Path(d): Path<String>) -> Response {
    page(state, ctx, d, TestKind::Web).await
}

/// `GET /mail/{domain}/history`.
pub async fn mail(state: State<AppState>, ctx: PageContext, Path(d): Path<String>) -> Response {
    page(state, ctx, d, TestKind::Mail).await
}

async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    domain: String,
    kind: TestKind,
) -> Response {
    let domain = match canonical_domain(&state, &ctx, kind, &domain, "/history") {
        Ok(d) => d,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let reports = match state
        .store
        .public_history(kind, domain.as_str(), MAX_HISTORY)
        .await
    {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(&state, &ctx, &e),
    };
    let ids: Vec<String> = reports.iter().map(|r| r.id.clone()).collect();
    let statuses = match state.store.finding_statuses(&ids).await {
        Ok(s) => s,
        Err(e) => return crate::errors::internal(&state, &ctx, &e),
    };
    let empty = Default::default();
    let entries = reports
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let older = reports.get(i + 1);
            let mine = statuses.get(&r.id).unwrap_or(&empty);
            let changes = older
                .map(|o| changes(&tr, statuses.get(&o.id).unwrap_or(&empty), mine))
                .unwrap_or_default();
            HistoryEntry {
                id: r.id.clone(),
                when: when::at(&tr, r.started_at),
                score: view::score_text(&tr, r.score),
                changes,
                first: older.is_none(),
            }
        })
        .collect();
    let page = HistoryPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        domain: domain.to_unicode(),
        kind_label: view::kind_label(&tr, kind),
        domain_path: report::domain_path(kind, domain.as_str()),
        entries,
    };
    ctx.finish(&state, render(page))
}

/// The checks whose status differs between `before` and `after`, in
/// catalogue order; a check new or gone counts as changed.
pub fn changes(
    tr: &Tr<'_>,
    before: &std::collections::HashMap<String, Status>,
    after: &std::collections::HashMap<String, Status>,
) -> Vec<Change> {
    indaba_model::catalogue::CATALOGUE
        .iter()
        .filter_map(|spec| {
            let (b, a) = (before.get(spec.id), after.get(spec.id));
            if b == a {
                return None;
            }
            let word = |s: Option<&Status>| match s {
                Some(s) => view::status_label(tr, *s),
                None => tr.t("history-absent"),
            };
            Some(Change {
                title: view::check_title(tr, spec.id),
                before: word(b),
                after: word(a),
                better: match (b, a) {
                    (Some(b), Some(a)) => a.severity() < b.severity(),
                    _ => false,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_checks_that_moved_are_changes() {
        let catalogue = crate::i18n::Translations::load().unwrap();
        let tr = Tr::new(&catalogue, "en");
        let before = [
            ("web.tls.version".to_string(), Status::Fail),
            ("dns.dnssec.valid".to_string(), Status::Pass),
        ]
        .into_iter()
        .collect();
        let after = [
            ("web.tls.version".to_string(), Status::Pass),
            ("dns.dnssec.valid".to_string(), Status::Pass),
        ]
        .into_iter()
        .collect();
        let c = changes(&tr, &before, &after);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].title, "Only secure TLS versions");
        assert_eq!(
            (c[0].before.as_str(), c[0].after.as_str()),
            ("Fail", "Pass")
        );
        assert!(c[0].better);
    }
}
