//! Stakeholder groups: the seven realms the issue and seed 003 name
//! (government, private sector, technical community, civil society,
//! academia, the CERT, intergovernmental bodies), which balance and turnout
//! are counted by.
//!
//! Organisations were stored before this module with finer words (ISP,
//! hosting, finance, registry); [`StakeholderGroup::from_code`] folds those
//! into their group, so old rows need no rewrite.

use crate::word_enum;

word_enum! {
    /// A stakeholder group.
    StakeholderGroup {
        /// Government.
        Government = "government",
        /// Private sector (ISPs, hosting, finance, other businesses).
        PrivateSector = "private_sector",
        /// Technical community (registries, operators' associations, IXPs).
        TechnicalCommunity = "technical_community",
        /// Civil society.
        CivilSociety = "civil_society",
        /// Academia.
        Academia = "academia",
        /// The national CERT.
        Cert = "cert",
        /// Intergovernmental organisations.
        Intergovernmental = "intergovernmental",
        /// Not (yet) placed in a group.
        Other = "other",
    }
}

impl StakeholderGroup {
    /// The group of a stored stakeholder word, older words included.
    pub fn from_code(code: &str) -> StakeholderGroup {
        match code {
            "isp" | "hosting" | "finance" => StakeholderGroup::PrivateSector,
            "registry" => StakeholderGroup::TechnicalCommunity,
            other => other.parse().unwrap_or(StakeholderGroup::Other),
        }
    }

    /// The Fluent id of its name (`assembly-group-private-sector`).
    pub fn label_id(self) -> String {
        format!("assembly-group-{}", self.as_str().replace('_', "-"))
    }

    /// The groups an applicant chooses from (every group but `Other`).
    pub fn choices() -> impl Iterator<Item = StakeholderGroup> {
        Self::ALL
            .iter()
            .copied()
            .filter(|g| *g != StakeholderGroup::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_words_fold_into_groups() {
        assert_eq!(
            StakeholderGroup::from_code("isp"),
            StakeholderGroup::PrivateSector
        );
        assert_eq!(
            StakeholderGroup::from_code("registry"),
            StakeholderGroup::TechnicalCommunity
        );
        assert_eq!(StakeholderGroup::from_code("cert"), StakeholderGroup::Cert);
        assert_eq!(
            StakeholderGroup::from_code("nonsense"),
            StakeholderGroup::Other
        );
        assert_eq!(StakeholderGroup::choices().count(), 7);
        assert_eq!(
            StakeholderGroup::PrivateSector.label_id(),
            "assembly-group-private-sector"
        );
    }
}
