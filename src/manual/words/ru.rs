//! The manual's own words in Russian (the tables are in `mod.rs`).

use super::{Labels, Notes};

impl Notes {
    pub const RUSSIAN: Notes = Notes::ENGLISH;
}

impl Labels {
    pub const RUSSIAN: Labels = Labels::ENGLISH;
}
