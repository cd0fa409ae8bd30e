//! Outreach (seed 000: formal communication with stakeholder groups): who a
//! mailing reaches — everyone, one stakeholder group, or one committee —
//! less those who opted out.

use indaba_model::msg;

use crate::{Refused, StakeholderGroup};

/// Who a mailing is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every member.
    All,
    /// The members of one stakeholder group's organisations.
    Group(StakeholderGroup),
    /// The members of one committee (observers included).
    Committee(String),
}

impl Audience {
    /// Parses a form's value: `all`, `group:<group>`, `committee:<id>`.
    pub fn parse(text: &str) -> Result<Audience, Refused> {
        let refused = || Refused(msg!("assembly-error-audience"));
        match text.trim().split_once(':') {
            None if text.trim() == "all" => Ok(Audience::All),
            Some(("group", g)) => g.parse().map(Audience::Group).map_err(|()| refused()),
            Some(("committee", id)) if !id.is_empty() && id.len() <= 64 => {
                Ok(Audience::Committee(id.to_string()))
            }
            _ => Err(refused()),
        }
    }

    /// The form value of this audience.
    pub fn code(&self) -> String {
        match self {
            Audience::All => "all".into(),
            Audience::Group(g) => format!("group:{g}"),
            Audience::Committee(id) => format!("committee:{id}"),
        }
    }
}

/// A possible recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// User id.
    pub id: String,
    /// Address.
    pub email: String,
    /// Their organisation's group.
    pub group: StakeholderGroup,
    /// Committees they sit on.
    pub committees: Vec<String>,
    /// Whether they opted out of outreach mail.
    pub opted_out: bool,
}

/// Whether `member` is in `audience` (opt-outs aside).
pub fn in_audience(audience: &Audience, member: &Member) -> bool {
    match audience {
        Audience::All => true,
        Audience::Group(g) => member.group == *g,
        Audience::Committee(id) => member.committees.iter().any(|c| c == id),
    }
}

/// Splits `members` into (to send to, opted out), both in the audience.
pub fn recipients<'a>(
    audience: &Audience,
    members: &'a [Member],
) -> (Vec<&'a Member>, Vec<&'a Member>) {
    members
        .iter()
        .filter(|m| in_audience(audience, m))
        .partition(|m| !m.opted_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, group: StakeholderGroup, committees: &[&str], opted_out: bool) -> Member {
        Member {
            id: id.into(),
            email: format!("{id}@x.test"),
            group,
            committees: committees.iter().map(|c| c.to_string()).collect(),
            opted_out,
        }
    }

    #[test]
    fn audiences_and_opt_outs() {
        assert_eq!(Audience::parse("all"), Ok(Audience::All));
        assert_eq!(
            Audience::parse("group:cert"),
            Ok(Audience::Group(StakeholderGroup::Cert))
        );
        assert!(Audience::parse("group:nope").is_err());
        assert!(Audience::parse("committee:").is_err());
        assert!(Audience::parse("").is_err());
        let a = Audience::parse("committee:c1").unwrap();
        assert_eq!(a.code(), "committee:c1");
        let members = [
            m("a", StakeholderGroup::Cert, &["c1"], false),
            m("b", StakeholderGroup::Cert, &[], true),
            m("c", StakeholderGroup::Government, &["c1"], true),
        ];
        let (to, out) = recipients(&Audience::Group(StakeholderGroup::Cert), &members);
        assert_eq!((to.len(), out.len()), (1, 1));
        let (to, out) = recipients(&a, &members);
        assert_eq!(to[0].id, "a");
        assert_eq!(out[0].id, "c");
        assert_eq!(recipients(&Audience::All, &members).0.len(), 1);
    }
}
