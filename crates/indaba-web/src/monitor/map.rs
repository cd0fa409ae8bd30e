//! A map of the world's countries shipped with the project: a tile grid
//! (one square per ISO 3166-1 country) laid out in code from each country's
//! approximate centre, so no map file, tile server or licence is needed.
//!
//! We looked for a public-domain world map in SVG (Natural Earth-derived)
//! that the build could ship offline and found none we could vouch for, so
//! the map is schematic: each country's centre (whole degrees, from common
//! knowledge) is put on a grid of 9° of longitude by 7° of latitude; when a
//! square is taken the country moves to the nearest free one (Europe spreads
//! out, which keeps its small countries readable); empty columns are
//! dropped.

use std::sync::OnceLock;

/// Each country's code and approximate centre (latitude, longitude).
const CENTRES: &[(&str, i32, i32)] = &[
    ("AF", 33, 65),
    ("AL", 41, 20),
    ("DZ", 28, 3),
    ("AD", 42, 1),
    ("AO", -12, 18),
    ("AG", 17, -62),
    ("AR", -34, -64),
    ("AM", 40, 45),
    ("AU", -25, 134),
    ("AT", 47, 14),
    ("AZ", 40, 48),
    ("BS", 24, -77),
    ("BH", 26, 50),
    ("BD", 24, 90),
    ("BB", 13, -59),
    ("BY", 53, 28),
    ("BE", 50, 4),
    ("BZ", 17, -88),
    ("BJ", 9, 2),
    ("BT", 27, 90),
    ("BO", -17, -65),
    ("BA", 44, 18),
    ("BW", -22, 24),
    ("BR", -10, -55),
    ("BN", 4, 114),
    ("BG", 43, 25),
    ("BF", 13, -2),
    ("BI", -3, 30),
    ("CV", 16, -24),
    ("KH", 13, 105),
    ("CM", 6, 12),
    ("CA", 60, -96),
    ("CF", 7, 21),
    ("TD", 15, 19),
    ("CL", -30, -71),
    ("CN", 35, 103),
    ("CO", 4, -72),
    ("KM", -12, 44),
    ("CG", -1, 15),
    ("CD", -3, 23),
    ("CR", 10, -84),
    ("CI", 8, -5),
    ("HR", 45, 16),
    ("CU", 22, -79),
    ("CY", 35, 33),
    ("CZ", 50, 15),
    ("DK", 56, 10),
    ("DJ", 12, 43),
    ("DM", 15, -61),
    ("DO", 19, -70),
    ("EC", -2, -78),
    ("EG", 27, 30),
    ("SV", 14, -89),
    ("GQ", 2, 10),
    ("ER", 15, 39),
    ("EE", 59, 26),
    ("SZ", -27, 31),
    ("ET", 8, 38),
    ("FJ", -18, 178),
    ("FI", 64, 26),
    ("FR", 46, 2),
    ("GA", -1, 12),
    ("GM", 13, -15),
    ("GE", 42, 44),
    ("DE", 51, 10),
    ("GH", 8, -1),
    ("GR", 39, 22),
    ("GD", 12, -62),
    ("GT", 15, -90),
    ("GN", 10, -11),
    ("GW", 12, -15),
    ("GY", 5, -59),
    ("HT", 19, -72),
    ("HN", 15, -87),
    ("HU", 47, 19),
    ("IS", 65, -18),
    ("IN", 21, 78),
    ("ID", -2, 118),
    ("IR", 32, 53),
    ("IQ", 33, 44),
    ("IE", 53, -8),
    ("IL", 31, 35),
    ("IT", 43, 12),
    ("JM", 18, -77),
    ("JP", 36, 138),
    ("JO", 31, 36),
    ("KZ", 48, 68),
    ("KE", 1, 38),
    ("KI", 1, 173),
    ("KP", 40, 127),
    ("KR", 36, 128),
    ("KW", 29, 48),
    ("KG", 41, 75),
    ("LA", 18, 105),
    ("LV", 57, 25),
    ("LB", 34, 36),
    ("LS", -30, 28),
    ("LR", 6, -9),
    ("LY", 27, 17),
    ("LI", 47, 9),
    ("LT", 55, 24),
    ("LU", 50, 6),
    ("MG", -20, 47),
    ("MW", -13, 34),
    ("MY", 3, 112),
    ("MV", 3, 73),
    ("ML", 17, -4),
    ("MT", 36, 14),
    ("MH", 7, 171),
    ("MR", 20, -12),
    ("MU", -20, 57),
    ("MX", 23, -102),
    ("FM", 7, 158),
    ("MD", 47, 29),
    ("MC", 44, 7),
    ("MN", 46, 105),
    ("ME", 43, 19),
    ("MA", 32, -6),
    ("MZ", -18, 35),
    ("MM", 22, 96),
    ("NA", -22, 17),
    ("NR", -1, 167),
    ("NP", 28, 84),
    ("NL", 52, 5),
    ("NZ", -41, 174),
    ("NI", 13, -85),
    ("NE", 16, 8),
    ("NG", 10, 8),
    ("MK", 41, 22),
    ("NO", 62, 10),
    ("OM", 21, 57),
    ("PK", 30, 70),
    ("PW", 7, 134),
    ("PS", 32, 35),
    ("PA", 9, -80),
    ("PG", -6, 147),
    ("PY", -23, -58),
    ("PE", -10, -76),
    ("PH", 13, 122),
    ("PL", 52, 20),
    ("PT", 39, -8),
    ("QA", 25, 51),
    ("RO", 46, 25),
    ("RU", 60, 100),
    ("RW", -2, 30),
    ("KN", 17, -63),
    ("LC", 14, -61),
    ("VC", 13, -61),
    ("WS", -14, -172),
    ("SM", 44, 12),
    ("ST", 1, 7),
    ("SA", 24, 45),
    ("SN", 14, -14),
    ("RS", 44, 21),
    ("SC", -5, 55),
    ("SL", 8, -12),
    ("SG", 1, 104),
    ("SK", 49, 20),
    ("SI", 46, 15),
    ("SB", -8, 159),
    ("SO", 6, 46),
    ("ZA", -29, 24),
    ("SS", 7, 30),
    ("ES", 40, -4),
    ("LK", 7, 81),
    ("SD", 15, 30),
    ("SR", 4, -56),
    ("SE", 62, 15),
    ("CH", 47, 8),
    ("SY", 35, 38),
    ("TW", 24, 121),
    ("TJ", 39, 71),
    ("TZ", -6, 35),
    ("TH", 15, 101),
    ("TL", -9, 126),
    ("TG", 8, 1),
    ("TO", -20, -175),
    ("TT", 11, -61),
    ("TN", 34, 9),
    ("TR", 39, 35),
    ("TM", 40, 60),
    ("TV", -8, 178),
    ("UG", 1, 32),
    ("UA", 49, 32),
    ("AE", 24, 54),
    ("GB", 54, -2),
    ("US", 39, -98),
    ("UY", -33, -56),
    ("UZ", 41, 64),
    ("VU", -16, 167),
    ("VA", 42, 12),
    ("VE", 8, -66),
    ("VN", 16, 106),
    ("YE", 15, 48),
    ("ZM", -15, 28),
    ("ZW", -20, 30),
    ("XK", 43, 21),
    ("HK", 22, 114),
    ("GL", 72, -40),
    ("PR", 18, -66),
];

