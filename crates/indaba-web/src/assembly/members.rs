//! Members: the directory (its public part opted into by each
//! organisation), applications to join with the code of conduct, their
//! review by the membership committee within the configured days, the
//! decision mailed with its reasons, and the assembly's settings.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use indaba_assembly::StakeholderGroup;
use indaba_assembly::application::{self, ApplicationState};
use indaba_assembly::committee::{CommitteeRole, DEFAULT_MAX_SHARE};
use indaba_assembly::text;
use indaba_store::assembly::{NewApplication, OrgProfile};
use indaba_store::{Role, User};
use serde::Deserialize;

use super::{
    csrf, done, fail, forbidden, is_admin, link, member, page, refuse, see, send_mail, show,
    signed_in, when,
};
use crate::app::{AppState, Client, PageContext, too_many};
use crate::guides::markdown;

/// A stakeholder group as a select option: (code, label).
pub(crate) fn group_options(tr: &crate::i18n::Tr<'_>) -> Vec<(String, String)> {
    StakeholderGroup::choices()
        .map(|g| (g.as_str().to_string(), tr.t(&g.label_id())))
        .collect()
}

/// An organisation in the directory.
#[derive(Debug, Clone)]
pub struct OrgView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Group code.
    pub group: String,
    /// Group label.
    pub group_label: String,
    /// Sector.
    pub sector: String,
    /// Country code.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// Website.
    pub website: String,
    /// Listed publicly.
    pub listed: bool,
    /// Whether the viewer may edit the entry.
    pub editable: bool,
}

page!(
    /// The member directory.
    DirectoryPage, "assembly/members.html", {
        /// Organisations shown.
        organisations: Vec<OrgView>,
        /// Group choices.
        groups: Vec<(String, String)>,
    }
);

/// `GET /assembly/members`: visitors see the organisations that opted in;
/// members see every one and edit their own organisation's entry.
pub async fn directory(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let user = signed_in(&ctx);
    let orgs = match state.store.org_profiles().await {
        Ok(o) => o,
        Err(e) => return fail(&state, &ctx, e),
    };
    let organisations = orgs
        .into_iter()
        .filter(|o| o.listed || user.is_some())
        .map(|o| OrgView {
            editable: is_admin(&ctx)
                || user.is_some_and(|u| u.organisation_id.as_deref() == Some(o.id.as_str())),
            group_label: tr.t(&o.group.label_id()),
            group: o.group.as_str().to_string(),
            country_name: if o.country.is_empty() {
                String::new()
            } else {
                text::country_name(&o.country)
            },
            id: o.id,
            name: o.name,
            sector: o.sector,
            country: o.country,
            website: o.website,
            listed: o.listed,
        })
        .collect();
    let page = DirectoryPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        organisations,
        groups: group_options(&tr),
    };
    show(&state, &ctx, page)
}

/// The directory-entry form.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    listed: Option<String>,
}

/// `POST /assembly/members/{id}`: an organisation's own staff (or an
/// admin) change its entry, including whether it is listed publicly.
pub async fn update_profile(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<ProfileForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !(is_admin(&ctx) || user.organisation_id.as_deref() == Some(id.as_str())) {
        return forbidden(&state, &ctx);
    }
    let Ok(orgs) = state.store.org_profiles().await else {
        return super::not_found(&state, &ctx);
    };
    let Some(old) = orgs.into_iter().find(|o| o.id == id) else {
        return super::not_found(&state, &ctx);
    };
    let profile = match profile_from(&form, old) {
        Ok(p) => p,
        Err(r) => return refuse(&state, &ctx, r),
    };
    done(
        &state,
        &ctx,
        state.store.update_org_profile(&user.id, &profile).await,
        "/assembly/members",
    )
}

fn profile_from(
    form: &ProfileForm,
    old: OrgProfile,
) -> Result<OrgProfile, indaba_assembly::Refused> {
    let country = if form.country.trim().is_empty() {
        String::new()
    } else {
        text::country(&form.country)?
    };
    Ok(OrgProfile {
        group: form.group.parse().unwrap_or(old.group),
        sector: text::optional(&form.sector, 100)?,
        country,
        website: website(&form.website)?,
        listed: form.listed.is_some(),
        ..old
    })
}

/// A website field: empty, or an http(s) address without spaces.
fn website(text: &str) -> Result<String, indaba_assembly::Refused> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    if t.len() <= 300
        && (t.starts_with("https://") || t.starts_with("http://"))
        && !t.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Ok(t.to_string())
    } else {
        Err(indaba_model::msg!("assembly-error-website").into())
    }
}

