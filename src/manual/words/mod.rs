//! What a translated edition of the manual says to its reader in their
//! own language besides the translated documents: a page not translated
//! yet, a translation that follows an older revision, the label of the
//! language switcher, and the words of the manual's own pages (the
//! control block, the printed form, the reading paths, ...). Languages
//! without their own words here get English ones.

use crate::manual::escape::html_text;
use crate::model::{Interval, IntervalUnit, ItemKind, num};
use crate::words::{Lang, fill};

mod ru;
mod zh;

crate::words::phrases! {
    /// What an edition says about its own translations.
    Notes {
        /// `{source}`: the source language's name.
        missing: "This page has not been translated yet. It is shown as written, in {source}.", "Denne siden er ikke oversatt ennå. Den vises slik den er skrevet, på {source}.", "דף זה עדיין לא תורגם. הוא מוצג כפי שנכתב, ב{source}.";
        /// `{id}`, `{follows}`, `{changed}`, `{summary}`, `{link}`.
        stale: "This translation follows revision {follows} of {id}. Revision {changed} has changed it since: {summary}. What counts is {link}.", "Denne oversettelsen følger revisjon {follows} av {id}. Revisjon {changed} har endret den siden: {summary}. Det som gjelder, er {link}.", "תרגום זה עוקב אחר גרסה {follows} של {id}. גרסה {changed} שינתה אותו מאז: {summary}. הנוסח המחייב הוא {link}.";
        /// The words of the link to the source page in force.
        link: "the page in force", "siden slik den gjelder nå", "הדף בתוקף";
        /// The switcher's label for screen readers.
        languages: "Languages", "Språk", "שפות";
        /// On the quality dashboard and training status pages of an
        /// edition: sopbook writes them in English.
        english_only: "This page is in English.", "Denne siden er på engelsk.", "דף זה כתוב באנגלית.";
        /// A preview page's banner.
        draft_unreleased: "Draft: this document has not been released yet.", "Utkast: dette dokumentet er ikke utgitt ennå.", "טיוטה: מסמך זה עדיין לא פורסם.";
        /// `{revision}`, in force `{since}`.
        draft_differs: "Draft: this working copy differs from revision {revision} (in force since {since}); it has not been approved.", "Utkast: denne arbeidskopien er ulik revisjon {revision} (gjeldende fra {since}); den er ikke godkjent.", "טיוטה: עותק עבודה זה שונה מגרסה {revision} (בתוקף מ-{since}); הוא לא אושר.";
    }
}

fn words(code: &str) -> Notes {
    Notes::of(Lang::of(Some(code)))
}

/// The note on a page shown in the source language because its
/// translation into `code` is missing (HTML).
pub fn missing(code: &str, source_name: &str) -> String {
    fill(
        &html_text(words(code).missing),
        &[("source", &html_text(source_name))],
    )
}

/// The banner of a stale translation into `code` (HTML); `{source_url}`
/// is left for the page to fill in with the address of the source page.
pub fn stale(code: &str, id: &str, follows: i64, changed: i64, summary: &str) -> String {
    let w = words(code);
    let link = format!("<a href=\"{{source_url}}\">{}</a>", html_text(w.link));
    fill(
        &html_text(w.stale),
        &[
            ("id", &html_text(id)),
            ("follows", &follows.to_string()),
            ("changed", &changed.to_string()),
            ("summary", &html_text(summary)),
            ("link", &link),
        ],
    )
}

/// The note on a page sopbook writes in English only (the quality
/// dashboard, training status), in an edition whose language sopbook has
/// other words for (HTML); none where the reader gets English anyway.
pub fn english_only(code: Option<&str>) -> Option<String> {
    match Lang::of(code) {
        Lang::English => None,
        lang => Some(html_text(Notes::of(lang).english_only)),
    }
}

/// The words of a preview page's draft banner in the language `code`.
pub fn draft_notes(code: Option<&str>) -> (&'static str, &'static str) {
    let w = Notes::of(Lang::of(code));
    (w.draft_unreleased, w.draft_differs)
}