struct Grid {
    tiles: Vec<(&'static str, u32, u32)>,
    cols: u32,
    rows: u32,
}

fn grid() -> &'static Grid {
    static GRID: OnceLock<Grid> = OnceLock::new();
    GRID.get_or_init(|| {
        let mut taken = std::collections::HashSet::new();
        let mut placed: Vec<(&'static str, i32, i32)> = Vec::new();
        for (code, lat, lon) in CENTRES {
            let want = ((lon + 180) / 9, (80 - lat) / 7);
            // The nearest free square, searched ring by ring.
            let mut spot = want;
            'search: for r in 0i32..20 {
                for dy in -r..=r {
                    for dx in -r..=r {
                        if dx.abs().max(dy.abs()) != r {
                            continue;
                        }
                        let c = (want.0 + dx, want.1 + dy);
                        if c.0 >= 0 && c.1 >= 0 && !taken.contains(&c) {
                            spot = c;
                            break 'search;
                        }
                    }
                }
            }
            taken.insert(spot);
            placed.push((code, spot.0, spot.1));
        }
        let mut used: Vec<i32> = placed.iter().map(|p| p.1).collect();
        used.sort_unstable();
        used.dedup();
        let min_row = placed.iter().map(|p| p.2).min().unwrap_or(0);
        let tiles: Vec<(&'static str, u32, u32)> = placed
            .iter()
            .map(|(code, col, row)| {
                let c = used.iter().position(|u| u == col).unwrap_or(0) as u32;
                (*code, c, (row - min_row) as u32)
            })
            .collect();
        let cols = used.len() as u32;
        let rows = tiles.iter().map(|t| t.2 + 1).max().unwrap_or(0);
        Grid { tiles, cols, rows }
    })
}

/// Every country's square: code, column, row.
pub fn layout() -> impl Iterator<Item = (&'static str, u32, u32)> {
    grid().tiles.iter().copied()
}

/// The grid's columns and rows.
pub fn size() -> (u32, u32) {
    let g = grid();
    (g.cols, g.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_its_own_square() {
        let tiles: Vec<_> = layout().collect();
        assert_eq!(tiles.len(), CENTRES.len());
        let mut spots: Vec<(u32, u32)> = tiles.iter().map(|t| (t.1, t.2)).collect();
        spots.sort_unstable();
        spots.dedup();
        assert_eq!(spots.len(), tiles.len());
        let (cols, rows) = size();
        assert!(tiles.iter().all(|t| t.1 < cols && t.2 < rows));
        for (code, _, _) in &tiles {
            assert!(
                indaba_monitor::list::Country::parse(code).is_ok() || *code == "XK",
                "{code}"
            );
        }
    }
}
