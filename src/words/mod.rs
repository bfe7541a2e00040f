//! The languages sopbook speaks to people in besides English (Norwegian,
//! Hebrew, Russian, Chinese), and its words in them: the inspection form,
//! the same on the terminal (`sopbook inspect --lang`) and at the station,
//! so that an inspector reads one set of words wherever the form is filled
//! in; the station's own pages; the question for a signing password.
//!
//! A table of phrases is declared with [`phrases!`], a row per phrase with
//! its English, Norwegian and Hebrew; its Russian and Chinese are in
//! `ru.rs` and `zh.rs`. Languages without their own words here get English
//! ones. `{name}` marks in a phrase are filled in by [`fill`].

use serde::Serialize;

mod ru;
mod zh;

/// A language sopbook has words of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    English,
    /// Norwegian (`nb`; `nn` and `no` read it too).
    Norwegian,
    Hebrew,
    Russian,
    /// Chinese in simplified characters (`zh`, `zh-CN`; also `zh-TW`,
    /// which gets them too).
    Chinese,
}

impl Lang {
    /// The language of the code `code` (`nb`, `he-IL`), English without
    /// one or for a language sopbook has no words of.
    pub fn of(code: Option<&str>) -> Lang {
        match code.map(|c| c.split('-').next().unwrap_or(c)) {
            Some("nb" | "nn" | "no") => Lang::Norwegian,
            Some("he") => Lang::Hebrew,
            Some("ru") => Lang::Russian,
            Some("zh") => Lang::Chinese,
            _ => Lang::English,
        }
    }
}

