//! SPF lookups: the checks evaluate SPF purely over the observations and say
//! which questions they still need; this side asks them through the
//! session and evaluates again, until the evaluation is done.

use futures::future::join_all;
use indaba_checks::spf::{self, CheckHostInput, Evaluation, ObservedDns, Step};
use indaba_model::DomainName;
use indaba_model::observation::QueryMode;
use indaba_probe::Session;

/// Rounds of lookups at most. Each round asks every question the
/// evaluation can name at that point; RFC 7208's limits (10 terms, 10 names
/// per term) keep a real evaluation far below this.
pub const MAX_ROUNDS: usize = 64;

/// Runs `evaluate` over the session's observations, asking what it needs,
/// until it is done. `None` when the rounds or the session's time ran out.
async fn until_done<T>(
    session: &Session,
    evaluate: impl Fn(&ObservedDns<'_>) -> Step<T>,
) -> Option<T> {
    for _ in 0..MAX_ROUNDS {
        let obs = session.observations();
        match evaluate(&ObservedDns::new(&obs)) {
            Step::Done(result) => return Some(result),
            Step::NeedsLookup(questions) => {
                if session.expired() {
                    return None;
                }
                join_all(
                    questions
                        .iter()
                        .map(|q| session.resolve(q.dns_question(), QueryMode::Raw)),
                )
                .await;
            }
        }
    }
    None
}

/// Looks up everything the `mail.spf.*` findings need: the domain's record
/// and every record it includes or redirects to.
pub async fn probe(session: &Session, domain: &DomainName) {
    let domain = domain.as_str().to_string();
    if until_done(session, |view| spf::audit(view, &domain))
        .await
        .is_none()
    {
        session.note_cut_short(indaba_model::msg!(
            "cut-short-spf-rounds",
            domain = domain,
            rounds = MAX_ROUNDS as i64
        ));
    }
}

/// `check_host()` for `input`, asking the DNS through `session`. `None`
/// when the rounds or the session's time ran out.
pub async fn check_host(session: &Session, input: &CheckHostInput) -> Option<Evaluation> {
    until_done(session, |view| spf::check_host(view, input)).await
}