/// The label of the language switcher, in the page's language.
pub fn languages(code: &str) -> &'static str {
    words(code).languages
}

crate::words::phrases! {
    /// The words of the manual's own pages, in the page's language:
    /// `{{words.field}}` in the page templates.
    Labels {
        // A page's control block.
        id: "ID", "ID", "מזהה";
        revision: "Revision", "Revisjon", "גרסה";
        effective: "Effective", "Gjelder fra", "בתוקף מ";
        next_review: "Next review", "Neste gjennomgang", "סקירה הבאה";
        section: "Section", "Del", "פרק";
        owner: "Owner", "Eier", "אחראי";
        approved_by: "Approved by", "Godkjent av", "אושר על ידי";
        applies_to: "Applies to", "Gjelder for", "חל על";
        checklists: "Checklists", "Sjekklister", "רשימות תיוג";
        items: "Items", "Punkter", "סעיפים";
        /// After a number of items.
        critical: "critical", "kritiske", "קריטיים";
        procedure: "Procedure", "Prosedyre", "נוהל";
        filled_in_by: "Filled in by", "Fylles ut av", "ממולא על ידי";
        used_in: "Used in", "Brukes i", "בשימוש ב";
        not_released: "not released", "ikke utgitt", "לא פורסם";
        not_in_force: "not in force", "ikke gjeldende", "לא בתוקף";
        every: "every", "hver", "כל";
        /// Before the source revision a translation follows.
        translation_follows: "Translation follows revision", "Oversettelsen følger revisjon", "התרגום עוקב אחר גרסה";
        none: "none", "ingen", "אין";
        anyone: "anyone", "hvem som helst", "כל אחד";
        // The manual's own pages and the sidebar's parts.
        home: "Home", "Hjem", "דף הבית";
        procedures: "Procedures", "Prosedyrer", "נהלים";
        forms_and_training: "Forms and training", "Skjemaer og opplæring", "טפסים והדרכה";
        reading_paths: "Reading paths", "Lesestier", "מסלולי קריאה";
        by_role: "By role", "Etter rolle", "לפי תפקיד";
        what_changed: "What changed", "Hva er endret", "מה השתנה";
        obsolete_documents: "Obsolete documents", "Utgåtte dokumenter", "מסמכים שבוטלו";
        quality_dashboard: "Quality dashboard", "Kvalitetsoversikt", "לוח בקרת איכות";
        training_status: "Training status", "Opplæringsstatus", "מצב הדרכה";
        // A procedure: who reads it, what changed, its references and history.
        who_must_read: "Who must read it:", "Hvem må lese den:", "מי חייב לקרוא:";
        /// Before the roles.
        everyone_who_works_as: "everyone who works as", "alle som arbeider som", "כל מי שעובד בתפקיד";
        /// Before the last of several roles.
        or: "or", "eller", "או";
        /// Before the reading time in minutes.
        reads_it_about: "reads it, about", "leser den, omtrent", "קורא אותו, בערך";
        minutes: "min", "min", "דק׳";
        confirms_read: "and confirms they read and understood it", "og bekrefter at de har lest og forstått den", "ומאשר שקרא והבין אותו";
        changed_in_revision: "What changed in revision", "Hva er endret i revisjon", "מה השתנה בגרסה";
        /// Before a date, in brackets.
        effective_from: "effective", "gjelder fra", "בתוקף מתאריך";
        read_again: "Whoever read an earlier revision reads this one again.", "Den som har lest en tidligere revisjon, leser denne på nytt.", "מי שקרא גרסה קודמת קורא את זו שוב.";
        was_editorial: "was an editorial change", "var en redaksjonell endring", "הייתה שינוי עריכה";
        need_not_read_again: "whoever read an earlier revision need not read it again.", "den som har lest en tidligere revisjon, trenger ikke lese den på nytt.", "מי שקרא גרסה קודמת אינו צריך לקרוא אותה שוב.";
        cross_references: "Cross-references", "Kryssreferanser", "הפניות";
        refers_here: "refers to this procedure", "viser til denne prosedyren", "מפנה לנוהל זה";
        revision_history: "Revision history", "Revisjonshistorikk", "היסטוריית גרסאות";
        rev: "Rev", "Rev.", "גרסה";
        change: "Change", "Endring", "שינוי";
        author: "Author", "Forfatter", "כותב";
        editorial: "editorial", "redaksjonell", "עריכה";
        // The preview's notice.
        /// Before the date the preview was made.
        preview_made: "Preview with drafts, made", "Forhåndsvisning med utkast, laget", "תצוגה מקדימה עם טיוטות, הופקה בתאריך";
        preview_not_controlled: "This is not the controlled manual: pages marked as drafts have not been approved.", "Dette er ikke den styrte håndboken: sider merket som utkast er ikke godkjent.", "זה אינו המדריך המבוקר: דפים שסומנו כטיוטות לא אושרו.";
        // A section's and the checklists' tables.
        review: "Review", "Gjennomgang", "סקירה";
        review_every: "Review every", "Gjennomgås hver", "סקירה כל";
        checklist: "Checklist", "Sjekkliste", "רשימת תיוג";
        checklists_intro: "Each checklist prints as a paper form, so a station without a screen can follow the same process: open it and press", "Hver sjekkliste kan skrives ut som et papirskjema, slik at en stasjon uten skjerm kan følge den samme prosessen: åpne den og trykk", "כל רשימת תיוג מודפסת כטופס נייר, כך שגם עמדה בלי מסך יכולה לפעול לפי אותו תהליך: פתחו אותה ולחצו על";
        // A checklist's form.
        /// A printed form's running head: "DRAFT, not approved (revision 2 is in force)".
        draft_not_approved: "DRAFT, not approved", "UTKAST, ikke godkjent", "טיוטה, לא אושרה";
        revision_lower: "revision", "revisjon", "גרסה";
        is_in_force: "is in force", "gjelder", "בתוקף";
        not_released_head: "Not released", "Ikke utgitt", "לא פורסם";
        /// A checklist's print button, and what it does.
        print_form: "Print this form", "Skriv ut skjemaet", "הדפסת הטופס";
        print_form_title: "Prints this form alone, with its id, revision and page numbers on every page", "Skriver ut bare dette skjemaet, med id, revisjon og sidetall på hver side", "מדפיס את הטופס הזה בלבד, עם המזהה, הגרסה ומספרי העמודים בכל עמוד";
        /// At the foot of every printed page, with room to write.
        print_lot_serial: "Lot ________________   Serial ________________", "Parti ________________   Serienr. ________________", "מנה ________________   מספר סידורי ________________";
        /// "Page 1 of 2" on a printed form: before the page, before the count.
        print_page: "Page ", "Side ", "עמוד ";
        print_of: " of ", " av ", " מתוך ";
        sampling_by_plan: "Lots are inspected by sampling plan", "Partier kontrolleres etter prøvetakingsplan", "מנות נבדקות לפי תוכנית דגימה";
        /// Before the inspection level.
        single_sampling_level: "single sampling, inspection level", "enkel prøvetaking, kontrollnivå", "דגימה יחידה, רמת בדיקה";
        /// After the command that opens a lot.
        sampling_severity: "gives each lot its plan; the severity (normal, tightened, reduced) follows the supplier's recorded lots.", "gir hvert parti sin plan; strengheten (normal, skjerpet, redusert) følger leverandørens registrerte partier.", "נותן לכל מנה את התוכנית שלה; החומרה (רגילה, מוחמרת, מופחתת) נקבעת לפי המנות הרשומות של הספק.";
        lot_size: "Lot size", "Partistørrelse", "גודל מנה";
        code_letter: "Code letter", "Kodebokstav", "אות קוד";
        normal: "Normal", "Normal", "רגילה";
        tightened: "Tightened", "Skjerpet", "מוחמרת";
        reduced: "Reduced", "Redusert", "מופחתת";
        product_lot: "Product / lot", "Produkt / parti", "מוצר / מנה";
        serial_no: "Serial no.", "Serienr.", "מספר סידורי";
        station: "Station", "Stasjon", "עמדה";
        date: "Date", "Dato", "תאריך";
        check: "Check", "Kontroll", "בדיקה";
        specification: "Specification", "Spesifikasjon", "מפרט";
        result: "Result", "Resultat", "תוצאה";
        /// One item's mark.
        critical_item: "critical", "kritisk", "קריטי";
        /// The same words as an inspection form's ([`crate::words::Form`]).
        pass: "pass", "godkjent", "תקין";
        fail: "fail", "avvik", "פסול";
        pass_all: "PASS", "GODKJENT", "תקין";
        fail_all: "FAIL", "AVVIK", "פסול";
        max: "max", "maks", "מקס׳";
        /// In a measured item's specification: "(nominal 4.0)".
        nominal: "nominal", "nominelt", "נומינלי";
        /// A counted item's specification: "at most 3".
        at_most: "at most", "høyst", "לכל היותר";
        /// A text item's specification.
        write_down: "record", "noter", "לרשום";
        nonconformance_no: "Nonconformance no.", "Avviksnr.", "מס׳ אי־התאמה";
        inspected_by: "Inspected by", "Kontrollert av", "נבדק על ידי";
        signature: "Signature", "Signatur", "חתימה";
        checked_by: "Checked by", "Attestert av", "אומת על ידי";
        // Reading paths.
        /// Before the organisation's name.
        welcome_to: "Welcome to", "Velkommen til", "ברוכים הבאים אל";
        reading_paths_intro: "Every role has a reading path: the procedures a new colleague in that role reads first, in order. Find your role and start at the top.", "Hver rolle har en lesesti: prosedyrene en ny kollega i den rollen leser først, i rekkefølge. Finn rollen din og begynn øverst.", "לכל תפקיד יש מסלול קריאה: הנהלים שעובד חדש בתפקיד קורא ראשונים, לפי הסדר. מצאו את התפקיד שלכם והתחילו מלמעלה.";
        /// Before a reading time: "(about 3 min)".
        about: "about", "omtrent", "בערך";
        about_total: "About", "Omtrent", "בערך";
        minutes_in_all: "minutes in all.", "minutter i alt.", "דקות בסך הכול.";
        no_reading_path: "No reading path has been set for this role yet.", "Ingen lesesti er satt for denne rollen ennå.", "עדיין לא נקבע מסלול קריאה לתפקיד זה.";
        reading_path: "Reading path:", "Lesesti:", "מסלול קריאה:";
        reading_path_intro: "Read these procedures in this order. Each one tells you why we do it, who does what, and the steps.", "Les disse prosedyrene i denne rekkefølgen. Hver av dem forteller hvorfor vi gjør det, hvem som gjør hva, og trinnene.", "קראו את הנהלים האלה בסדר הזה. כל אחד מהם מסביר למה אנחנו עושים זאת, מי עושה מה, ומהם השלבים.";
        path_takes_about: "The whole path takes about", "Hele stien tar omtrent", "קריאת המסלול כולו נמשכת בערך";
        /// Before the reading speed.
        minutes_to_read_at: "minutes to read (at", "minutter å lese (med", "דקות (בקצב של";
        words_a_minute: "words a minute).", "ord i minuttet).", "מילים לדקה).";
        confirm_it: "When you have read one, confirm it:", "Når du har lest en, bekrefter du det:", "כשסיימתם לקרוא נוהל, אשרו זאת:";
        /// After the command that confirms a reading.
        on_station_list: "or on the station's reading list.", "eller på stasjonens leseliste.", "או ברשימת הקריאה בעמדה.";
        // By role.
        by_role_intro: "For each role: the procedures that apply to it, and the checklists it fills in.", "For hver rolle: prosedyrene som gjelder for den, og sjekklistene den fyller ut.", "לכל תפקיד: הנהלים שחלים עליו, ורשימות התיוג שהוא ממלא.";
        /// After the word for owner, in bold.
        owner_marks: "marks the role that keeps a procedure up to date.", "markerer rollen som holder en prosedyre oppdatert.", "מסמן את התפקיד ששומר על הנוהל מעודכן.";
        owner_of: "owner", "eier", "אחראי";
        checklists_to_fill: "Checklists to fill in", "Sjekklister å fylle ut", "רשימות תיוג למילוי";
        no_procedure_for_role: "No procedure applies to this role yet.", "Ingen prosedyre gjelder for denne rollen ennå.", "עדיין אין נוהל שחל על תפקיד זה.";
        fills_no_checklist: "This role fills in no checklist.", "Denne rollen fyller ikke ut noen sjekkliste.", "תפקיד זה אינו ממלא רשימות תיוג.";
        // What changed, obsolete documents.
        /// "Revisions that took effect in the 30 days up to 2026-11-26, newest first."
        changes_in_the: "Revisions that took effect in the", "Revisjoner som trådte i kraft i de", "גרסאות שנכנסו לתוקף במהלך";
        days_up_to: "days up to", "dagene fram til", "הימים שעד";
        newest_first: "newest first.", "nyeste først.", "החדשות ראשונות.";
        read_ones_for_role: "Read the ones that apply to your role.", "Les dem som gjelder for din rolle.", "קראו את אלה שחלות על התפקיד שלכם.";
        document: "Document", "Dokument", "מסמך";
        /// "Nothing changed in the last 30 days."
        nothing_changed_in: "Nothing changed in the last", "Ingenting er endret de siste", "לא חלו שינויים במהלך";
        days_end: "days.", "dagene.", "הימים האחרונים.";
        obsolete_intro: "These documents are no longer in force. They are listed so that a printed copy found on the floor can be recognised as obsolete: do not work to them.", "Disse dokumentene gjelder ikke lenger. De står her slik at en utskrift som blir funnet på gulvet, kan kjennes igjen som utgått: ikke arbeid etter dem.", "מסמכים אלה אינם בתוקף עוד. הם מופיעים כאן כדי שעותק מודפס שנמצא ברצפת הייצור יזוהה כמבוטל: אין לעבוד לפיהם.";
        last_revision: "Last revision", "Siste revisjon", "גרסה אחרונה";
        obsolete_since: "Obsolete since", "Utgått siden", "בוטל מתאריך";
        reason: "Reason", "Årsak", "סיבה";
        none_retired: "No document has been retired.", "Ingen dokumenter er trukket tilbake.", "אף מסמך לא בוטל.";
        // The page a web server shows for an address that is not in the manual.
        not_found: "Document not found (404)", "Fant ikke siden (404)", "הדף לא נמצא (404)";
        not_found_help: "This URL is invalid, sorry. Please use the navigation bar or search to continue.", "Denne adressen finnes ikke. Bruk innholdsfortegnelsen eller søket for å finne fram.", "הכתובת הזאת אינה קיימת. אפשר להמשיך מתוכן העניינים או מהחיפוש.";
    }
}

