//! Templates and the view models they show: plain data, already translated,
//! escaped by askama when rendered.

use askama::Template;
use indaba_model::catalogue::{self, Category};
use indaba_model::{Status, TestKind};

use crate::i18n::Tr;

/// The signed-in user, as the page header shows it.
#[derive(Debug, Clone)]
pub struct UserView {
    /// Sign-in address.
    pub email: String,
    /// Whether to show the admin link.
    pub is_admin: bool,
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token for the forms.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Recent results (empty when the operator turned the list off).
    pub recent: Vec<RecentView>,
    /// The website form: what was typed and what is wrong with it.
    pub web: FormField,
    /// The mail form: what was typed and what is wrong with it.
    pub mail: FormField,
}

/// A form field as typed, with the problem to show beside it.
#[derive(Debug, Clone, Default)]
pub struct FormField {
    /// What the visitor typed.
    pub value: String,
    /// What is wrong with it, if anything.
    pub error: Option<String>,
}

/// A recent result on the home page.
#[derive(Debug, Clone)]
pub struct RecentView {
    /// Report id.
    pub id: String,
    /// Domain (Unicode form).
    pub domain: String,
    /// Test kind, translated.
    pub kind: String,
    /// Score text.
    pub score: String,
    /// When.
    pub when: crate::when::When,
    /// The per-domain address.
    pub path: String,
}

/// The progress page of a queued or running test.
#[derive(Template)]
#[template(path = "progress.html")]
pub struct ProgressPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Job id.
    pub job_id: &'a str,
    /// Domain tested.
    pub domain: &'a str,
    /// State, translated.
    pub state_text: String,
    /// Place in the queue.
    pub position: Option<i64>,
    /// Each part of the test: (name, state in words, done, id).
    pub parts: Vec<(String, String, bool, &'static str)>,
}

/// The guide index.
#[derive(Template)]
#[template(path = "guides.html")]
pub struct GuidesPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// (category title, [(id, title)]).
    pub groups: Vec<(String, Vec<(String, String)>)>,
}

/// One guide.
#[derive(Template)]
#[template(path = "guide.html")]
pub struct GuidePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Check id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Rendered body (HTML from our own Markdown renderer, raw HTML escaped).
    pub body: &'a str,
}

/// A page with one message (errors, confirmations).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Heading.
    pub heading: String,
    /// Text.
    pub text: String,
}

/// The translated word for a status.
pub fn status_label(tr: &Tr<'_>, status: Status) -> String {
    tr.t(&format!("status-{}", status.as_str().replace('_', "-")))
}

/// The translated name of a test kind.
pub fn kind_label(tr: &Tr<'_>, kind: TestKind) -> String {
    tr.t(match kind {
        TestKind::Web => "kind-web",
        TestKind::Mail => "kind-mail",
    })
}

/// The translated title of a category.
pub fn category_title(tr: &Tr<'_>, category: Category) -> String {
    tr.t(&category.title_id())
}

/// The translated title of a check (its id when the catalogue has no such
/// check).
pub fn check_title(tr: &Tr<'_>, id: &str) -> String {
    catalogue::check(id)
        .map(|c| tr.t(&c.title_id()))
        .unwrap_or_else(|| id.to_string())
}

/// A finding in the reader's language: its summary and evidence rendered
/// from their message ids.
pub fn localised(tr: &Tr<'_>, finding: &indaba_model::Finding) -> indaba_model::Finding {
    let mut finding = finding.clone();
    tr.catalogue().render_finding(tr.lang, &mut finding);
    finding
}

/// The score as text.
pub fn score_text(tr: &Tr<'_>, score: Option<u8>) -> String {
    match score {
        Some(s) => format!("{s}%"),
        None => tr.t("score-none"),
    }
}
