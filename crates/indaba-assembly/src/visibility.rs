//! Who may see an object: its committee only, the whole partnership (anyone
//! signed in), or the public. The one rule every page and API answer asks.

use crate::word_enum;

word_enum! {
    /// How far an object is visible.
    Visibility {
        /// The members (and observers) of its committee, and admins.
        Committee = "committee",
        /// Every signed-in member of the partnership.
        Partnership = "partnership",
        /// Everyone, visitors included.
        Public = "public",
    }
}

/// Who is looking, relative to the object's committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Not signed in.
    Visitor,
    /// Signed in, not in the object's committee.
    Member,
    /// In the object's committee (chair, member or observer).
    CommitteeMember,
    /// An administrator: sees everything, to run the platform.
    Admin,
}

impl Visibility {
    /// Whether `viewer` may see an object of this visibility.
    pub fn allows(self, viewer: Viewer) -> bool {
        match viewer {
            Viewer::Admin | Viewer::CommitteeMember => true,
            Viewer::Member => self != Visibility::Committee,
            Viewer::Visitor => self == Visibility::Public,
        }
    }

    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-visibility-{}", self.as_str())
    }

    /// The narrower of two visibilities: an object inside a committee can be
    /// no more visible than the committee allows its content to be.
    pub fn narrowest(self, other: Visibility) -> Visibility {
        self.min(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_hides_from_whom_it_should() {
        use Viewer::*;
        use Visibility::*;
        let table = [
            (Committee, [false, false, true, true]),
            (Partnership, [false, true, true, true]),
            (Public, [true, true, true, true]),
        ];
        for (vis, expected) in table {
            for (viewer, ok) in [Visitor, Member, CommitteeMember, Admin]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(vis.allows(viewer), ok, "{vis} for {viewer:?}");
            }
        }
        assert_eq!(Public.narrowest(Committee), Committee);
        assert_eq!(Partnership.narrowest(Public), Partnership);
    }
}