/// The control block's labels in the language `code` (English without one).
pub fn labels(code: Option<&str>) -> Labels {
    Labels::of(Lang::of(code))
}

/// The Markdown of the page a web server shows for a missing address, in
/// the language `code`; none where that is English (mdBook's own page).
pub fn not_found_page(code: Option<&str>) -> Option<String> {
    let w = labels(code);
    (w.not_found != Labels::ENGLISH.not_found).then(|| {
        format!(
            "# {}\n\n{}\n",
            crate::manual::escape::md_text(w.not_found),
            crate::manual::escape::md_text(w.not_found_help)
        )
    })
}

/// A review interval in the language `code` ("12 months", "12 måneder").
pub fn interval(code: Option<&str>, i: &Interval) -> String {
    match Lang::of(code) {
        Lang::Russian => return format!("{} {}", i.count, ru::unit(i.unit, i.count)),
        Lang::Chinese => return format!("{} {}", i.count, zh::unit(i.unit, i.count)),
        _ => {}
    }
    match unit_name(code, i.unit, i.count == 1) {
        Some(word) => format!("{} {word}", i.count),
        None => i.to_string(),
    }
}

/// The name of an interval's unit in the language `code`, for one or for
/// several; none where sopbook has no words of that language.
fn unit_name(code: Option<&str>, unit: IntervalUnit, one: bool) -> Option<&'static str> {
    Some(match (Lang::of(code), unit, one) {
        (Lang::Norwegian, IntervalUnit::Day, true) => "dag",
        (Lang::Norwegian, IntervalUnit::Day, false) => "dager",
        (Lang::Norwegian, IntervalUnit::Week, true) => "uke",
        (Lang::Norwegian, IntervalUnit::Week, false) => "uker",
        (Lang::Norwegian, IntervalUnit::Month, true) => "måned",
        (Lang::Norwegian, IntervalUnit::Month, false) => "måneder",
        (Lang::Norwegian, IntervalUnit::Year, _) => "år",
        (Lang::Hebrew, IntervalUnit::Day, true) => "יום",
        (Lang::Hebrew, IntervalUnit::Day, false) => "ימים",
        (Lang::Hebrew, IntervalUnit::Week, true) => "שבוע",
        (Lang::Hebrew, IntervalUnit::Week, false) => "שבועות",
        (Lang::Hebrew, IntervalUnit::Month, true) => "חודש",
        (Lang::Hebrew, IntervalUnit::Month, false) => "חודשים",
        (Lang::Hebrew, IntervalUnit::Year, true) => "שנה",
        (Lang::Hebrew, IntervalUnit::Year, false) => "שנים",
        _ => return None,
    })
}

