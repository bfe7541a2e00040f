//! Lot inspection by sampling plan (ISO 2859-1 and ANSI/ASQ Z1.4, single
//! sampling): the code letters of Table I, the single sampling plans for
//! normal, tightened and reduced inspection as data, the arrows resolved,
//! and the switching rules as a function of the recorded lot history.
//! Pure: nothing here reads files or records.

use std::fmt;

use serde::Serialize;

/// Which standard a checklist's plan follows. The normal and tightened
/// tables are the same in both; they differ in the reduced table and in
/// the rule that allows reduced inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Standard {
    #[serde(rename = "iso2859-1")]
    Iso2859_1,
    #[serde(rename = "z1.4")]
    Z14,
}

impl Standard {
    pub fn parse(s: &str) -> Option<Standard> {
        match s {
            "iso2859-1" => Some(Standard::Iso2859_1),
            "z1.4" => Some(Standard::Z14),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Standard::Iso2859_1 => "iso2859-1",
            Standard::Z14 => "z1.4",
        }
    }
    /// The name people know it by.
    pub fn title(self) -> &'static str {
        match self {
            Standard::Iso2859_1 => "ISO 2859-1",
            Standard::Z14 => "ANSI/ASQ Z1.4",
        }
    }
}

/// An inspection level of Table I: special S-1 to S-4, general I, II, III.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    #[serde(rename = "S-1")]
    S1,
    #[serde(rename = "S-2")]
    S2,
    #[serde(rename = "S-3")]
    S3,
    #[serde(rename = "S-4")]
    S4,
    #[serde(rename = "I")]
    I,
    #[serde(rename = "II")]
    II,
    #[serde(rename = "III")]
    III,
}

impl Level {
    pub const ALL: [Level; 7] = [
        Level::S1,
        Level::S2,
        Level::S3,
        Level::S4,
        Level::I,
        Level::II,
        Level::III,
    ];
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::S1 => "S-1",
            Level::S2 => "S-2",
            Level::S3 => "S-3",
            Level::S4 => "S-4",
            Level::I => "I",
            Level::II => "II",
            Level::III => "III",
        }
    }
    fn column(self) -> usize {
        Level::ALL.iter().position(|l| *l == self).unwrap_or(5)
    }
}

/// How severely a lot is inspected; `Discontinued` refuses inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Normal,
    Tightened,
    Reduced,
    Discontinued,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "normal" => Some(Severity::Normal),
            "tightened" => Some(Severity::Tightened),
            "reduced" => Some(Severity::Reduced),
            "discontinued" => Some(Severity::Discontinued),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Normal => "normal",
            Severity::Tightened => "tightened",
            Severity::Reduced => "reduced",
            Severity::Discontinued => "discontinued",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A class of nonconformity; each may have its own AQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DefectClass {
    Critical,
    Major,
    Minor,
}

impl DefectClass {
    pub const ALL: [DefectClass; 3] = [
        DefectClass::Critical,
        DefectClass::Major,
        DefectClass::Minor,
    ];
    pub fn parse(s: &str) -> Option<DefectClass> {
        match s {
            "critical" => Some(DefectClass::Critical),
            "major" => Some(DefectClass::Major),
            "minor" => Some(DefectClass::Minor),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DefectClass::Critical => "critical",
            DefectClass::Major => "major",
            DefectClass::Minor => "minor",
        }
    }
}

/// The preferred AQLs, the columns of the single sampling tables: percent
/// nonconforming up to 10, nonconformities per 100 units above.
pub const AQLS: [&str; 26] = [
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0",
    "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650",
    "1000",
];

/// The column of an AQL, if it is one of [`AQLS`].
pub fn aql_index(aql: f64) -> Option<usize> {
    AQLS.iter().position(|a| {
        let v: f64 = a.parse().unwrap_or(f64::NAN);
        (v - aql).abs() <= v * 1e-9
    })
}

/// The sample size code letters, A to R, and S (tightened only).
pub const LETTERS: [&str; 17] = [
    "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Q", "R", "S",
];

/// The sample size of each code letter, normal and tightened inspection
/// (ISO 2859-1 Tables 2-A and 2-B, Z1.4 Tables II-A and II-B).
pub const SAMPLE_SIZES: [u32; 17] = [
    2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000, 3150,
];

/// The sample size of each code letter on reduced inspection (ISO 2859-1
/// Table 2-C, Z1.4 Table II-C).
pub const REDUCED_SAMPLE_SIZES: [u32; 16] = [
    2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800,
];

