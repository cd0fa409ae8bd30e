//! The knowledge base: how-to articles beyond the per-check guides
//! (versioned Markdown, by topic), questions from members answered by
//! experts (the staff) with an accepted answer, full-text search across
//! the guides, articles and answered questions, and the awareness pages
//! ("top 10 tips", campaigns per language) edited in the browser.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use indaba_assembly::{Viewer, Visibility};
use indaba_store::assembly::SearchDoc;
use serde::Deserialize;

use super::committees::visibility_options;
use super::{
    done, fail, forbidden, is_admin, is_staff, member, not_found, page, see, show, signed_in,
    viewer, visible_levels, when,
};
use crate::app::{AppState, PageContext};
use crate::guides::markdown;

/// Puts the compiled-in guides into the search index (at start; they
/// change only with the binary).
pub async fn index_guides(state: &AppState) {
    let docs: Vec<SearchDoc> = crate::guides::sources()
        .filter(|(lang, _, _)| *lang == crate::i18n::DEFAULT_LANGUAGE)
        .map(|(lang, id, text)| SearchDoc {
            reference: id.to_string(),
            visibility: Visibility::Public,
            title: state
                .guides
                .get(lang, id)
                .map(|g| g.title.clone())
                .unwrap_or_else(|| id.to_string()),
            body: text.to_string(),
        })
        .collect();
    if let Err(e) = state.store.reindex("guide", &docs).await {
        tracing::error!(error = %e, "cannot index the guides for search");
    }
}

page!(
    /// The knowledge base.
    KnowledgePage, "assembly/knowledge.html", {
        /// (topic, [(slug, title)]).
        topics: Vec<(String, Vec<(String, String)>)>,
        /// Questions: (id, title, answered).
        questions: Vec<(String, String, bool)>,
        /// Whether the viewer may write articles.
        expert: bool,
        /// Visibility choices.
        visibilities: Vec<(String, String)>,
    }
);

/// `GET /assembly/knowledge`.
pub async fn index(State(state): State<AppState>, ctx: PageContext) -> Response {
    let v = viewer(&state, &ctx, None).await;
    let mut topics: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for a in state.store.articles().await.unwrap_or_default() {
        if a.visibility.allows(v) {
            topics.entry(a.topic).or_default().push((a.slug, a.title));
        }
    }
    let questions = if signed_in(&ctx).is_some() {
        state
            .store
            .questions()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|q| (q.id, q.title, q.accepted_answer.is_some()))
            .collect()
    } else {
        Vec::new()
    };
    let tr = ctx.tr(&state);
    let page = KnowledgePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        topics: topics.into_iter().collect(),
        questions,
        expert: is_staff(&ctx),
        visibilities: visibility_options(&tr),
    };
    show(&state, &ctx, page)
}

/// The article form.
#[derive(Debug, Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    visibility: String,
}

/// `POST /assembly/knowledge` (experts): a new article, or a new version of
/// the article with that slug.
pub async fn save_article(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<ArticleForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if !is_staff(&ctx) {
        return forbidden(&state, &ctx);
    }
    let visibility = form.visibility.parse().unwrap_or(Visibility::Public);
    match state
        .store
        .save_article(
            &user.id,
            &form.slug,
            &form.topic,
            &form.title,
            &form.body,
            visibility,
            state.clock.now(),
        )
        .await
    {
        Ok(a) => see(&format!("/assembly/knowledge/{}", a.slug)),
        Err(e) => fail(&state, &ctx, e),
    }
}

page!(
    /// An article.
    ArticlePage, "assembly/article.html", {
        /// Slug.
        slug: String,
        /// Topic.
        topic: String,
        /// Title.
        title: String,
        /// Body, HTML.
        body_html: String,
        /// Body, Markdown.
        body: String,
        /// Version.
        version: i64,
        /// (version, title, when).
        versions: Vec<(i64, String, String)>,
        /// Whether the viewer may edit it.
        expert: bool,
        /// Visibility code.
        visibility: String,
        /// Visibility choices.
        visibilities: Vec<(String, String)>,
    }
);

/// `GET /assembly/knowledge/{slug}`.
pub async fn article(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Response {
    let Ok(Some(a)) = state.store.article(&slug).await else {
        return not_found(&state, &ctx);
    };
    if !a.visibility.allows(viewer(&state, &ctx, None).await) {
        return not_found(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let page = ArticlePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        versions: state
            .store
            .article_versions(&a.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(v, t, at)| (v, t, when(at)))
            .collect(),
        body_html: markdown(&a.body),
        slug: a.slug,
        topic: a.topic,
        title: a.title,
        body: a.body,
        version: a.version,
        expert: is_staff(&ctx),
        visibility: a.visibility.as_str().to_string(),
        visibilities: visibility_options(&tr),
    };
    show(&state, &ctx, page)
}

/// The question form.
#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// `POST /assembly/questions` (members).
pub async fn ask(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<QuestionForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    match state
        .store
        .ask(&user.id, &form.title, &form.body, state.clock.now())
        .await
    {
        Ok(id) => see(&format!("/assembly/questions/{id}")),
        Err(e) => fail(&state, &ctx, e),
    }
}

page!(
    /// A question with its answers.
    QuestionPage, "assembly/question.html", {
        /// Id.
        id: String,
        /// Title.
        title: String,
        /// Asked by.
        author: String,
        /// When.
        at: String,
        /// The question.
        body: String,
        /// (id, author, when, HTML, accepted).
        answers: Vec<(String, String, String, String, bool)>,
        /// Whether the viewer may answer (experts).
        expert: bool,
        /// Whether the viewer may accept an answer (the asker, admins).
        may_accept: bool,
    }
);

/// `GET /assembly/questions/{id}` (members).
pub async fn question(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    if signed_in(&ctx).is_none() {
        return not_found(&state, &ctx);
    }
    let Ok(q) = state.store.question(&id).await else {
        return not_found(&state, &ctx);
    };
    let answers = state
        .store
        .answers(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let accepted = q.accepted_answer.as_deref() == Some(a.id.as_str());
            (a.id, a.author_name, when(a.at), markdown(&a.body), accepted)
        })
        .collect();
    let page = QuestionPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        may_accept: is_admin(&ctx) || signed_in(&ctx).is_some_and(|u| u.id == q.post.author_id),
        id: q.id,
        title: q.title,
        author: q.post.author_name,
        at: when(q.post.at),
        body: q.post.body,
        answers,
        expert: is_staff(&ctx),
    };
    show(&state, &ctx, page)
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// `POST /assembly/questions/{id}/answers` (experts).
pub async fn answer(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if !is_staff(&ctx) {
        return forbidden(&state, &ctx);
    }
    done(
        &state,
        &ctx,
        state
            .store
            .answer(&user.id, &id, &form.body, state.clock.now())
            .await,
        &format!("/assembly/questions/{id}"),
    )
}

/// The accept form.
#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
}

