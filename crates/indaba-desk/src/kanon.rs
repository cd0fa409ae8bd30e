//! Statistics that single nobody out. A published table shows a count only
//! when it is at least `k` (5, the usual threshold of statistics offices);
//! smaller counts are suppressed, and when a table with a published total
//! would then have exactly one suppressed cell (which the total gives away),
//! the next smallest cell is suppressed too (complementary suppression).
//! Victims' age band, education and region come into a table only when the
//! victim agreed; this module does not know who agreed, the store only
//! counts those who did.

use serde::Serialize;

/// The threshold the public pages use.
pub const K: u64 = 5;

/// A published cell: a count, or suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// What it counts (a class, a month, a region).
    pub key: String,
    /// The count, or `None` when suppressed.
    pub count: Option<u64>,
}

/// A one-way table: cells and its total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The cells, in the order given.
    pub cells: Vec<Cell>,
    /// The total of all cells (suppressed when below `k` itself).
    pub total: Option<u64>,
}

/// Publishes `counts` with threshold `k`.
pub fn publish(counts: &[(String, u64)], k: u64) -> Table {
    let total: u64 = counts.iter().map(|(_, c)| *c).sum();
    let mut suppressed: Vec<bool> = counts.iter().map(|(_, c)| *c > 0 && *c < k).collect();
    let total_shown = total >= k;
    // Zeros are safe to show (nobody is in them) and need no protection.
    if total_shown && suppressed.iter().filter(|s| **s).count() == 1 {
        let next = counts
            .iter()
            .enumerate()
            .filter(|(i, (_, c))| !suppressed[*i] && *c > 0)
            .min_by_key(|(_, (_, c))| *c)
            .map(|(i, _)| i);
        if let Some(i) = next {
            suppressed[i] = true;
        }
    }
    Table {
        cells: counts
            .iter()
            .zip(suppressed)
            .map(|((key, c), s)| Cell {
                key: key.clone(),
                count: (!s).then_some(*c),
            })
            .collect(),
        total: total_shown.then_some(total),
    }
}

/// Whether every shown cell of `table` is zero or at least `k`.
pub fn is_safe(table: &Table, k: u64) -> bool {
    table
        .cells
        .iter()
        .filter_map(|c| c.count)
        .all(|c| c == 0 || c >= k)
        && table.total.is_none_or(|t| t >= k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counts(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(k, c)| (k.to_string(), *c)).collect()
    }

    #[test]
    fn small_cells_are_hidden_with_a_complement() {
        let t = publish(&counts(&[("a", 10), ("b", 3), ("c", 7), ("d", 0)]), 5);
        let shown: Vec<Option<u64>> = t.cells.iter().map(|c| c.count).collect();
        assert_eq!(shown, vec![Some(10), None, None, Some(0)]);
        assert_eq!(t.total, Some(20));
        let t = publish(&counts(&[("a", 2), ("b", 1)]), 5);
        assert_eq!(t.total, None);
        assert!(t.cells.iter().all(|c| c.count.is_none()));
    }

    proptest! {
        /// No published table reveals a small cell, directly or through the
        /// total minus the other shown cells.
        #[test]
        fn nothing_small_is_revealed(raw in proptest::collection::vec(0u64..20, 1..12)) {
            let c: Vec<(String, u64)> = raw.iter().enumerate().map(|(i, v)| (i.to_string(), *v)).collect();
            let t = publish(&c, K);
            prop_assert!(is_safe(&t, K));
            if let Some(total) = t.total {
                let hidden: Vec<u64> = t.cells.iter().zip(&raw).filter(|(c, _)| c.count.is_none()).map(|(_, v)| *v).collect();
                let shown: u64 = t.cells.iter().filter_map(|c| c.count).sum();
                prop_assert_eq!(total - shown, hidden.iter().sum::<u64>());
                // One hidden cell would be given away by the total.
                prop_assert!(hidden.len() != 1);
            }
        }
    }
}