/// ISO 2859-1 Table 1 / ANSI Z1.4 Table I: the largest lot size of each row.
pub const LOT_SIZE_ROWS: [u64; 15] = [
    8,
    15,
    25,
    50,
    90,
    150,
    280,
    500,
    1200,
    3200,
    10_000,
    35_000,
    150_000,
    500_000,
    u64::MAX,
];

/// ISO 2859-1 Table 1 / ANSI Z1.4 Table I: sample size code letters, one
/// row per lot size row of [`LOT_SIZE_ROWS`], one letter per inspection
/// level in the order S-1, S-2, S-3, S-4, I, II, III.
pub const CODE_LETTER_ROWS: [&str; 15] = [
    "AAAAAAB", // 2 to 8
    "AAAAABC", // 9 to 15
    "AABBBCD", // 16 to 25
    "ABBCCDE", // 26 to 50
    "BBCCCEF", // 51 to 90
    "BBCDDFG", // 91 to 150
    "BCDEEGH", // 151 to 280
    "BCDEFHJ", // 281 to 500
    "CCEFGJK", // 501 to 1200
    "CDEGHKL", // 1201 to 3200
    "CDFGJLM", // 3201 to 10000
    "CDFHKMN", // 10001 to 35000
    "DEGJLNP", // 35001 to 150000
    "DEGJMPQ", // 150001 to 500000
    "DEHKNQR", // 500001 and over
];

/// The code letter (an index into [`LETTERS`]) for a lot size and level. A
/// lot of one unit reads the first row, as a lot of two does.
pub fn code_letter(lot_size: u64, level: Level) -> usize {
    let row = LOT_SIZE_ROWS
        .iter()
        .position(|max| lot_size <= *max)
        .unwrap_or(LOT_SIZE_ROWS.len() - 1);
    let letter = CODE_LETTER_ROWS[row].as_bytes()[level.column()] as char;
    LETTERS
        .iter()
        .position(|l| l.starts_with(letter))
        .unwrap_or(0)
}

/// A checklist's sampling plan (`[sampling]` in its file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SamplingPlan {
    pub standard: Standard,
    pub level: Level,
    /// One AQL column for every nonconforming unit (`None`), or one per class.
    pub aqls: Vec<(Option<DefectClass>, usize)>,
}

/// A cell of a single sampling table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Acceptance number Ac, rejection number Re.
    Plan(u32, u32),
    /// ↑: use the first plan above the arrow (its sample size too).
    Up,
    /// ↓: use the first plan below the arrow.
    Down,
    /// No plan (row S of the tightened table but one cell).
    Blank,
}

const D: Cell = Cell::Down;
const U: Cell = Cell::Up;
const __: Cell = Cell::Blank;
const fn p(ac: u32, re: u32) -> Cell {
    Cell::Plan(ac, re)
}