/// `POST /assembly/questions/{id}/accept` (the asker or an admin): the
/// question becomes searchable with its accepted answer.
pub async fn accept(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let Ok(q) = state.store.question(&id).await else {
        return not_found(&state, &ctx);
    };
    if !(is_admin(&ctx) || q.post.author_id == user.id) {
        return forbidden(&state, &ctx);
    }
    done(
        &state,
        &ctx,
        state.store.accept_answer(&user.id, &id, &form.answer).await,
        &format!("/assembly/questions/{id}"),
    )
}

page!(
    /// Search results.
    SearchPage, "assembly/search.html", {
        /// The query.
        query: String,
        /// (href, kind label, title).
        hits: Vec<(String, String, String)>,
    }
);

/// The search query.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /assembly/search?q=`: guides, articles and answered questions the
/// viewer may see.
pub async fn search(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<SearchQuery>,
) -> Response {
    let tr = ctx.tr(&state);
    let query: String = q.q.chars().take(200).collect();
    let levels = visible_levels(match viewer(&state, &ctx, None).await {
        // Articles are written for the partnership; no committee holds them.
        Viewer::CommitteeMember => Viewer::Member,
        v => v,
    });
    let hits = match state.store.search(&query, &levels, 30).await {
        Ok(h) => h,
        Err(e) => return fail(&state, &ctx, e),
    };
    let hits = hits
        .into_iter()
        .map(|h| {
            let href = match h.kind.as_str() {
                "guide" => format!("/guides/{}", h.reference),
                "article" => format!("/assembly/knowledge/{}", h.reference),
                _ => format!("/assembly/questions/{}", h.reference),
            };
            (href, tr.t(&format!("assembly-hit-{}", h.kind)), h.title)
        })
        .collect();
    let page = SearchPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        query,
        hits,
    };
    show(&state, &ctx, page)
}

page!(
    /// The awareness pages of the reader's language.
    AwarenessPage, "assembly/awareness.html", {
        /// (slug, kind label, title).
        pages: Vec<(String, String, String)>,
        /// Whether the viewer may edit.
        editor: bool,
        /// The language shown and edited.
        lang: String,
    }
);

/// `GET /assembly/awareness`: the public awareness pages ("top 10 tips",
/// campaigns) in the reader's language.
pub async fn awareness(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let pages = state
        .store
        .awareness_pages(&ctx.lang)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            (
                p.slug,
                tr.t(&format!("assembly-awareness-{}", p.kind)),
                p.title,
            )
        })
        .collect();
    let page = AwarenessPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        pages,
        editor: is_staff(&ctx),
        lang: ctx.lang.clone(),
    };
    show(&state, &ctx, page)
}

page!(
    /// One awareness page.
    AwarenessOnePage, "assembly/awareness_page.html", {
        /// Slug.
        slug: String,
        /// Kind code.
        kind: String,
        /// Title.
        title: String,
        /// Body, HTML.
        body_html: String,
        /// Body, Markdown.
        body: String,
        /// Language.
        lang: String,
        /// Last change.
        updated: String,
        /// Whether the viewer may edit.
        editor: bool,
    }
);

/// `GET /assembly/awareness/{slug}`.
pub async fn awareness_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Response {
    let mut pages = state
        .store
        .awareness_pages(&ctx.lang)
        .await
        .unwrap_or_default();
    if !pages.iter().any(|p| p.slug == slug) {
        pages = state
            .store
            .awareness_pages(crate::i18n::DEFAULT_LANGUAGE)
            .await
            .unwrap_or_default();
    }
    let Some(p) = pages.into_iter().find(|p| p.slug == slug) else {
        return not_found(&state, &ctx);
    };
    let page = AwarenessOnePage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        body_html: markdown(&p.body),
        slug: p.slug,
        kind: p.kind,
        title: p.title,
        body: p.body,
        lang: p.lang,
        updated: when(p.updated_at),
        editor: is_staff(&ctx),
    };
    show(&state, &ctx, page)
}

/// The awareness form.
#[derive(Debug, Deserialize)]
pub struct AwarenessForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// `POST /assembly/awareness` (staff).
pub async fn save_awareness(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<AwarenessForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if !is_staff(&ctx) {
        return forbidden(&state, &ctx);
    }
    match state
        .store
        .save_awareness_page(
            &user.id,
            &form.slug,
            &form.lang,
            &form.kind,
            &form.title,
            &form.body,
            state.clock.now(),
        )
        .await
    {
        Ok(slug) => see(&format!("/assembly/awareness/{slug}")),
        Err(e) => fail(&state, &ctx, e),
    }
}