/// An item's specification as printed on a form, in the language `code`:
/// [`ItemKind::spec`] in English.
pub fn spec(code: Option<&str>, kind: &ItemKind) -> String {
    spec_in(Lang::of(code), kind)
}

/// [`spec`] in the language `lang`.
pub fn spec_in(lang: Lang, kind: &ItemKind) -> String {
    let w = Labels::of(lang);
    match kind {
        ItemKind::PassFail => format!("{} / {}", w.pass, w.fail),
        ItemKind::Measure {
            nominal: Some(n), ..
        } => {
            let english = kind.spec();
            let nominal = format!(" (nominal {})", num(*n));
            let limits = english.strip_suffix(&nominal).unwrap_or(&english);
            format!("{limits} ({} {})", w.nominal, num(*n))
        }
        ItemKind::Measure { .. } => kind.spec(),
        ItemKind::Choice { pass, .. } => format!("{}: {}", w.pass, pass.join(", ")),
        ItemKind::Count { max } => format!("{} {max}", w.at_most),
        ItemKind::Text => w.write_down.to_string(),
    }
}

/// "every 12 months" in the language `code`: in Norwegian with an
/// ordinal ("hver 12. måned", "hvert år"), in Hebrew "כל 12 חודשים".
pub fn every(code: Option<&str>, i: &Interval) -> String {
    match Lang::of(code) {
        Lang::Russian => return ru::every(i.count, i.unit),
        Lang::Chinese => return zh::every(i.count, i.unit),
        _ => {}
    }
    let one = i.count == 1;
    let singular = unit_name(code, i.unit, true);
    match (Lang::of(code), singular) {
        (Lang::Norwegian, Some(unit)) => {
            // "år" is neuter.
            let hver = if i.unit == IntervalUnit::Year {
                "hvert"
            } else {
                "hver"
            };
            if one {
                format!("{hver} {unit}")
            } else {
                format!("{hver} {}. {unit}", i.count)
            }
        }
        (Lang::Hebrew, Some(unit)) if one => format!("כל {unit}"),
        _ => format!("{} {}", labels(code).every, interval(code, i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_in_the_readers_language_and_escaped() {
        assert_eq!(
            stale("nb", "QC-001", 1, 3, "<b>Leak</b> test"),
            "Denne oversettelsen følger revisjon 1 av QC-001. Revisjon 3 har endret den siden: &lt;b&gt;Leak&lt;/b&gt; test. Det som gjelder, er <a href=\"{source_url}\">siden slik den gjelder nå</a>."
        );
        assert!(missing("he", "English").ends_with("בEnglish."));
        assert!(missing("de", "English").starts_with("This page"));
        assert_eq!(labels(Some("nb")).revision, "Revisjon");
        assert_eq!(labels(Some("he")).effective, "בתוקף מ");
        assert_eq!(labels(None).revision, "Revision");
        assert_eq!(not_found_page(None), None);
        assert_eq!(not_found_page(Some("de")), None);
        assert!(not_found_page(Some("zh")).is_some());
        assert!(
            not_found_page(Some("he"))
                .unwrap()
                .starts_with("# הדף לא נמצא (404)\n\n")
        );
    }

    /// Every translation of the manual's words has its English's `{marks}`
    /// and no `"` or `\\` (the words go into handlebars string literals).
    #[test]
    fn every_translation_of_the_manuals_words_has_the_marks_of_its_english() {
        use crate::words::tests::marks;
        fn check<T: serde::Serialize>(english: T, others: [T; 4]) {
            let english = serde_json::to_value(english).unwrap();
            for other in others {
                for (name, text) in serde_json::to_value(other).unwrap().as_object().unwrap() {
                    let text = text.as_str().unwrap();
                    assert!(!text.is_empty(), "{name} is empty");
                    assert!(!text.contains(['"', '\\']), "{name}: {text}");
                    let en = english[name].as_str().unwrap();
                    assert_eq!(marks(text), marks(en), "{name}: {text}");
                }
            }
        }
        check(
            Notes::ENGLISH,
            [
                Notes::NORWEGIAN,
                Notes::HEBREW,
                Notes::RUSSIAN,
                Notes::CHINESE,
            ],
        );
        check(
            Labels::ENGLISH,
            [
                Labels::NORWEGIAN,
                Labels::HEBREW,
                Labels::RUSSIAN,
                Labels::CHINESE,
            ],
        );
    }

    #[test]
    fn review_intervals_are_in_the_readers_language() {
        let i = |s: &str| s.parse::<Interval>().unwrap();
        assert_eq!(interval(None, &i("12 months")), "12 months");
        assert_eq!(interval(Some("en"), &i("1 year")), "1 year");
        assert_eq!(interval(Some("nb"), &i("12 months")), "12 måneder");
        assert_eq!(interval(Some("nb"), &i("1 week")), "1 uke");
        assert_eq!(interval(Some("he"), &i("2 years")), "2 שנים");
        assert_eq!(interval(Some("de"), &i("6 months")), "6 months");
        assert_eq!(interval(Some("ru"), &i("6 months")), "6 месяцев");
        assert_eq!(interval(Some("zh"), &i("12 months")), "12 个月");
        assert_eq!(every(Some("ru"), &i("1 year")), "каждый год");
        assert_eq!(every(Some("zh"), &i("2 years")), "每 2 年");
        assert_eq!(every(None, &i("12 months")), "every 12 months");
        assert_eq!(every(None, &i("1 year")), "every 1 year");
        assert_eq!(every(Some("nb"), &i("12 months")), "hver 12. måned");
        assert_eq!(every(Some("nb"), &i("1 year")), "hvert år");
        assert_eq!(every(Some("nb"), &i("2 years")), "hvert 2. år");
        assert_eq!(every(Some("he"), &i("12 months")), "כל 12 חודשים");
        assert_eq!(every(Some("he"), &i("1 week")), "כל שבוע");
    }

    #[test]
    fn a_form_specification_is_in_the_readers_language_and_english_as_before() {
        let measure = ItemKind::Measure {
            unit: "bar".into(),
            nominal: Some(4.0),
            lower: Some(3.8),
            upper: Some(4.2),
            lower_bound: None,
            upper_bound: None,
        };
        let kinds = [
            ItemKind::PassFail,
            measure.clone(),
            ItemKind::Count { max: 2 },
            ItemKind::Text,
        ];
        for kind in &kinds {
            assert_eq!(spec(None, kind), kind.spec());
        }
        assert_eq!(spec(Some("nb"), &measure), "3.8 – 4.2 bar (nominelt 4)");
        assert_eq!(spec(Some("he"), &ItemKind::PassFail), "תקין / פסול");
        assert_eq!(spec(Some("nb"), &ItemKind::Count { max: 2 }), "høyst 2");
    }
}