/// Declares a struct of phrases and its value in each [`Lang`], a row per
/// phrase: `field: "English", "Norwegian", "Hebrew";`. The struct gets
/// `ENGLISH`, `NORWEGIAN` and `HEBREW` and `of(Lang)`; its `RUSSIAN` and
/// `CHINESE` are written out in a file of their own per language
/// (`ru.rs`, `zh.rs` beside the table), the compiler checking that every
/// phrase is there.
macro_rules! phrases {
    ($(#[$sdoc:meta])* $name:ident {
        $($(#[$doc:meta])* $field:ident: $en:expr, $nb:expr, $he:expr;)*
    }) => {
        $(#[$sdoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
        pub struct $name {
            $($(#[$doc])* pub $field: &'static str,)*
        }
        impl $name {
            pub const ENGLISH: $name = $name { $($field: $en,)* };
            pub const NORWEGIAN: $name = $name { $($field: $nb,)* };
            pub const HEBREW: $name = $name { $($field: $he,)* };

            /// The phrases in `lang`.
            pub fn of(lang: $crate::words::Lang) -> $name {
                match lang {
                    $crate::words::Lang::English => Self::ENGLISH,
                    $crate::words::Lang::Norwegian => Self::NORWEGIAN,
                    $crate::words::Lang::Hebrew => Self::HEBREW,
                    $crate::words::Lang::Russian => Self::RUSSIAN,
                    $crate::words::Lang::Chinese => Self::CHINESE,
                }
            }
        }
    };
}
pub(crate) use phrases;

/// `text` with each `{name}` of `marks` replaced by its value, in one pass:
/// a value is never read for marks itself. A `{` not starting a known mark
/// stays as it is.
pub fn fill(text: &str, marks: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after.find('}').and_then(|close| {
            let name = &after[..close];
            marks
                .iter()
                .find(|(m, _)| *m == name)
                .map(|(_, v)| (*v, close))
        });
        match known {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

phrases! {
    /// The words of an inspection form: its controls at the station, the
    /// terminal's prompts and summary, what an answer that does not fit
    /// is told, and how a measurement compares with its limits. The
    /// checklist's prompts and help come from its translation.
    Form {
        // Answers and their marks.
        pass: "Pass", "Godkjent", "תקין";
        fail: "Fail", "Avvik", "פסול";
        na: "N/A", "Ikke aktuelt", "לא רלוונטי";
        /// A pass/fail answer as shown back to the inspector.
        answer_pass: "pass", "godkjent", "תקין";
        answer_fail: "fail", "avvik", "פסול";
        not_applicable: "not applicable", "ikke aktuelt", "לא רלוונטי";
        /// A text item's answer left empty.
        left_empty: "left empty", "tomt", "ריק";
        /// The marks of the terminal's summary (lined up by their width).
        mark_pass: "pass", "ok", "תקין";
        mark_fail: "FAIL", "AVVIK", "פסול";
        mark_na: "n/a", "i.a.", "ל״ר";
        /// A text answer recorded at the station.
        noted: "noted", "notert", "נרשם";
        /// The verdict of the whole inspection.
        verdict_pass: "PASS", "GODKJENT", "תקין";
        verdict_fail: "FAIL", "AVVIK", "פסול";
        critical_badge: "Critical", "Kritisk", "קריטי";
        critical_mark: "CRITICAL", "KRITISK", "קריטי";
        critical: "critical", "kritisk", "קריטי";
        // The station's form, and the step before it.
        checklists: "Checklists", "Sjekklister", "רשימות תיוג";
        /// After the number of a checklist's items.
        items: "items", "punkter", "סעיפים";
        serial_number: "Serial number", "Serienummer", "מספר סידורי";
        if_it_has_one: "(if the unit has one)", "(hvis enheten har et)", "(אם יש ליחידה)";
        form_language: "Language of the form", "Skjemaets språk", "שפת הטופס";
        start: "Start", "Start", "התחלה";
        /// Beside a photo kept with an answer.
        keep: "Keep", "Behold", "לשמור";
        /// The alternative text of a photo, before the item's prompt.
        photo_for: "Photo for", "Bilde til", "תמונה עבור";
        how_to_check: "How to check", "Slik kontrollerer du", "איך בודקים";
        note: "Note", "Merknad", "הערה";
        /// The note box's label for screen readers, before the prompt.
        note_on: "Note on", "Merknad til", "הערה על";
        add_photo: "Add a photo", "Legg til et bilde", "הוספת תמונה";
        photo: "photo", "bilde", "תמונה";
        review: "Review", "Se over", "סקירה";
        limits: "Limits", "Grenser", "גבולות";
        record: "Confirm and record", "Bekreft og registrer", "אישור ורישום";
        change: "Change answers", "Endre svar", "שינוי תשובות";
        /// After a measured item's limits, where it may be left out.
        or_n: "n if not applicable", "n hvis ikke aktuelt", "n אם לא רלוונטי";
        rev: "Rev", "Rev.", "גרסה";
        lot: "Lot", "Parti", "אצווה";
        serial: "Serial", "Serienr.", "מספר סידורי";
        item_needs_look: "item needs a look", "punkt må ses på", "סעיף דורש בדיקה";
        items_need_look: "items need a look", "punkter må ses på", "סעיפים דורשים בדיקה";
        nothing_recorded_yet: "nothing was recorded yet", "ingenting er registrert ennå", "עדיין לא נרשם דבר";
        item_fails: "item fails", "punkt har avvik", "סעיף נכשל";
        items_fail: "items fail", "punkter har avvik", "סעיפים נכשלו";
        opens_nc: "Recording it opens a nonconformance.", "Når den registreres, åpnes en avviksrapport.", "הרישום יפתח דוח אי-התאמה.";
        every_passes: "Every item passes.", "Alle punktene er godkjent.", "כל הסעיפים תקינים.";
        // What the station's script says on the tablet.
        /// `{when}`: when the answers were kept.
        kept_again: "Your answers for this lot, kept on this tablet since {when}, are filled in again. Nothing was recorded yet.", "Svarene dine for dette partiet, lagret på nettbrettet siden {when}, er fylt inn igjen. Ingenting er registrert ennå.", "התשובות שלך לאצווה זו, שנשמרו בטאבלט מאז {when}, מולאו שוב. עדיין לא נרשם דבר.";
        start_empty: "Start empty", "Start tomt", "התחלה מחדש";
        tap_again: "Tap again to throw the answers away", "Trykk igjen for å kaste svarene", "הקישו שוב כדי למחוק את התשובות";
        one_fewer: "One fewer", "Én færre", "אחד פחות";
        one_more: "One more", "Én til", "אחד יותר";
        /// Beside a measurement as it is typed: `{by}` `{unit}` and
        /// `{side}`, one of the two below with the `{limit}`.
        live_off: "out of spec by {by} {unit} ({side})", "utenfor kravet med {by} {unit} ({side})", "מחוץ למפרט ב-{by} {unit} ({side})";
        live_above: "above {limit}", "over {limit}", "מעל {limit}";
        live_below: "below {limit}", "under {limit}", "מתחת ל-{limit}";
        live_critical_na: "critical: needs a measurement", "kritisk: må måles", "קריטי: נדרשת מדידה";
        live_not_number: "not a number", "ikke et tall", "אינו מספר";
        unreachable: "The server cannot be reached. Your answers are kept on this tablet; trying again every 5 seconds.", "Får ikke kontakt med serveren. Svarene dine er lagret på nettbrettet; prøver igjen hvert 5. sekund.", "אין חיבור לשרת. התשובות שלך שמורות בטאבלט; מנסים שוב כל 5 שניות.";
        // A form whose translation is missing or lags behind.
        /// `{id}`: the checklist; `{language}`: the code asked for (a
        /// language with its own words names itself instead).
        untranslated: "{id} has no translation into `{language}` in force; it is shown as written", "{id} har ingen gjeldende oversettelse til norsk ennå; den vises slik den er skrevet", "ל-{id} אין עדיין תרגום לעברית בתוקף; הרשימה מוצגת כפי שנכתבה";
        /// `{follows}`: the source revision translated; `{in_force}`.
        follows_older: "this translation follows {id} revision {follows}; revision {in_force} is in force, and items that changed may read differently", "denne oversettelsen følger {id} revisjon {follows}; revisjon {in_force} gjelder, og punkter som er endret, kan lyde annerledes", "תרגום זה עוקב אחר {id} גרסה {follows}; גרסה {in_force} בתוקף, וסעיפים שהשתנו עשויים להיות מנוסחים אחרת";
        // The terminal's form.
        /// `{id} {title}`, `{rev}`, `{lot}`, `{serial}` (from [`Form::serial_part`] or
        /// nothing), `{inspector}`.
        header: "{id} {title} (rev {rev}), lot {lot}{serial}, inspector {inspector}", "{id} {title} (rev. {rev}), parti {lot}{serial}, kontrollør {inspector}", "{id} {title} (גרסה {rev}), אצווה {lot}{serial}, בודק {inspector}";
        serial_part: ", serial {serial}", ", serienr. {serial}", ", מספר סידורי {serial}";
        how_to_answer: "Answer p (pass), f (fail) or n (not applicable); a number for measurements; the option number for choices. Add a note with `! text`, go back with `b`, quit without recording with `q` or Ctrl-C. Every answer is shown again, to check and change, before it is recorded.", "Svar p (godkjent), f (avvik) eller n (ikke aktuelt); et tall for målinger; alternativets nummer for valg. Skriv en merknad med `! tekst`, gå tilbake med `b`, avslutt uten å registrere med `q` eller Ctrl-C. Alle svarene vises igjen, så du kan kontrollere og endre dem, før noe blir registrert.", "ענו p (תקין), f (פסול) או n (לא רלוונטי); מספר למדידות; מספר האפשרות לבחירות. הוסיפו הערה עם `! טקסט`, חזרו אחורה עם `b`, צאו בלי לרשום עם `q` או Ctrl-C. כל התשובות מוצגות שוב, לבדיקה ולשינוי, לפני שהן נרשמות.";
        how: "How:", "Slik:", "איך:";
        options: "Options (type the number):", "Alternativer (skriv nummeret):", "אפשרויות (הקלידו את המספר):";
        /// After an option that fails.
        fails: "fails", "avvik", "פסול";
        text: "Text:", "Tekst:", "טקסט:";
        text_required: "required; a critical item cannot be left empty.", "må fylles ut; et kritisk punkt kan ikke stå tomt.", "חובה; סעיף קריטי אינו יכול להישאר ריק.";
        text_optional: "press Enter to leave it empty.", "trykk Enter for å la det stå tomt.", "הקישו Enter כדי להשאיר ריק.";
        spec: "Spec:", "Krav:", "מפרט:";
        now: "Now:", "Nå:", "כעת:";
        /// `{now}`: the answer given before.
        now_text: "{now}. Type a new answer, or b to keep this one.", "{now}. Skriv et nytt svar, eller b for å beholde dette.", "{now}. הקלידו תשובה חדשה, או b כדי להשאיר אותה.";
        note_removed: "note removed; now the result", "merknaden er fjernet; nå resultatet", "ההערה הוסרה; עכשיו התוצאה";
        noted_now: "noted; now the result", "notert; nå resultatet", "ההערה נרשמה; עכשיו התוצאה";
        /// `{problem}`: what is wrong with an answer.
        try_again: "{problem}; try again", "{problem}; prøv igjen", "{problem}; נסו שוב";
        /// `{max}`: the largest count that passes.
        more_than: "more than {max}", "mer enn {max}", "יותר מ-{max}";
        /// Before a note in the summary.
        note_said: "note", "merknad", "הערה";
        verdict: "Verdict", "Resultat", "תוצאה";
        /// `{n}`: how many.
        one_failed: "{n} item failed", "{n} punkt med avvik", "סעיף אחד נכשל";
        many_failed: "{n} items failed", "{n} punkter med avvik", "{n} סעיפים נכשלו";
        check_answers: "Check the answers before they are recorded:", "Kontroller svarene før de blir registrert:", "בדקו את התשובות לפני שהן נרשמות:";
        record_prompt: "Record this inspection? y, n, or an item's number to change it: ", "Registrere denne kontrollen? y, n eller nummeret på et punkt for å endre det: ", "לרשום את הבדיקה? y, n, או מספר סעיף כדי לשנות אותו: ";
        /// `{input}`: what was typed; `{n}`: the number of items.
        record_help: "`{input}`: type y to record it, n to leave without recording, or a number from 1 to {n} to change that answer", "`{input}`: skriv y for å registrere, n for å avslutte uten å registrere, eller et tall fra 1 til {n} for å endre det svaret", "`{input}`: הקלידו y כדי לרשום, n כדי לצאת בלי לרשום, או מספר מ-1 עד {n} כדי לשנות את התשובה";
        /// `{at}` of `{of}` items.
        quit_at: "Quit at item {at} of {of}", "Avsluttet ved punkt {at} av {of}", "יציאה בסעיף {at} מתוך {of}";
        input_ended: "The input ended at item {at} of {of}", "Inndataene sluttet ved punkt {at} av {of}", "הקלט הסתיים בסעיף {at} מתוך {of}";
        not_confirmed: "Not confirmed", "Ikke bekreftet", "לא אושר";
        /// `{why}`: one of the three above.
        nothing_recorded: "{why}: nothing was recorded.", "{why}: ingenting ble registrert.", "{why}: דבר לא נרשם.";
        interrupted: "Interrupted: nothing was recorded.", "Avbrutt: ingenting ble registrert.", "הופסק: דבר לא נרשם.";
        /// `{name}`, `{checklist}`, `{rev}`, `{verdict}`, `{opened}` (from
        /// [`Form::opened`] or nothing).
        recorded: "Recorded {name} against {checklist} rev {rev}: {verdict}{opened}", "Registrerte {name} etter {checklist} rev. {rev}: {verdict}{opened}", "נרשמה {name} לפי {checklist} גרסה {rev}: {verdict}{opened}";
        opened: "; opened {nc}", "; åpnet {nc}", "; נפתח {nc}";
        // An answer against its item.
        in_spec: "in spec", "innenfor kravet", "בתחום המפרט";
        /// `{by}` `{unit}` beyond the limit `{limit}`.
        above: "out of spec: {by} {unit} above the upper limit {limit}", "utenfor kravet: {by} {unit} over øvre grense {limit}", "מחוץ למפרט: {by} {unit} מעל הגבול העליון {limit}";
        below: "out of spec: {by} {unit} below the lower limit {limit}", "utenfor kravet: {by} {unit} under nedre grense {limit}", "מחוץ למפרט: {by} {unit} מתחת לגבול התחתון {limit}";
        // What an answer that does not fit its item is told. `{item}` is
        // the item's id, `{value}` what was typed.
        critical_empty: "`{item}` is critical and cannot be left empty", "`{item}` er kritisk og kan ikke stå tomt", "`{item}` קריטי ואינו יכול להישאר ריק";
        needs_value: "`{item}` needs a value", "`{item}` må ha en verdi", "`{item}` דורש ערך";
        critical_na: "`{item}` is critical and cannot be marked not applicable", "`{item}` er kritisk og kan ikke merkes ikke aktuelt", "`{item}` קריטי ואי אפשר לסמן אותו כלא רלוונטי";
        not_pass_fail: "`{item}` is pass/fail: enter p or f (or n if not applicable), not `{value}`", "`{item}` er godkjent/avvik: skriv p eller f (eller n hvis ikke aktuelt), ikke `{value}`", "`{item}` הוא תקין/פסול: הקלידו p או f (או n אם לא רלוונטי), לא `{value}`";
        /// `{unit}`: the measurement's unit.
        not_number: "`{item}` is a measurement in {unit}: `{value}` is not a number", "`{item}` er en måling i {unit}: `{value}` er ikke et tall", "`{item}` הוא מדידה ב-{unit}: `{value}` אינו מספר";
        /// `{options}`: the options, numbered.
        not_option: "`{item}`: `{value}` is not one of the options ({options})", "`{item}`: `{value}` er ikke ett av alternativene ({options})", "`{item}`: `{value}` אינו אחת מהאפשרויות ({options})";
        not_count: "`{item}` is a count: `{value}` is not a whole number", "`{item}` er et antall: `{value}` er ikke et helt tall", "`{item}` הוא ספירה: `{value}` אינו מספר שלם";
    }
}

phrases! {
    /// The station's own words around the form, in the signed-in person's
    /// language: the header bar, the list of checklists and the page of a
    /// recorded inspection. (The manager's pages are in English.)
    Station {
        station: "Station", "Stasjon", "עמדה";
        manual: "Manual", "Håndbok", "מדריך";
        reading: "Reading", "Lesing", "קריאה";
        manager: "Manager", "Leder", "ניהול";
        sign_out: "Sign out", "Logg ut", "יציאה";
        checklists: "Checklists", "Sjekklister", "רשימות תיוג";
        /// Before the tablet's station, in bold.
        tablet_is: "This tablet is station", "Dette nettbrettet er stasjon", "טאבלט זה הוא עמדה";
        tablet_records_at: "This tablet records at", "Dette nettbrettet registrerer på", "טאבלט זה רושם בעמדה";
        /// After the server's station, in bold.
        the_servers: ", the server's station.", ", serverens stasjon.", ", העמדה של השרת.";
        change_it: "Change it", "Endre", "שינוי";
        station_of_tablet: "Station of this tablet", "Nettbrettets stasjon", "העמדה של טאבלט זה";
        or_another: "Or another station", "Eller en annen stasjon", "או עמדה אחרת";
        its_name: "(its name)", "(navnet)", "(שמה)";
        set_station: "Set this tablet's station", "Sett nettbrettets stasjon", "הגדרת העמדה של הטאבלט";
        /// Before the station's name.
        used_at: "Used at", "Brukt på", "בשימוש בעמדה";
        other_checklists: "Other checklists", "Andre sjekklister", "רשימות תיוג אחרות";
        none_in_force: "No checklist is in force yet. A checklist can be used once it is released and approved.", "Ingen sjekkliste gjelder ennå. En sjekkliste kan brukes når den er utgitt og godkjent.", "עדיין אין רשימת תיוג בתוקף. אפשר להשתמש ברשימת תיוג אחרי שפורסמה ואושרה.";
        rev: "rev", "rev.", "גרסה";
        items: "items", "punkter", "סעיפים";
        critical: "critical", "kritiske", "קריטיים";
        /// Before the roles a checklist is for.
        for_roles: "for", "for", "עבור";
        // A recorded inspection.
        recorded_new: "Recorded.", "Registrert.", "נרשם.";
        recorded_again: "This form had been recorded already; nothing more was recorded.", "Dette skjemaet var allerede registrert; ingenting mer ble registrert.", "טופס זה כבר נרשם; לא נרשם דבר נוסף.";
        voided: "Voided.", "Annullert.", "בוטל.";
        /// Before the nonconformance's number, and after it.
        nc_before: "Nonconformance", "Avviksrapport", "דוח אי-התאמה";
        nc_after: "is open.", "er åpnet.", "נפתח.";
        void: "Void", "Annullert", "מבוטל";
        checklist: "Checklist", "Sjekkliste", "רשימת תיוג";
        lot: "Lot", "Parti", "אצווה";
        serial: "Serial", "Serienr.", "מספר סידורי";
        inspector: "Inspector", "Kontrollør", "בודק";
        recorded: "Recorded", "Registrert", "נרשם";
        next_unit: "Inspect the next unit", "Kontroller neste enhet", "בדיקת היחידה הבאה";
        all_checklists: "All checklists", "Alle sjekklister", "כל רשימות התיוג";
    }
}

phrases! {
    /// A reader's pages at the station, in the signed-in person's
    /// language: their reading list, a document to read and the form that
    /// signs "read and understood". `{language}` is a language's name.
    Reading {
        title: "Reading list", "Leseliste", "רשימת קריאה";
        your_list: "Your reading list", "Din leseliste", "רשימת הקריאה שלכם";
        progress: "{name}: {current} of {required} documents read and understood at the revision in force.", "{name}: {current} av {required} dokumenter lest og forstått i revisjonen som gjelder.", "{name}: {current} מתוך {required} מסמכים נקראו והובנו בגרסה התקפה.";
        read_each: "Read each one and confirm that you read and understood it; your reading path comes first.", "Les hvert av dem og bekreft at du har lest og forstått det; leseløpet ditt kommer først.", "קראו כל אחד מהם ואשרו שקראתם והבנתם אותו; מסלול הקריאה שלכם מופיע ראשון.";
        place: "Place in your reading path", "Plass i leseløpet ditt", "המקום במסלול הקריאה שלכם";
        changed: "changed", "endret", "השתנה";
        new: "new", "ny", "חדש";
        changed_in: "Changed in rev {revision} (in force since {effective}): {summary}. You read rev {read} on {on}.", "Endret i rev. {revision} (gjelder fra {effective}): {summary}. Du leste rev. {read} {on}.", "שונה בגרסה {revision} (בתוקף מ-{effective}): {summary}. קראתם את גרסה {read} ב-{on}.";
        new_due: "New to you: due since {since}.", "Nytt for deg: skal leses fra {since}.", "חדש עבורכם: לקריאה מאז {since}.";
        what_changed: "What changed since rev {read} (lines added: {added}, removed: {removed})", "Hva som er endret siden rev. {read} (linjer lagt til: {added}, fjernet: {removed})", "מה השתנה מאז גרסה {read} (שורות שנוספו: {added}, שהוסרו: {removed})";
        read_and_confirm: "Read and confirm {id}", "Les og bekreft {id}", "קריאה ואישור של {id}";
        nothing: "Nothing to read: you have read and understood everything your roles need.", "Ingenting å lese: du har lest og forstått alt rollene dine krever.", "אין מה לקרוא: קראתם והבנתם את כל מה שהתפקידים שלכם דורשים.";
        confirmed: "You confirmed that you read and understood {id} rev {revision}.", "Du bekreftet at du har lest og forstått {id} rev. {revision}.", "אישרתם שקראתם והבנתם את {id} גרסה {revision}.";
        already: "You had already confirmed {id}.", "Du hadde allerede bekreftet {id}.", "כבר אישרתם את {id}.";
        // A document to read.
        revision: "Revision {revision}: {summary}", "Revisjon {revision}: {summary}", "גרסה {revision}: {summary}";
        read_before: "You read rev {read} on {on}; it has changed since.", "Du leste rev. {read} {on}; det er endret siden.", "קראתם את גרסה {read} ב-{on}; המסמך השתנה מאז.";
        new_to_you: "New to you.", "Nytt for deg.", "חדש עבורכם.";
        confirmed_before: "You confirmed rev {read} on {on}: nothing to sign.", "Du bekreftet rev. {read} {on}: ingenting å signere.", "אישרתם את גרסה {read} ב-{on}: אין מה לחתום.";
        not_yours: "Not for your roles: nothing to sign.", "Ikke for rollene dine: ingenting å signere.", "לא עבור התפקידים שלכם: אין מה לחתום.";
        understood: "Read and understood", "Lest og forstått", "נקרא והובן";
        you_confirm: "You confirm that you read and understood {id} rev {revision}. Your signature asks for your password again.", "Du bekrefter at du har lest og forstått {id} rev. {revision}. Signaturen ber om passordet ditt igjen.", "אתם מאשרים שקראתם והבנתם את {id} גרסה {revision}. החתימה מבקשת שוב את הסיסמה שלכם.";
        your_password: "Your password", "Passordet ditt", "הסיסמה שלכם";
        sign: "Sign: read and understood", "Signer: lest og forstått", "חתימה: נקרא והובן";
        // The document in the reader's language.
        translation_of: "The {language} translation of rev {follows}.", "Oversettelsen til {language} av rev. {follows}.", "התרגום ל{language} של גרסה {follows}.";
        wording_only: "The revisions since changed its wording only.", "Revisjonene siden endret bare ordlyden.", "הגרסאות שמאז שינו רק את הניסוח.";
        read_original: "Read the original", "Les originalen", "קריאת המקור";
        read_translation: "Read it in {language}", "Les den på {language}", "קריאה ב{language}";
        stale: "The {language} translation follows rev {follows}; rev {since} changed the procedure since, so this is the original.", "Oversettelsen til {language} følger rev. {follows}; rev. {since} har endret prosedyren siden, så dette er originalen.", "התרגום ל{language} עוקב אחרי גרסה {follows}; גרסה {since} שינתה את הנוהל מאז, ולכן זה המקור.";
        missing: "{id} has no {language} translation in force, so this is the original.", "{id} har ingen gjeldende oversettelse til {language}, så dette er originalen.", "ל-{id} אין תרגום ל{language} בתוקף, ולכן זה המקור.";
    }
}

/// A reader's words in the language `code`.
pub fn reading(code: Option<&str>) -> Reading {
    Reading::of(Lang::of(code))
}

phrases! {
    /// The sign-in page, in the language the browser asks for
    /// ([`from_browser`]): nobody is signed in yet to have one.
    SignIn {
        title: "Sign in", "Logg inn", "כניסה";
        your_id: "Your id", "Din ID", "מזהה המשתמש שלכם";
        password: "Signing password", "Signeringspassord", "סיסמת חתימה";
        shift: "You stay signed in here for a shift ({hours} hours) or until you sign out.", "Du er logget inn her ett skift ({hours} timer) eller til du logger ut.", "הכניסה כאן נשמרת למשך משמרת ({hours} שעות) או עד שתצאו.";
        idle: "After {idle} minutes without use you are signed out.", "Etter {idle} minutter uten bruk blir du logget ut.", "אחרי {idle} דקות ללא שימוש תתבצע יציאה.";
        signed_with_name: "Everything you record is signed with your name.", "Alt du registrerer, signeres med navnet ditt.", "כל מה שתרשמו נחתם בשמכם.";
        signed_out_idle: "You were signed out after {minutes} minutes without use. Sign in again to go on.", "Du ble logget ut etter {minutes} minutter uten bruk. Logg inn igjen for å fortsette.", "יצאתם מהמערכת אחרי {minutes} דקות ללא שימוש. היכנסו שוב כדי להמשיך.";
        enter_id: "Enter your id, as in sopbook.toml (such as yosef).", "Skriv inn ID-en din, slik den står i sopbook.toml (for eksempel yosef).", "הזינו את המזהה שלכם, כפי שהוא מופיע ב-sopbook.toml (למשל yosef).";
        id_too_long: "An id is at most {limit} characters.", "En ID har høyst {limit} tegn.", "מזהה הוא לכל היותר {limit} תווים.";
    }
}

/// The sign-in page's words in the language `code`.
pub fn sign_in(code: Option<&str>) -> SignIn {
    SignIn::of(Lang::of(code))
}

/// The language sopbook has words of that a browser's `Accept-Language`
/// header prefers (`he-IL,he;q=0.9,en;q=0.8`), by its weights and then its
/// order; `None` where it prefers none of them, or English.
pub fn from_browser(accept: &str) -> Option<&'static str> {
    let mut best: Option<(f32, &'static str)> = None;
    for part in accept.split(',') {
        let mut fields = part.split(';');
        let tag = fields.next().unwrap_or("").trim();
        let weight = fields
            .find_map(|f| f.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite() && *q > 0.0);
        let Some(weight) = weight else { continue };
        let code = match Lang::of(Some(&tag.to_ascii_lowercase())) {
            Lang::Norwegian => "nb",
            Lang::Hebrew => "he",
            Lang::Russian => "ru",
            Lang::Chinese => "zh",
            Lang::English if tag.to_ascii_lowercase().starts_with("en") => "en",
            Lang::English => continue,
        };
        if best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, code));
        }
    }
    best.map(|(_, code)| code).filter(|code| *code != "en")
}

phrases! {
    /// The terminal's question for a signing password, in the signer's
    /// language, and the steps it is asked for (an unknown step is said as
    /// the operation names it).
    Signing {
        password_for: "Password for {name} ({id}) to sign: {step} {record}: ", "Passord for {name} ({id}) for å signere: {step} {record}: ", "סיסמה של {name} ({id}) לחתימה: {step} {record}: ";
        inspect: "inspect", "kontroll", "בדיקה";
        void: "void", "annullering", "ביטול";
        approve: "approve", "godkjenning", "אישור";
        reject: "reject", "avvisning", "דחייה";
        read_and_understood: "read-and-understood", "lest og forstått", "נקרא והובן";
        disposition: "disposition", "disponering", "החלטה על המוצר";
        corrective_action: "corrective action", "korrigerende tiltak", "פעולה מתקנת";
        close: "close", "lukking", "סגירה";
        sign_in: "sign in", "innlogging", "כניסה";
        reset: "reset", "tilbakestilling", "איפוס";
        approve_reduced: "approve reduced inspection", "godkjenning av redusert kontroll", "אישור בדיקה מופחתת";
    }
}

impl Signing {
    /// The step `attempted` (as an operation names it) in these words.
    pub fn step<'a>(&self, attempted: &'a str) -> &'a str {
        match attempted {
            "inspect" => self.inspect,
            "void" => self.void,
            "approve" => self.approve,
            "reject" => self.reject,
            "read-and-understood" => self.read_and_understood,
            "disposition" => self.disposition,
            "corrective action" => self.corrective_action,
            "close" => self.close,
            "sign in" => self.sign_in,
            "reset" => self.reset,
            "approve reduced inspection" => self.approve_reduced,
            other => other,
        }
    }
}

/// The password question's words in the language `code`.
pub fn signing(code: Option<&str>) -> Signing {
    Signing::of(Lang::of(code))
}

phrases! {
    /// The manager's pages at the station, in the signed-in person's
    /// language: the manager's page (yield, open nonconformances, defects,
    /// charts, reviews due), the documents in review and the signing of
    /// one, a nonconformance and its steps, and the training matrix. What
    /// the workspace writes (titles, summaries, notes) shows as written.
    Manage {
        title: "Manager", "Leder", "ניהול";
        station: "Station", "Stasjon", "עמדה";
        today_is: "today is {day} (the server's time zone)", "i dag er {day} (serverens tidssone)", "היום {day} (לפי אזור הזמן של השרת)";
        week_started: "the week started on Monday {since}", "uken begynte mandag {since}", "השבוע התחיל ביום שני {since}";
        documents_in_review: "Documents in review", "Dokumenter til godkjenning", "מסמכים לאישור";
        training: "Training", "Opplæring", "הדרכה";
        fpy: "First-pass yield", "Godkjent første gang", "תפוקה במעבר ראשון";
        fpy_aside: "Units that passed their first inspection, of units inspected for the first time; re-inspections and void inspections are left out.", "Enheter som besto første kontroll, av enheter kontrollert for første gang; nye kontroller og annullerte kontroller er holdt utenfor.", "יחידות שעברו את הבדיקה הראשונה שלהן, מתוך היחידות שנבדקו לראשונה; בדיקות חוזרות ובדיקות שבוטלו אינן נכללות.";
        today_station: "Today, this station", "I dag, denne stasjonen", "היום, בעמדה זו";
        today_plant: "Today, the plant", "I dag, hele fabrikken", "היום, בכל המפעל";
        week_station: "This week, this station", "Denne uken, denne stasjonen", "השבוע, בעמדה זו";
        week_plant: "This week, the plant", "Denne uken, hele fabrikken", "השבוע, בכל המפעל";
        passed_first: "{passed} of {first} passed first time", "{passed} av {first} godkjent første gang", "{passed} מתוך {first} עברו בפעם הראשונה";
        open_ncs: "Open nonconformances ({n})", "Åpne avvik ({n})", "דוחות אי-התאמה פתוחים ({n})";
        open_ncs_crumb: "Open nonconformances", "Åpne avvik", "דוחות אי-התאמה פתוחים";
        nc: "NC", "Avvik", "אי-התאמה";
        checklist: "Checklist", "Sjekkliste", "רשימת תיוג";
        lot: "Lot", "Parti", "אצווה";
        serial: "Serial", "Serienr.", "מספר סידורי";
        opened: "Opened", "Åpnet", "נפתח";
        age_days: "Age (days)", "Alder (dager)", "גיל (ימים)";
        next_step: "Next step", "Neste steg", "השלב הבא";
        no_open: "No nonconformance is open.", "Ingen avvik er åpne.", "אין דוח אי-התאמה פתוח.";
        pareto: "Defects (Pareto)", "Feil (Pareto)", "פגמים (פארטו)";
        pareto_aside: "Failed items over all records, most failures first: {fails} failures of {items} items.", "Punkter med avvik i alle registreringer, flest avvik først: {fails} avvik på {items} punkter.", "סעיפים שנכשלו בכל הרשומות, הנפוצים ביותר תחילה: {fails} כשלים ב-{items} סעיפים.";
        item: "Item", "Punkt", "סעיף";
        fails: "Fails", "Avvik", "כשלים";
        share: "Share", "Andel", "שיעור";
        cumulative: "Cumulative", "Kumulativt", "מצטבר";
        no_fail: "No item has failed.", "Ingen punkter har avvik.", "אף סעיף לא נכשל.";
        charts: "Charts", "Diagrammer", "תרשימים";
        no_charts: "No inspections yet, so no charts.", "Ingen kontroller ennå, så ingen diagrammer.", "עדיין אין בדיקות, ולכן אין תרשימים.";
        due_by: "Reviews due by {date}", "Gjennomganger som forfaller innen {date}", "סקירות שמועדן עד {date}";
        document: "Document", "Dokument", "מסמך";
        title_col: "Title", "Tittel", "כותרת";
        owner: "Owner", "Eier", "בעלים";
        due: "Due", "Forfaller", "מועד";
        days_overdue: "Days (minus: overdue)", "Dager (minus: forfalt)", "ימים (מינוס: באיחור)";
        days: "Days", "Dager", "ימים";
        none_due: "No document is due for review before {date}.", "Ingen dokumenter skal gjennomgås før {date}.", "אין מסמך שמועד הסקירה שלו לפני {date}.";
        // The documents in review.
        in_review_n: "Documents in review ({n})", "Dokumenter til godkjenning ({n})", "מסמכים לאישור ({n})";
        /// Backticks mark a command, shown as code.
        in_review_aside: "Revisions and retirements waiting for approval, as `sopbook status` shows them. Open one to see what it changes and to approve or reject it.", "Revisjoner og utfasinger som venter på godkjenning, slik `sopbook status` viser dem. Åpne en for å se hva den endrer, og for å godkjenne eller avvise den.", "גרסאות והוצאות משימוש שממתינות לאישור, כפי ש-`sopbook status` מציג אותן. פתחו אחת כדי לראות מה היא משנה ולאשר או לדחות אותה.";
        retire: "Retire: {summary}", "Utfases: {summary}", "הוצאה משימוש: {summary}";
        editorial_note: "(editorial)", "(redaksjonell)", "(עריכה בלבד)";
        requested_line: "Requested by {by} on {at} · {count} of {required} approvals", "Bedt om av {by} {at} · {count} av {required} godkjenninger", "התבקש על ידי {by} ב-{at} · {count} מתוך {required} אישורים";
        may_approve: "You may approve it", "Du kan godkjenne den", "באפשרותכם לאשר";
        may_reject: "You may reject it", "Du kan avvise den", "באפשרותכם לדחות";
        for_approvers: "For approvers: {roles}", "For godkjennere: {roles}", "למאשרים: {roles}";
        nothing_in_review: "Nothing is in review.", "Ingenting venter på godkjenning.", "אין דבר שממתין לאישור.";
        approved_done: "Your approval of {id} is signed.", "Godkjenningen din av {id} er signert.", "האישור שלכם ל-{id} נחתם.";
        rejected_done: "{id} was rejected and goes back to its author.", "{id} ble avvist og går tilbake til forfatteren.", "{id} נדחה וחוזר לכותב שלו.";
        /// Between two roles, as in "quality-manager or supervisor".
        or: "or", "eller", "או";
        // One document in review.
        reason: "Reason", "Begrunnelse", "סיבה";
        change: "Change", "Endring", "שינוי";
        editorial: "editorial", "redaksjonell", "עריכה בלבד";
        requested: "Requested", "Bedt om", "התבקש";
        by_on: "by {by} on {at}", "av {by} {at}", "על ידי {by} ב-{at}";
        in_force: "In force", "Gjelder", "בתוקף";
        rev_n: "rev {n}", "rev. {n}", "גרסה {n}";
        nothing_yet: "nothing yet", "ingenting ennå", "עדיין כלום";
        effective: "Effective", "Gjelder fra", "בתוקף מ";
        from_once: "from {date} once approved", "fra {date} når den er godkjent", "מ-{date} לאחר האישור";
        approvals: "Approvals", "Godkjenninger", "אישורים";
        approvals_of: "{count} of {required}", "{count} av {required}", "{count} מתוך {required}";
        approvers: "(approvers: {roles})", "(godkjennere: {roles})", "(מאשרים: {roles})";
        what_it_changes: "What it changes", "Hva den endrer", "מה הוא משנה";
        retire_effect: "Once approved, {id} is obsolete: it leaves the manual and nobody inspects with it or must read it.", "Når den er godkjent, er {id} utgått: den forsvinner fra håndboken, og ingen kontrollerer etter den eller må lese den.", "לאחר האישור {id} יוצא משימוש: הוא יוצא מהמדריך, ואיש אינו בודק לפיו או חייב לקרוא אותו.";
        against: "{new} against {old}, the revision in force", "{new} mot {old}, revisjonen som gjelder", "{new} מול {old}, הגרסה התקפה";
        first_revision: "{new} is the first revision: all of it is new", "{new} er første revisjon: alt er nytt", "{new} היא הגרסה הראשונה: הכול חדש";
        lines: "(lines added: {added}, removed: {removed}).", "(linjer lagt til: {added}, fjernet: {removed}).", "(שורות שנוספו: {added}, שהוסרו: {removed}).";
        same_text: "The text is the same as the revision in force.", "Teksten er den samme som i revisjonen som gjelder.", "הטקסט זהה לגרסה התקפה.";
        working_changed: "The working file of {id} has changed since this was released, so it cannot be approved as it is: reject it (and release the new text), or undo the edits.", "Arbeidsfilen til {id} er endret siden dette ble utgitt, så det kan ikke godkjennes slik det er: avvis det (og utgi den nye teksten), eller angre endringene.", "קובץ העבודה של {id} השתנה מאז שפורסם, ולכן אי אפשר לאשר אותו כפי שהוא: דחו אותו (ופרסמו את הטקסט החדש), או בטלו את השינויים.";
        sign: "Sign", "Signer", "חתימה";
        each_signature: "Each signature asks for your password again.", "Hver signatur ber om passordet ditt igjen.", "כל חתימה מבקשת שוב את הסיסמה שלכם.";
        approve: "Approve", "Godkjenn", "אישור";
        you_approve: "You approve {record} as shown above.", "Du godkjenner {record} slik det er vist ovenfor.", "אתם מאשרים את {record} כפי שהוא מוצג למעלה.";
        your_password: "Your password", "Passordet ditt", "הסיסמה שלכם";
        sign_approve: "Sign and approve {record}", "Signer og godkjenn {record}", "חתימה ואישור של {record}";
        reject: "Reject", "Avvis", "דחייה";
        why_back: "Why it goes back to its author", "Hvorfor det går tilbake til forfatteren", "למה הוא חוזר לכותב";
        sign_reject: "Sign and reject {record}", "Signer og avvis {record}", "חתימה ודחייה של {record}";
        you_requested: "You requested it, so another approver must sign.", "Du ba om den, så en annen godkjenner må signere.", "אתם ביקשתם אותו, ולכן מאשר אחר צריך לחתום.";
        approvers_hold: "Approvers of {id} hold the role {roles}.", "Godkjennere av {id} har rollen {roles}.", "מאשרי {id} הם בעלי התפקיד {roles}.";
        you_approved: "You have approved it.", "Du har godkjent den.", "כבר אישרתם אותו.";
        translation_approver: "{id} is a translation; its approver reads its language.", "{id} er en oversettelse; godkjenneren leser språket.", "{id} הוא תרגום; המאשר שלו קורא את השפה שלו.";
        file_changed: "Its file has changed since it was released, so it cannot be approved as it is; reject it, or undo the edits.", "Filen er endret siden den ble utgitt, så den kan ikke godkjennes slik den er; avvis den, eller angre endringene.", "הקובץ שלו השתנה מאז שפורסם, ולכן אי אפשר לאשר אותו כפי שהוא; דחו אותו, או בטלו את השינויים.";
        // A nonconformance.
        status_open: "open", "åpen", "פתוח";
        status_dispositioned: "dispositioned", "disponert", "הוחלט על המוצר";
        status_closed: "closed", "lukket", "סגור";
        next: "Next:", "Neste:", "הבא:";
        next_disposition: "disposition", "disponering", "החלטה על המוצר";
        next_reinspection: "re-inspection after rework", "ny kontroll etter omarbeiding", "בדיקה חוזרת אחרי תיקון";
        next_close: "close", "lukking", "סגירה";
        next_nothing: "nothing (closed)", "ingenting (lukket)", "כלום (סגור)";
        failed: "Failed", "Avvik", "נכשל";
        inspection: "Inspection", "Kontroll", "בדיקה";
        days_ago: "({n} days ago)", "(for {n} dager siden)", "(לפני {n} ימים)";
        disposition: "Disposition", "Disponering", "החלטה על המוצר";
        steps: "Steps", "Steg", "שלבים";
        by: "by {signer}", "av {signer}", "על ידי {signer}";
        changes_sop: "changes {sop}", "endrer {sop}", "משנה את {sop}";
        no_new_revision: "no new revision effective yet", "ingen ny revisjon gjelder ennå", "עדיין אין גרסה חדשה בתוקף";
        void: "void", "annullert", "מבוטל";
        pass: "pass", "godkjent", "תקין";
        fail: "fail", "avvik", "פסול";
        no_step: "No step yet.", "Ingen steg ennå.", "עדיין אין שלבים.";
        reinspection: "Re-inspection", "Ny kontroll", "בדיקה חוזרת";
        reinspect_heading: "Re-inspection after rework", "Ny kontroll etter omarbeiding", "בדיקה חוזרת אחרי תיקון";
        /// Before the lot, in bold.
        inspect_lot: "Inspect lot", "Kontroller parti", "בדקו את אצווה";
        /// Before the serial number, in bold.
        serial_before: ", serial", ", serienr.", ", מספר סידורי";
        /// After the serial number, in bold.
        serial_after: ",", ",", ",";
        /// After the lot (or the serial number and a comma).
        again_with: "again with {checklist}, as a re-inspection of {inspection}. Once it passes, {id} can be closed.", "på nytt med {checklist}, som ny kontroll av {inspection}. Når den er godkjent, kan {id} lukkes.", "שוב לפי {checklist}, כבדיקה חוזרת של {inspection}. כשהיא עוברת, אפשר לסגור את {id}.";
        reinspect: "Re-inspect", "Kontroller på nytt", "בדיקה חוזרת";
        sign_next: "Sign the next step", "Signer neste steg", "חתימה על השלב הבא";
        what_happens: "What happens to the product", "Hva som skjer med produktet", "מה קורה למוצר";
        disp_rework: "rework", "omarbeiding", "תיקון";
        disp_scrap: "scrap", "kassering", "גריטה";
        disp_use_as_is: "use-as-is", "bruk som det er", "שימוש כמות שהוא";
        disp_return: "return-to-supplier", "retur til leverandør", "החזרה לספק";
        disp_sort: "sort", "sortering", "מיון";
        note: "Note", "Merknad", "הערה";
        optional: "(optional)", "(valgfritt)", "(לא חובה)";
        sign_disposition: "Sign the disposition", "Signer disponeringen", "חתימה על ההחלטה";
        close: "Close", "Lukk", "סגירה";
        sign_close: "Sign and close {id}", "Signer og lukk {id}", "חתימה וסגירה של {id}";
        corrective_action: "Corrective action", "Korrigerende tiltak", "פעולה מתקנת";
        what_done: "What is done so that it does not happen again", "Hva som gjøres for at det ikke skal skje igjen", "מה נעשה כדי שזה לא יקרה שוב";
        sop_it_changes: "SOP it changes", "SOP-en det endrer", "ה-SOP שהיא משנה";
        if_any: "(if any, e.g. QC-004)", "(om noen, f.eks. QC-004)", "(אם יש, למשל QC-004)";
        sign_action: "Sign the corrective action", "Signer det korrigerende tiltaket", "חתימה על הפעולה המתקנת";
        not_allowed: "Your roles may not sign: {steps} (see [permissions] in sopbook.toml).", "Rollene dine kan ikke signere: {steps} (se [permissions] i sopbook.toml).", "התפקידים שלכם אינם רשאים לחתום: {steps} (ראו [permissions] ב-sopbook.toml).";
        disposition_signed: "Disposition signed.", "Disponeringen er signert.", "ההחלטה על המוצר נחתמה.";
        action_signed: "Corrective action signed.", "Det korrigerende tiltaket er signert.", "הפעולה המתקנת נחתמה.";
        closed: "Closed.", "Lukket.", "נסגר.";
        // The training matrix.
        /// Backticks mark a command, shown as code.
        training_aside: "Who has read and understood the documents in force their roles need, as `sopbook training` shows it:", "Hvem som har lest og forstått dokumentene som gjelder og som rollene deres krever, slik `sopbook training` viser det:", "מי קרא והבין את המסמכים התקפים שהתפקידים שלו דורשים, כפי ש-`sopbook training` מציג זאת:";
        current: "current", "oppdatert", "עדכני";
        current_means: "(read at this revision, or one whose later changes were editorial),", "(lest i denne revisjonen, eller i en der senere endringer var redaksjonelle),", "(נקרא בגרסה זו, או בגרסה שהשינויים שאחריה היו עריכה בלבד),";
        outdated: "outdated", "utdatert", "לא עדכני";
        outdated_means: "(a substantive revision took effect since) or", "(en vesentlig revisjon har trådt i kraft siden) eller", "(מאז נכנסה לתוקף גרסה מהותית) או";
        missing: "missing", "mangler", "חסר";
        missing_means: "(never read).", "(aldri lest).", "(לא נקרא מעולם).";
        person: "Person", "Person", "אדם";
        everyone: "Everyone", "Alle", "כולם";
        role: "Role", "Rolle", "תפקיד";
        every_role: "Every role", "Alle roller", "כל התפקידים";
        every_document: "Every document", "Alle dokumenter", "כל המסמכים";
        show: "Show", "Vis", "הצגה";
        download_csv: "Download CSV", "Last ned CSV", "הורדת CSV";
        compliance: "Compliance", "Etterlevelse", "עמידה בדרישות";
        name: "Name", "Navn", "שם";
        current_col: "Current", "Oppdatert", "עדכני";
        of_col: "Of", "Av", "מתוך";
        behind: "(behind)", "(på etterskudd)", "(בפיגור)";
        nobody: "Nobody here.", "Ingen her.", "אין כאן איש.";
        documents_n: "Documents ({n})", "Dokumenter ({n})", "מסמכים ({n})";
        rev: "Rev", "Rev.", "גרסה";
        state: "State", "Status", "מצב";
        read_rev: "Read rev", "Lest rev.", "גרסה שנקראה";
        read_on: "Read on", "Lest", "נקרא ב";
        due_since: "Due since", "Skal leses fra", "לקריאה מאז";
        nobody_must: "Nobody here must read any document in force.", "Ingen her må lese noe dokument som gjelder.", "אף אחד כאן אינו חייב לקרוא מסמך תקף.";
        // A page that went wrong.
        for_whoever_runs: "For whoever runs sopbook", "For den som drifter sopbook", "למי שמפעיל את sopbook";
        sign_in: "Sign in", "Logg inn", "כניסה";
        back_to_checklists: "Back to the checklists", "Tilbake til sjekklistene", "חזרה לרשימות התיוג";
    }
}

/// The manager's words in the language `code`.
pub fn manage(code: Option<&str>) -> Manage {
    Manage::of(Lang::of(code))
}

/// The station's words in the language `code`.
pub fn station(code: Option<&str>) -> Station {
    Station::of(Lang::of(code))
}

/// The words of an inspection form in the language `code`.
pub fn form(code: Option<&str>) -> Form {
    Form::of(Lang::of(code))
}

/// What the station's script says on a form's page, for its
/// `data-words` attribute.
#[derive(Debug, Clone, Serialize)]
pub struct Script {
    pub in_spec: &'static str,
    pub not_applicable: &'static str,
    pub live_off: &'static str,
    pub live_above: &'static str,
    pub live_below: &'static str,
    pub live_critical_na: &'static str,
    pub live_not_number: &'static str,
    pub kept_again: &'static str,
    pub start_empty: &'static str,
    pub tap_again: &'static str,
    pub one_fewer: &'static str,
    pub one_more: &'static str,
    pub unreachable: &'static str,
}

impl From<Form> for Script {
    fn from(w: Form) -> Script {
        Script {
            in_spec: w.in_spec,
            not_applicable: w.not_applicable,
            live_off: w.live_off,
            live_above: w.live_above,
            live_below: w.live_below,
            live_critical_na: w.live_critical_na,
            live_not_number: w.live_not_number,
            kept_again: w.kept_again,
            start_empty: w.start_empty,
            tap_again: w.tap_again,
            one_fewer: w.one_fewer,
            one_more: w.one_more,
            unreachable: w.unreachable,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_language_is_found_by_its_code_and_english_stands_in_for_the_rest() {
        assert_eq!(Lang::of(Some("he")), Lang::Hebrew);
        assert_eq!(Lang::of(Some("he-IL")), Lang::Hebrew);
        assert_eq!(Lang::of(Some("nn")), Lang::Norwegian);
        assert_eq!(Lang::of(None), Lang::English);
        assert_eq!(form(Some("he")).pass, "תקין");
        assert_eq!(form(Some("nb")).review, "Se over");
        assert_eq!(form(Some("de")).fail, "Fail");
        assert_eq!(Lang::of(Some("zh-TW")), Lang::Chinese);
        assert_eq!(Lang::of(Some("ru")), Lang::Russian);
    }

    #[test]
    fn the_sign_in_page_speaks_the_language_the_browser_prefers() {
        assert_eq!(
            from_browser("he-IL,he;q=0.9,en-US;q=0.8,en;q=0.7"),
            Some("he")
        );
        assert_eq!(from_browser("nb-NO,nb;q=0.9"), Some("nb"));
        assert_eq!(from_browser("no"), Some("nb"));
        assert_eq!(from_browser("en-GB,en;q=0.9,nb;q=0.8"), None);
        assert_eq!(from_browser("de-DE,de;q=0.9,he;q=0.5"), Some("he"));
        assert_eq!(from_browser("en;q=0.5,he;q=0.9"), Some("he"));
        assert_eq!(from_browser("he;q=0,nb;q=0.1"), Some("nb"));
        assert_eq!(from_browser("*"), None);
        assert_eq!(from_browser(""), None);
        assert_eq!(from_browser("he;q=abc,;;,=,nb;q=NaN"), None);
    }

    #[test]
    fn marks_are_filled_in_one_pass_and_values_are_not_read_for_marks() {
        assert_eq!(
            fill(
                "`{item}` is `{value}`",
                &[("item", "a"), ("value", "{item}")]
            ),
            "`a` is `{item}`"
        );
        assert_eq!(fill("{ {x} {y", &[("x", "1")]), "{ 1 {y");
        assert_eq!(fill("}{", &[]), "}{");
        assert_eq!(fill("ä{x}ö", &[("x", "ü")]), "äüö");
    }

    /// The `{marks}` of a phrase, sorted.
    pub(crate) fn marks(s: &str) -> Vec<String> {
        let mut found: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(m, _)| m.to_string()))
            .collect();
        found.sort();
        found
    }

    /// Every phrase of every language has only marks its English has, so
    /// that nothing is left unfilled; and all of them, but where a
    /// language says the same in its own words (which language it is, one
    /// item).
    #[test]
    fn every_translation_has_the_marks_of_its_english() {
        fn check<T: Serialize>(english: T, others: [T; 4], loose: &[&str]) {
            let as_map = |f: &T| match serde_json::to_value(f) {
                Ok(serde_json::Value::Object(m)) => m,
                other => panic!("{other:?}"),
            };
            let english = as_map(&english);
            for other in &others {
                for (name, text) in as_map(other) {
                    let (Some(en), Some(t)) = (english[&name].as_str(), text.as_str()) else {
                        panic!("{name} is not a phrase");
                    };
                    assert!(!t.is_empty(), "{name} is empty");
                    let (own, english) = (marks(t), marks(en));
                    assert!(own.iter().all(|m| english.contains(m)), "{name}: {t}");
                    if !loose.contains(&name.as_str()) {
                        assert_eq!(own, english, "{name}: {t}");
                    }
                }
            }
        }
        check(
            Form::ENGLISH,
            [Form::NORWEGIAN, Form::HEBREW, Form::RUSSIAN, Form::CHINESE],
            &["one_failed", "untranslated"],
        );
        check(
            Station::ENGLISH,
            [
                Station::NORWEGIAN,
                Station::HEBREW,
                Station::RUSSIAN,
                Station::CHINESE,
            ],
            &[],
        );
        check(
            Reading::ENGLISH,
            [
                Reading::NORWEGIAN,
                Reading::HEBREW,
                Reading::RUSSIAN,
                Reading::CHINESE,
            ],
            &[],
        );
        check(
            SignIn::ENGLISH,
            [
                SignIn::NORWEGIAN,
                SignIn::HEBREW,
                SignIn::RUSSIAN,
                SignIn::CHINESE,
            ],
            &[],
        );
        check(
            Manage::ENGLISH,
            [
                Manage::NORWEGIAN,
                Manage::HEBREW,
                Manage::RUSSIAN,
                Manage::CHINESE,
            ],
            &[],
        );
        check(
            Signing::ENGLISH,
            [
                Signing::NORWEGIAN,
                Signing::HEBREW,
                Signing::RUSSIAN,
                Signing::CHINESE,
            ],
            &[],
        );
        // In English every step is said as the operation names it.
        let en = serde_json::to_value(Signing::ENGLISH).unwrap();
        for (name, text) in en.as_object().unwrap() {
            let text = text.as_str().unwrap();
            if name != "password_for" {
                assert_eq!(Signing::ENGLISH.step(text), text, "{name}");
                assert_ne!(Signing::HEBREW.step(text), text, "{name}");
            }
        }
    }
}