/// ISO 2859-1 Table 2-A / ANSI Z1.4 Table II-A: single sampling plans for
/// normal inspection. Rows: code letters A to R; columns: [`AQLS`].
pub(crate) const NORMAL: [[Cell; 26]; 16] = [
    // A
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        D,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        p(30, 31),
    ],
    // B
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        p(30, 31),
        p(44, 45),
    ],
    // C
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        p(30, 31),
        p(44, 45),
        U,
    ],
    // D
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        p(30, 31),
        p(44, 45),
        U,
        U,
    ],
    // E
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        p(30, 31),
        p(44, 45),
        U,
        U,
        U,
    ],
    // F
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // G
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // H
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // J
    [
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // K
    [
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // L
    [
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // M
    [
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // N
    [
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // P
    [
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // Q
    [
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // R
    [
        U,
        U,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(7, 8),
        p(10, 11),
        p(14, 15),
        p(21, 22),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
];

/// ISO 2859-1 Table 2-B / ANSI Z1.4 Table II-B: single sampling plans for
/// tightened inspection. Rows: code letters A to R and S (3150 units, one
/// plan only, reached from R at AQL 0.025); `__` is a blank cell.
pub(crate) const TIGHTENED: [[Cell; 26]; 17] = [
    // A
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        p(27, 28),
    ],
    // B
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        D,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        p(27, 28),
        p(41, 42),
    ],
    // C
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        p(27, 28),
        p(41, 42),
        U,
    ],
    // D
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        p(27, 28),
        p(41, 42),
        U,
        U,
    ],
    // E
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        p(27, 28),
        p(41, 42),
        U,
        U,
        U,
    ],
    // F
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // G
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // H
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // J
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // K
    [
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // L
    [
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // M
    [
        D,
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // N
    [
        D,
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // P
    [
        D,
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // Q
    [
        D,
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // R
    [
        p(0, 1),
        U,
        D,
        p(1, 2),
        p(2, 3),
        p(3, 4),
        p(5, 6),
        p(8, 9),
        p(12, 13),
        p(18, 19),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // S
    [
        __,
        __,
        p(1, 2),
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
        __,
    ],
];

/// ANSI Z1.4 Table II-C: single sampling plans for reduced inspection, with
/// the gap between Ac and Re (a lot accepted with more than Ac
/// nonconforming units sends the next lot back to normal, clause 8.3.4).
pub(crate) const REDUCED_Z14: [[Cell; 26]; 16] = [
    // A
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        p(14, 17),
    ],
    // B
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        p(14, 17),
        p(21, 24),
    ],
    // C
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        p(14, 17),
        p(21, 24),
        U,
    ],
    // D
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        p(14, 17),
        p(21, 24),
        U,
        U,
    ],
    // E
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        p(14, 17),
        p(21, 24),
        U,
        U,
        U,
    ],
    // F
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // G
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // H
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // J
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // K
    [
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // L
    [
        D,
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // M
    [
        D,
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // N
    [
        D,
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // P
    [
        D,
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // Q
    [
        D,
        D,
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
    // R
    [
        p(0, 1),
        p(0, 1),
        p(0, 2),
        p(1, 3),
        p(1, 4),
        p(2, 5),
        p(3, 6),
        p(5, 8),
        p(7, 10),
        p(10, 13),
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
        U,
    ],
];

/// Which table a severity reads, for a standard.
pub fn table(standard: Standard, severity: Severity) -> &'static [[Cell; 26]] {
    match severity {
        Severity::Tightened => &TIGHTENED,
        Severity::Reduced => &REDUCED_Z14,
        Severity::Normal | Severity::Discontinued => {
            let _ = standard;
            &NORMAL
        }
    }
}

/// A plan read from a table: the row it was found in after following the
/// arrows, its sample size and Ac, Re.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// Index into [`LETTERS`] of the row the plan was found in.
    pub row: usize,
    pub ac: u32,
    pub re: u32,
}

/// Follows the arrows from `(row, column)` to the first plan: ↓ to the
/// rows below, ↑ to the rows above. `None` when an arrow leads off the
/// table or to a blank cell (no table here does).
pub fn resolve(table: &[[Cell; 26]], row: usize, column: usize) -> Option<Resolved> {
    let mut r = row;
    loop {
        match table.get(r)?.get(column)? {
            Cell::Plan(ac, re) => {
                return Some(Resolved {
                    row: r,
                    ac: *ac,
                    re: *re,
                });
            }
            Cell::Down => r += 1,
            Cell::Up => r = r.checked_sub(1)?,
            Cell::Blank => return None,
        }
    }
}

/// One class's plan for one lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassPlan {
    /// `None`: one AQL for every nonconforming unit.
    pub class: Option<DefectClass>,
    pub aql: String,
    /// The letter the plan was read at after the arrows.
    pub letter: String,
    /// The sample size of that letter; the lot size when it is smaller.
    pub sample: u32,
    pub ac: u32,
    pub re: u32,
}

/// A lot's plan: the code letter of Table I and one plan per class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LotPlan {
    pub standard: Standard,
    pub level: Level,
    pub severity: Severity,
    pub lot_size: u64,
    pub code_letter: String,
    /// The units to draw: the largest sample of the classes' plans, at
    /// most the lot (then every unit is inspected).
    pub sample: u32,
    /// Every unit of the lot is inspected (a sample as large as the lot).
    pub hundred_percent: bool,
    pub classes: Vec<ClassPlan>,
}

/// The plan for a lot of `lot_size` units at `level`, on `severity`, for
/// each `(class, AQL column)`. An arrow changes the sample size with the
/// plan it points to; where classes differ, the largest sample is drawn
/// and each class is judged on the first units of its own sample size
/// (ISO 2859-1 and Z1.4 leave this to the responsible authority).
pub fn lot_plan(
    standard: Standard,
    level: Level,
    severity: Severity,
    lot_size: u64,
    aqls: &[(Option<DefectClass>, usize)],
) -> Option<LotPlan> {
    let letter = code_letter(lot_size, level);
    let t = table(standard, severity);
    let mut classes = Vec::new();
    for (class, column) in aqls {
        let found = resolve(t, letter, *column)?;
        let (ac, re) = match (standard, severity) {
            // ISO 2859-1:1999 Table 2-C has no gap between Ac and Re: a lot on
            // reduced inspection is either accepted or not (clause 9.3.4).
            (Standard::Iso2859_1, Severity::Reduced) => (found.ac, found.ac + 1),
            _ => (found.ac, found.re),
        };
        let size = if severity == Severity::Reduced {
            REDUCED_SAMPLE_SIZES[found.row]
        } else {
            SAMPLE_SIZES[found.row]
        };
        classes.push(ClassPlan {
            class: *class,
            aql: AQLS[*column].to_string(),
            letter: LETTERS[found.row].to_string(),
            sample: size.min(u32::try_from(lot_size).unwrap_or(u32::MAX)),
            ac,
            re,
        });
    }
    let drawn = classes.iter().map(|c| c.sample).max().unwrap_or(0);
    let largest = aqls
        .iter()
        .filter_map(|(_, col)| resolve(t, letter, *col))
        .map(|r| {
            if severity == Severity::Reduced {
                REDUCED_SAMPLE_SIZES[r.row]
            } else {
                SAMPLE_SIZES[r.row]
            }
        })
        .max()
        .unwrap_or(0);
    Some(LotPlan {
        standard,
        level,
        severity,
        lot_size,
        code_letter: LETTERS[letter].to_string(),
        sample: drawn,
        hundred_percent: u64::from(largest) >= lot_size,
        classes,
    })
}

/// One line of a checklist's plan as the manual prints it: a row of
/// Table I and, for one class, the sample and Ac/Re on each severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanLine {
    /// "501 to 1200", "500001 and over".
    pub lots: String,
    pub code_letter: String,
    pub class: Option<DefectClass>,
    pub aql: String,
    /// "80: Ac 2, Re 3".
    pub normal: String,
    pub tightened: String,
    pub reduced: String,
}

/// The plan for every lot size row of Table I, for the manual's page.
pub fn plan_lines(plan: &SamplingPlan) -> Vec<PlanLine> {
    let mut out = Vec::new();
    let mut low = 2u64;
    for high in LOT_SIZE_ROWS {
        let lots = if high == u64::MAX {
            format!("{low} and over")
        } else {
            format!("{low} to {high}")
        };
        let one = |severity| {
            lot_plan(
                plan.standard,
                plan.level,
                severity,
                high.min(10_000_000),
                &plan.aqls,
            )
        };
        let (n, t, r) = (
            one(Severity::Normal),
            one(Severity::Tightened),
            one(Severity::Reduced),
        );
        for (k, (class, column)) in plan.aqls.iter().enumerate() {
            let cell = |p: &Option<LotPlan>| {
                p.as_ref()
                    .and_then(|p| p.classes.get(k))
                    .map(|c| {
                        // The sample of the table, not capped at this row's largest lot.
                        let n = if u64::from(c.sample) >= high && high != u64::MAX {
                            "every unit".to_string()
                        } else {
                            c.sample.to_string()
                        };
                        format!("{n}: Ac {}, Re {}", c.ac, c.re)
                    })
                    .unwrap_or_default()
            };
            out.push(PlanLine {
                lots: lots.clone(),
                code_letter: LETTERS[code_letter(high.min(10_000_000), plan.level)].to_string(),
                class: *class,
                aql: AQLS[*column].to_string(),
                normal: cell(&n),
                tightened: cell(&t),
                reduced: cell(&r),
            });
        }
        low = high.saturating_add(1);
    }
    out
}

/// ANSI Z1.4 Table VIII (limit numbers for reduced inspection): the lower
/// bound of each row of "number of sample units from the last 10 lots".
pub const LIMIT_ROWS: [u64; 18] = [
    20, 30, 50, 80, 130, 200, 320, 500, 800, 1250, 2000, 3150, 5000, 8000, 12_500, 20_000, 31_500,
    50_000,
];

/// The limit number of Z1.4 Table VIII for `units` sample units from the
/// last 10 lots at the AQL of `column`, computed from the table's own
/// definition: the largest count that a Poisson count with mean
/// `AQL/100 × units` (units at the lower bound of its row) stays at or
/// under with a probability below 10 %. `None` is the table's `*`: too few
/// units to tell (fewer than 20, or not even a count of 0 qualifies).
pub fn limit_number(units: u64, column: usize) -> Option<u32> {
    let row = LIMIT_ROWS.iter().rposition(|lo| units >= *lo)?;
    let aql: f64 = AQLS.get(column)?.parse().ok()?;
    let mean = aql / 100.0 * LIMIT_ROWS[row] as f64;
    let mut term = (-mean).exp();
    let mut sum = term;
    if sum >= 0.10 {
        return None;
    }
    let mut k: u32 = 0;
    loop {
        term *= mean / f64::from(k + 1);
        if sum + term >= 0.10 {
            return Some(k);
        }
        sum += term;
        k += 1;
    }
}

/// One class of a closed lot, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassOutcome {
    /// Index into [`AQLS`].
    pub column: usize,
    /// Index into [`LETTERS`] of the row the plan was read at.
    pub row: usize,
    pub sample: u32,
    pub ac: u32,
    pub re: u32,
    pub nonconforming: u32,
}

/// What the switching rules read, in the order it was recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// A lot closed on original inspection.
    Lot {
        severity: Severity,
        accepted: bool,
        classes: Vec<ClassOutcome>,
    },
    /// The responsible authority approved reduced inspection (a signature).
    ReducedApproved,
    /// A corrective action was recorded after inspection was discontinued.
    CorrectiveAction,
}

/// Where a checklist and supplier stand, derived from their lot history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchState {
    pub severity: Severity,
    /// Normal inspection may switch to reduced once someone approves it.
    pub reduced_allowed: bool,
    /// ISO 2859-1 only: the switching score of each class (the lowest).
    pub switching_score: Option<u32>,
    /// Why the severity is what it is, in a sentence.
    pub reason: String,
}

/// Applies the switching rules to a lot history, from normal inspection at
/// the start (ISO 2859-1 clause 9.1, Z1.4 clause 8.1).
pub fn switch_state(standard: Standard, history: &[History]) -> SwitchState {
    let mut severity = Severity::Normal;
    let mut reason = "the first lots are inspected at normal severity".to_string();
    // Normal: the last five lots' decisions (since normal began).
    let mut window: Vec<bool> = Vec::new();
    let mut normal_accepted_run: Vec<&[ClassOutcome]> = Vec::new();
    let mut score: Vec<u32> = Vec::new();
    // Tightened: consecutive accepted lots; rejected lots since it began.
    let mut tight_accepted = 0u32;
    let mut tight_rejected = 0u32;
    // A switch starts the counts of normal inspection again.
    fn to_normal(window: &mut Vec<bool>, run: &mut Vec<&[ClassOutcome]>, score: &mut Vec<u32>) {
        window.clear();
        run.clear();
        score.clear();
    }
    for h in history {
        match h {
            History::Lot {
                severity: at,
                accepted,
                classes,
            } => {
                // A lot opened before a switch counts as what it was inspected at.
                match (severity, at) {
                    (Severity::Normal, Severity::Normal) => {
                        window.push(*accepted);
                        if window.len() > 5 {
                            window.remove(0);
                        }
                        if *accepted {
                            normal_accepted_run.push(classes);
                        } else {
                            normal_accepted_run.clear();
                        }
                        // ISO 2859-1 clause 9.3.3.2: the switching score starts
                        // at zero with normal inspection and is updated after
                        // each lot on original normal inspection.
                        if score.is_empty() {
                            score = vec![0; classes.len()];
                        }
                        for (s, c) in score.iter_mut().zip(classes.iter()) {
                            *s = iso_score_step(*s, c, *accepted);
                        }
                        // Normal to tightened: 2 of 5 or fewer consecutive lots
                        // not accepted (ISO 2859-1 9.3.1, Z1.4 8.3.1).
                        if window.iter().filter(|a| !**a).count() >= 2 {
                            severity = Severity::Tightened;
                            tight_accepted = 0;
                            tight_rejected = 0;
                            reason = "2 of the last 5 or fewer lots on normal inspection were not accepted".to_string();
                            to_normal(&mut window, &mut normal_accepted_run, &mut score);
                        }
                    }
                    (Severity::Tightened, Severity::Tightened) => {
                        if *accepted {
                            tight_accepted += 1;
                        } else {
                            tight_accepted = 0;
                            tight_rejected += 1;
                        }
                        if tight_rejected >= 5 {
                            // ISO 2859-1 9.4, Z1.4 8.4: discontinue after 5 lots
                            // not accepted while on tightened inspection.
                            severity = Severity::Discontinued;
                            reason = "5 lots were not accepted on tightened inspection; inspection is discontinued until a corrective action is recorded".to_string();
                        } else if tight_accepted >= 5 {
                            // ISO 2859-1 9.3.2, Z1.4 8.3.2.
                            severity = Severity::Normal;
                            reason = "5 consecutive lots were accepted on tightened inspection"
                                .to_string();
                            to_normal(&mut window, &mut normal_accepted_run, &mut score);
                        }
                    }
                    (Severity::Reduced, Severity::Reduced) => {
                        // Back to normal on a lot not accepted (ISO 2859-1
                        // 9.3.4 a, Z1.4 8.3.4 a); Z1.4 8.3.4 also on a lot
                        // accepted with more than Ac and fewer than Re.
                        let in_gap = standard == Standard::Z14
                            && classes
                                .iter()
                                .any(|c| c.nonconforming > c.ac && c.nonconforming < c.re);
                        if !*accepted || in_gap {
                            severity = Severity::Normal;
                            reason = if *accepted {
                                "a lot on reduced inspection was accepted with more nonconforming units than Ac (Z1.4 8.3.4)".to_string()
                            } else {
                                "a lot on reduced inspection was not accepted".to_string()
                            };
                            to_normal(&mut window, &mut normal_accepted_run, &mut score);
                        }
                    }
                    // A lot inspected at another severity than the one now in
                    // effect (opened before the switch) does not move the rules.
                    _ => {}
                }
            }
            History::ReducedApproved => {
                if severity == Severity::Normal
                    && reduced_allowed(standard, &normal_accepted_run, &score)
                {
                    severity = Severity::Reduced;
                    reason = "reduced inspection was approved".to_string();
                }
            }
            History::CorrectiveAction => {
                if severity == Severity::Discontinued {
                    // ISO 2859-1 9.4, Z1.4 8.4: resume on tightened inspection.
                    severity = Severity::Tightened;
                    tight_accepted = 0;
                    tight_rejected = 0;
                    reason =
                        "inspection resumed on tightened after a corrective action".to_string();
                }
            }
        }
    }
    let allowed =
        severity == Severity::Normal && reduced_allowed(standard, &normal_accepted_run, &score);
    SwitchState {
        severity,
        reduced_allowed: allowed,
        switching_score: (standard == Standard::Iso2859_1 && severity == Severity::Normal)
            .then(|| score.iter().copied().min().unwrap_or(0)),
        reason,
    }
}

/// ISO 2859-1:1999 clause 9.3.3.2 a), single sampling: with Ac of 2 or
/// more, add 3 if the lot would have been accepted at the AQL one step
/// tighter (the Ac of the next smaller AQL for the same sample size in
/// Table 2-A), else start again at 0; with Ac of 0 or 1, add 2 if the lot
/// was accepted, else start again at 0.
fn iso_score_step(score: u32, c: &ClassOutcome, accepted: bool) -> u32 {
    if c.ac >= 2 {
        let tighter = c
            .column
            .checked_sub(1)
            .and_then(|col| NORMAL.get(c.row).and_then(|r| r.get(col)));
        match tighter {
            Some(Cell::Plan(ac, _)) if accepted && c.nonconforming <= *ac => score + 3,
            _ => 0,
        }
    } else if accepted {
        score + 2
    } else {
        0
    }
}

/// Whether normal inspection may switch to reduced, by the history alone
/// (steady production and the authority's approval are the signature).
/// Z1.4 clause 8.3.3 a) and b): the preceding 10 lots accepted, and the
/// nonconforming units of their samples, per class, within the limit
/// number of Table VIII. ISO 2859-1:1999 clause 9.3.3 b): the switching
/// score at 30 or more (every class).
fn reduced_allowed(standard: Standard, accepted_run: &[&[ClassOutcome]], score: &[u32]) -> bool {
    match standard {
        Standard::Iso2859_1 => !score.is_empty() && score.iter().all(|s| *s >= 30),
        Standard::Z14 => {
            if accepted_run.len() < 10 {
                return false;
            }
            let last = &accepted_run[accepted_run.len() - 10..];
            let classes = last[0].len();
            (0..classes).all(|k| {
                let units: u64 = last
                    .iter()
                    .filter_map(|l| l.get(k))
                    .map(|c| u64::from(c.sample))
                    .sum();
                let found: u64 = last
                    .iter()
                    .filter_map(|l| l.get(k))
                    .map(|c| u64::from(c.nonconforming))
                    .sum();
                let column = last[0][k].column;
                limit_number(units, column).is_some_and(|lr| found <= u64::from(lr))
            })
        }
    }
}

#[cfg(test)]
#[path = "sampling_tests.rs"]
mod tests;