page!(
    /// The application form.
    ApplyPage, "assembly/apply.html", {
        /// The current code of conduct: (version, HTML).
        code: Option<(i64, String)>,
        /// Group choices.
        groups: Vec<(String, String)>,
        /// How many days a review takes at most.
        review_days: i64,
    }
);

/// The review period set by the admins.
pub(crate) async fn review_days(state: &AppState) -> i64 {
    state
        .store
        .assembly_setting("review_days")
        .await
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(application::DEFAULT_REVIEW_DAYS)
}

/// The largest share of a committee's voting seats one group may hold.
pub(crate) async fn max_share(state: &AppState) -> u8 {
    state
        .store
        .assembly_setting("max_share")
        .await
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAX_SHARE)
}

/// The membership committee, if one is set.
pub(crate) async fn membership_committee(state: &AppState) -> Option<String> {
    state
        .store
        .assembly_setting("membership_committee")
        .await
        .ok()
        .flatten()
        .filter(|v| !v.is_empty())
}

/// Who reviews applications: admins, and the chairs and members of the
/// membership committee.
pub(crate) async fn reviewers(state: &AppState) -> Vec<User> {
    let users = state.store.users().await.unwrap_or_default();
    let mut seats = Vec::new();
    if let Some(c) = membership_committee(state).await {
        seats = state.store.seats(&c).await.unwrap_or_default();
    }
    users
        .into_iter()
        .filter(|u| !u.disabled)
        .filter(|u| {
            u.role == Role::Admin
                || seats
                    .iter()
                    .any(|s| s.user_id == u.id && s.role != CommitteeRole::Observer)
        })
        .collect()
}

async fn may_review(state: &AppState, ctx: &PageContext) -> bool {
    match signed_in(ctx) {
        Some(u) => reviewers(state).await.iter().any(|r| r.id == u.id),
        None => false,
    }
}

/// `GET /assembly/apply`.
pub async fn apply_form(State(state): State<AppState>, ctx: PageContext) -> Response {
    let codes = state.store.codes_of_conduct().await.unwrap_or_default();
    let page = ApplyPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        code: codes.first().map(|c| (c.version, markdown(&c.body))),
        groups: group_options(&ctx.tr(&state)),
        review_days: review_days(&state).await,
    };
    show(&state, &ctx, page)
}

/// The application form's fields.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    motivation: String,
    #[serde(default)]
    listed: Option<String>,
    #[serde(default)]
    accept: Option<String>,
    #[serde(default)]
    coc_version: String,
}

/// `POST /assembly/apply`: anyone may apply (rate-limited like the test
/// submissions); the application is due for review in the configured days.
pub async fn apply(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    Form(form): Form<ApplyForm>,
) -> Response {
    if let Err(r) = csrf(&state, &ctx, &form.csrf) {
        return r;
    }
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let codes = state.store.codes_of_conduct().await.unwrap_or_default();
    let current = codes.first().map(|c| c.version).unwrap_or(0);
    let new = match application_from(&form, current) {
        Ok(n) => n,
        Err(r) => return refuse(&state, &ctx, r),
    };
    let now = state.clock.now();
    match state
        .store
        .submit_application(&new, now, review_days(&state).await)
        .await
    {
        Ok(app) => {
            let tr = ctx.tr(&state);
            crate::pages::message(
                &state,
                &ctx,
                axum::http::StatusCode::OK,
                "assembly-applied-title",
                tr.t1("assembly-applied-text", "due", when(app.due_at)),
            )
        }
        Err(e) => fail(&state, &ctx, e),
    }
}

fn application_from(
    form: &ApplyForm,
    current: i64,
) -> Result<NewApplication, indaba_assembly::Refused> {
    if current == 0 {
        return Err(indaba_model::msg!("assembly-error-no-code").into());
    }
    let version = form.coc_version.trim().parse().unwrap_or(0);
    let coc_version = application::accepted_code(form.accept.is_some(), version, current)?;
    let group = form
        .group
        .parse::<StakeholderGroup>()
        .map_err(|()| indaba_assembly::Refused(indaba_model::msg!("assembly-error-group")))?;
    Ok(NewApplication {
        organisation_name: text::title(&form.organisation)?,
        group,
        sector: text::optional(&form.sector, 100)?,
        country: text::country(&form.country)?,
        website: website(&form.website)?,
        contact_name: text::title(&form.contact_name)?,
        contact_email: form.contact_email.trim().to_string(),
        motivation: text::body(&form.motivation, 5000)?,
        listed: form.listed.is_some(),
        coc_version,
    })
}

