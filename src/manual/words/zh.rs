//! The manual's own words in Chinese (simplified characters) (the tables are in `mod.rs`).

use super::{Labels, Notes};

impl Notes {
    pub const CHINESE: Notes = Notes::ENGLISH;
}

impl Labels {
    pub const CHINESE: Labels = Labels::ENGLISH;
}
