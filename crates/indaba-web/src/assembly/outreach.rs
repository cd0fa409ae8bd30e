//! Outreach: a mailing to the members of one stakeholder group, one
//! committee or everyone, through the SMTP relay, leaving out those who
//! opted out, with a delivery log per address.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use indaba_assembly::StakeholderGroup;
use indaba_assembly::outreach::{self, Audience};
use indaba_store::Role;
use serde::Deserialize;

use super::{done, fail, forbidden, is_admin, member, page, refuse, see, show, try_mail, when};
use crate::app::{AppState, PageContext};

page!(
    /// Outreach (admins).
    OutreachPage, "assembly/outreach.html", {
        /// Audience choices: (code, label).
        audiences: Vec<(String, String)>,
        /// Mailings sent: (id, subject, audience, when).
        mailings: Vec<(String, String, String, String)>,
    }
);

/// `GET /assembly/outreach` (admins).
pub async fn show_outreach(State(state): State<AppState>, ctx: PageContext) -> Response {
    if !is_admin(&ctx) {
        return forbidden(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let mut audiences = vec![("all".to_string(), tr.t("assembly-audience-all"))];
    audiences.extend(
        StakeholderGroup::ALL
            .iter()
            .map(|g| (Audience::Group(*g).code(), tr.t(&g.label_id()))),
    );
    for c in state.store.committees().await.unwrap_or_default() {
        audiences.push((Audience::Committee(c.id).code(), c.name));
    }
    let mailings = state
        .store
        .mailings()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.id, m.subject, m.audience, when(m.sent_at)))
        .collect();
    let page = OutreachPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        audiences,
        mailings,
    };
    show(&state, &ctx, page)
}

/// The mailing form.
#[derive(Debug, Deserialize)]
pub struct MailingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// `POST /assembly/outreach` (admins): sends the mailing and logs each
/// delivery (sent, failed with the relay's words, or opted out).
pub async fn send(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<MailingForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if user.role != Role::Admin {
        return forbidden(&state, &ctx);
    }
    let checked = Audience::parse(&form.audience).and_then(|a| {
        Ok((
            a,
            indaba_assembly::text::title(&form.subject)?,
            indaba_assembly::text::body(&form.body, 50_000)?,
        ))
    });
    let (audience, subject, body) = match checked {
        Ok(c) => c,
        Err(r) => return refuse(&state, &ctx, r),
    };
    let members = match state.store.outreach_members().await {
        Ok(m) => m,
        Err(e) => return fail(&state, &ctx, e),
    };
    let now = state.clock.now();
    let id = match state
        .store
        .record_mailing(&user.id, &audience.code(), &subject, &body, now)
        .await
    {
        Ok(id) => id,
        Err(e) => return fail(&state, &ctx, e),
    };
    let (to, opted_out) = outreach::recipients(&audience, &members);
    let footer = ctx.tr(&state).t1(
        "assembly-mail-optout-footer",
        "link",
        super::link(&state, "/assembly"),
    );
    for m in to {
        let sent = try_mail(
            &state,
            &m.email,
            &subject,
            format!("{body}\n\n-- \n{footer}\n"),
        )
        .await;
        let (st, detail) = match &sent {
            Ok(()) => ("sent", ""),
            Err(why) => ("failed", why.as_str()),
        };
        if let Err(e) = state.store.record_delivery(&id, m, st, detail, now).await {
            tracing::warn!(error = %e, "cannot log a delivery");
        }
    }
    for m in opted_out {
        if let Err(e) = state
            .store
            .record_delivery(&id, m, "opted_out", "", now)
            .await
        {
            tracing::warn!(error = %e, "cannot log a delivery");
        }
    }
    see(&format!("/assembly/outreach/{id}"))
}

page!(
    /// A mailing's delivery log.
    DeliveriesPage, "assembly/deliveries.html", {
        /// (address, state label, detail).
        deliveries: Vec<(String, String, String)>,
    }
);

/// `GET /assembly/outreach/{id}` (admins).
pub async fn deliveries(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    if !is_admin(&ctx) {
        return forbidden(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let deliveries = state
        .store
        .deliveries(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            (
                d.email,
                tr.t(&format!("assembly-delivery-{}", d.state.replace('_', "-"))),
                d.detail,
            )
        })
        .collect();
    let page = DeliveriesPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        deliveries,
    };
    show(&state, &ctx, page)
}

/// The opt-out form.
#[derive(Debug, Deserialize)]
pub struct OptOutForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    value: Option<String>,
}

/// `POST /assembly/opt-out`: the signed-in user opts out of (or back into)
/// outreach mail.
pub async fn opt_out(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<OptOutForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    done(
        &state,
        &ctx,
        state
            .store
            .set_outreach_optout(&user.id, form.value.is_some(), state.clock.now())
            .await,
        "/assembly",
    )
}