page!(
    /// Every version of the code of conduct.
    CodePage, "assembly/code_of_conduct.html", {
        /// (version, published, HTML), newest first.
        versions: Vec<(i64, String, String)>,
    }
);

/// `GET /assembly/code-of-conduct`.
pub async fn code_of_conduct(State(state): State<AppState>, ctx: PageContext) -> Response {
    let versions = state
        .store
        .codes_of_conduct()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.version, when(c.created_at), markdown(&c.body)))
        .collect();
    let page = CodePage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        versions,
    };
    show(&state, &ctx, page)
}

/// An application as the reviewers' pages show it.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    /// Id.
    pub id: String,
    /// Organisation.
    pub organisation: String,
    /// Group label.
    pub group: String,
    /// Sector.
    pub sector: String,
    /// Country.
    pub country: String,
    /// Website.
    pub website: String,
    /// Contact.
    pub contact: String,
    /// Contact address.
    pub email: String,
    /// Motivation.
    pub motivation: String,
    /// Code of conduct version accepted.
    pub coc_version: i64,
    /// Submitted.
    pub submitted: String,
    /// Due.
    pub due: String,
    /// State label.
    pub state: String,
    /// Whether still pending.
    pub pending: bool,
    /// Whether overdue.
    pub overdue: bool,
    /// Reasons of the decision.
    pub reasons: String,
}

fn application_view(
    tr: &crate::i18n::Tr<'_>,
    a: indaba_store::assembly::Application,
    now: i64,
) -> ApplicationView {
    ApplicationView {
        overdue: application::overdue(a.state, a.due_at, now),
        pending: a.state == ApplicationState::Pending,
        state: tr.t(&format!("assembly-application-{}", a.state.as_str())),
        group: tr.t(&a.group.label_id()),
        country: text::country_name(&a.country),
        submitted: when(a.submitted_at),
        due: when(a.due_at),
        id: a.id,
        organisation: a.organisation_name,
        sector: a.sector,
        website: a.website,
        contact: a.contact_name,
        email: a.contact_email,
        motivation: a.motivation,
        coc_version: a.coc_version,
        reasons: a.reasons,
    }
}

page!(
    /// The reviewers' list of applications.
    ApplicationsPage, "assembly/applications.html", {
        /// Applications shown.
        applications: Vec<ApplicationView>,
        /// Whether only overdue ones are shown.
        overdue_only: bool,
    }
);

/// Filter of the applications list.
#[derive(Debug, Deserialize)]
pub struct ApplicationsQuery {
    #[serde(default)]
    overdue: Option<String>,
}

