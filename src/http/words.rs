//! The words of the inspection form's controls in the language the form
//! is shown in (its prompts and help come from the checklist's
//! translation). Languages without their own words here get English ones.

use serde::Serialize;

/// The labels of a form's controls.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FormWords {
    pub pass: &'static str,
    pub fail: &'static str,
    pub na: &'static str,
    pub how_to_check: &'static str,
    pub note: &'static str,
    pub add_photo: &'static str,
    pub review: &'static str,
    pub limits: &'static str,
    pub record: &'static str,
    pub change: &'static str,
    /// After a measured item's limits, where it may be left out.
    pub or_n: &'static str,
}

const ENGLISH: FormWords = FormWords {
    pass: "Pass",
    fail: "Fail",
    na: "N/A",
    how_to_check: "How to check",
    note: "Note",
    add_photo: "Add a photo",
    review: "Review",
    limits: "Limits",
    record: "Confirm and record",
    change: "Change answers",
    or_n: "n if not applicable",
};

const NORWEGIAN: FormWords = FormWords {
    pass: "Godkjent",
    fail: "Avvik",
    na: "Ikke aktuelt",
    how_to_check: "Slik kontrollerer du",
    note: "Merknad",
    add_photo: "Legg til et bilde",
    review: "Se over",
    limits: "Grenser",
    record: "Bekreft og registrer",
    change: "Endre svar",
    or_n: "n hvis ikke aktuelt",
};

const HEBREW: FormWords = FormWords {
    pass: "תקין",
    fail: "פסול",
    na: "לא רלוונטי",
    how_to_check: "איך בודקים",
    note: "הערה",
    add_photo: "הוספת תמונה",
    review: "סקירה",
    limits: "גבולות",
    record: "אישור ורישום",
    change: "שינוי תשובות",
    or_n: "n אם לא רלוונטי",
};

/// The form's words in the language `code` (English without one).
pub fn form(code: Option<&str>) -> FormWords {
    match code.map(|c| c.split('-').next().unwrap_or(c)) {
        Some("nb" | "nn" | "no") => NORWEGIAN,
        Some("he") => HEBREW,
        _ => ENGLISH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_speaks_its_language_and_english_where_sopbook_has_no_words() {
        assert_eq!(form(Some("he")).pass, "תקין");
        assert_eq!(form(Some("nb")).review, "Se over");
        assert_eq!(form(Some("ru")).pass, "Pass");
        assert_eq!(form(None).fail, "Fail");
    }
}