/// `GET /assembly/applications` (reviewers): pending first by due date;
/// `?overdue=1` shows only those past their review deadline.
pub async fn applications(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<ApplicationsQuery>,
) -> Response {
    if !may_review(&state, &ctx).await {
        return forbidden(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let now = state.clock.now();
    let overdue_only = q.overdue.is_some();
    let applications = match state.store.applications().await {
        Ok(a) => a
            .into_iter()
            .map(|a| application_view(&tr, a, now))
            .filter(|a| !overdue_only || a.overdue)
            .collect(),
        Err(e) => return fail(&state, &ctx, e),
    };
    let page = ApplicationsPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        applications,
        overdue_only,
    };
    show(&state, &ctx, page)
}

page!(
    /// One application, with the decision form.
    ApplicationPage, "assembly/application.html", {
        /// The application.
        application: ApplicationView,
    }
);

/// `GET /assembly/applications/{id}` (reviewers).
pub async fn application(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    if !may_review(&state, &ctx).await {
        return forbidden(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    match state.store.application(&id).await {
        Ok(a) => {
            let page = ApplicationPage {
                tr,
                csrf: &ctx.csrf,
                user: ctx.user_view(),
                application: application_view(&tr, a, state.clock.now()),
            };
            show(&state, &ctx, page)
        }
        Err(e) => fail(&state, &ctx, e),
    }
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reasons: String,
}

/// `POST /assembly/applications/{id}` (reviewers): records the decision
/// with its reasons and mails it to the applicant; on admission the mail
/// carries the link to choose a password.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if !may_review(&state, &ctx).await {
        return forbidden(&state, &ctx);
    }
    let admit = form.decision == "admit";
    let now = state.clock.now();
    let (app, admission) = match state
        .store
        .decide_application(&user.id, &id, admit, &form.reasons, now)
        .await
    {
        Ok(done) => done,
        Err(e) => return fail(&state, &ctx, e),
    };
    let tr = crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE);
    let reasons = if app.reasons.is_empty() {
        tr.t("assembly-mail-no-reasons")
    } else {
        app.reasons.clone()
    };
    let (subject, body) = match &admission {
        Some(a) => (
            tr.t1(
                "assembly-mail-admitted-subject",
                "organisation",
                &app.organisation_name,
            ),
            crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE)
                .catalogue()
                .get(
                    crate::i18n::DEFAULT_LANGUAGE,
                    "assembly-mail-admitted-body",
                    &[
                        ("organisation", app.organisation_name.clone()),
                        ("reasons", reasons),
                        (
                            "link",
                            link(&state, &format!("/password/reset/{}", a.reset_token)),
                        ),
                    ],
                ),
        ),
        None => (
            tr.t1(
                "assembly-mail-declined-subject",
                "organisation",
                &app.organisation_name,
            ),
            tr.catalogue().get(
                crate::i18n::DEFAULT_LANGUAGE,
                "assembly-mail-declined-body",
                &[
                    ("organisation", app.organisation_name.clone()),
                    ("reasons", reasons),
                ],
            ),
        ),
    };
    send_mail(&state, &app.contact_email, &subject, body).await;
    see(&format!("/assembly/applications/{id}"))
}

page!(
    /// The assembly's settings (admins).
    SettingsPage, "assembly/settings.html", {
        /// Review days.
        review_days: i64,
        /// Largest share of voting seats, percent.
        max_share: u8,
        /// The membership committee's id.
        membership_committee: String,
        /// (id, name) of every committee.
        committees: Vec<(String, String)>,
        /// The current code of conduct's Markdown.
        code: String,
        /// Its version (0: none yet).
        code_version: i64,
    }
);

/// `GET /assembly/settings` (admins).
pub async fn settings(State(state): State<AppState>, ctx: PageContext) -> Response {
    if !is_admin(&ctx) {
        return forbidden(&state, &ctx);
    }
    let codes = state.store.codes_of_conduct().await.unwrap_or_default();
    let page = SettingsPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        review_days: review_days(&state).await,
        max_share: max_share(&state).await,
        membership_committee: membership_committee(&state).await.unwrap_or_default(),
        committees: state
            .store
            .committees()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
        code: codes.first().map(|c| c.body.clone()).unwrap_or_default(),
        code_version: codes.first().map(|c| c.version).unwrap_or(0),
    };
    show(&state, &ctx, page)
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    review_days: String,
    #[serde(default)]
    max_share: String,
    #[serde(default)]
    membership_committee: String,
}

/// `POST /assembly/settings` (admins).
pub async fn save_settings(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<SettingsForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if user.role != Role::Admin {
        return forbidden(&state, &ctx);
    }
    let days = form
        .review_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=365).contains(d));
    let share = form
        .max_share
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|s| (1..=100).contains(s));
    let (Some(days), Some(share)) = (days, share) else {
        return refuse(
            &state,
            &ctx,
            indaba_model::msg!("assembly-error-settings").into(),
        );
    };
    let committee = form.membership_committee.trim();
    if !committee.is_empty() && state.store.committee(committee).await.is_err() {
        return refuse(
            &state,
            &ctx,
            indaba_model::msg!("assembly-error-settings").into(),
        );
    }
    for (key, value) in [
        ("review_days", days.to_string()),
        ("max_share", share.to_string()),
        ("membership_committee", committee.to_string()),
    ] {
        if let Err(e) = state
            .store
            .set_assembly_setting(&user.id, key, &value)
            .await
        {
            return fail(&state, &ctx, e);
        }
    }
    see("/assembly/settings")
}

/// The code-of-conduct form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// `POST /assembly/settings/code-of-conduct` (admins): publishes a new
/// version; applicants accept the newest.
pub async fn publish_code(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<CodeForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if user.role != Role::Admin {
        return forbidden(&state, &ctx);
    }
    done(
        &state,
        &ctx,
        state
            .store
            .publish_code_of_conduct(&user.id, &form.body, state.clock.now())
            .await,
        "/assembly/code-of-conduct",
    )
}
