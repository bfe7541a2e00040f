//! The manual's own words in Russian (the tables are in `mod.rs`).

use super::{Labels, Notes};
use crate::model::IntervalUnit;

impl Notes {
    pub const RUSSIAN: Notes = Notes {
        missing: "Эта страница ещё не переведена. Она показана в оригинале (язык: {source}).",
        stale: "Этот перевод соответствует редакции {follows} документа {id}. С тех пор редакция {changed} внесла изменения: {summary}. Силу имеет {link}.",
        link: "страница в действующей редакции",
        languages: "Языки",
        english_only: "Эта страница на английском языке.",
        draft_unreleased: "Проект: этот документ ещё не выпущен.",
        draft_differs: "Проект: эта рабочая копия отличается от редакции {revision} (действует с {since}); она не утверждена.",
    };
}

impl Labels {
    pub const RUSSIAN: Labels = Labels {
        id: "Код",
        revision: "Редакция",
        effective: "Действует с",
        next_review: "Следующий пересмотр",
        section: "Раздел",
        owner: "Владелец",
        approved_by: "Утверждено",
        applies_to: "Для ролей",
        checklists: "Чек-листы",
        items: "Пункты",
        // After a number: the abbreviation fits any count.
        critical: "критич.",
        procedure: "Процедура",
        filled_in_by: "Заполняет",
        used_in: "Используется в",
        not_released: "не выпущен",
        not_in_force: "не действует",
        every: "каждые",
        translation_follows: "Перевод соответствует редакции",
        none: "нет",
        anyone: "любой сотрудник",
        home: "Главная",
        procedures: "Процедуры",
        forms_and_training: "Формы и обучение",
        reading_paths: "Планы чтения",
        by_role: "По ролям",
        what_changed: "Что изменилось",
        obsolete_documents: "Отменённые документы",
        quality_dashboard: "Показатели качества",
        training_status: "Статус обучения",
        who_must_read: "Кто должен прочитать:",
        everyone_who_works_as: "каждый, кто работает в роли",
        or: "или",
        // "..., читает её, примерно за 10 мин, и подтверждает, ..."
        reads_it_about: ", читает её, примерно за",
        minutes: "мин",
        confirms_read: "и подтверждает, что прочитал и понял её",
        changed_in_revision: "Что изменилось в редакции",
        effective_from: "действует с",
        read_again: "Все, кто читал предыдущую редакцию, должны прочитать эту ещё раз.",
        was_editorial: "содержит только редакционные правки",
        need_not_read_again: "тем, кто читал предыдущую редакцию, перечитывать её не нужно.",
        cross_references: "Перекрёстные ссылки",
        refers_here: "ссылается на эту процедуру",
        revision_history: "История редакций",
        rev: "Ред.",
        change: "Изменение",
        author: "Автор",
        editorial: "редакционное",
        preview_made: "Предварительный просмотр с проектами, создан",
        preview_not_controlled: "Это не контролируемый экземпляр руководства: страницы с пометкой «проект» не утверждены.",
        review: "Пересмотр",
        review_every: "Периодичность пересмотра",
        checklist: "Чек-лист",
        checklists_intro: "Каждый чек-лист печатается как бумажная форма, чтобы пост без экрана мог работать по тому же процессу: откройте чек-лист и нажмите",
        // "ПРОЕКТ, не утверждён (редакция 2 действует)".
        draft_not_approved: "ПРОЕКТ, не утверждён",
        revision_lower: "редакция",
        is_in_force: "действует",
        not_released_head: "Не выпущен",
        print_form: "Печать формы",
        print_form_title: "Печатает только эту форму; на каждом листе — код, редакция и номер страницы",
        print_lot_serial: "Партия ________________   Серийный № ________________",
        print_page: "Стр. ",
        print_of: " из ",
        sampling_by_plan: "Партии проверяются по плану выборочного контроля",
        single_sampling_level: "одноступенчатый план, уровень контроля",
        sampling_severity: "назначает каждой партии её план; вид контроля (нормальный, усиленный, ослабленный) зависит от записанных партий поставщика.",
        lot_size: "Объём партии",
        code_letter: "Код объёма выборки",
        normal: "Нормальный",
        tightened: "Усиленный",
        reduced: "Ослабленный",
        product_lot: "Изделие / партия",
        serial_no: "Серийный №",
        station: "Пост",
        date: "Дата",
        check: "Проверка",
        specification: "Требование",
        result: "Результат",
        critical_item: "критический",
        pass: "годен",
        fail: "не годен",
        pass_all: "ГОДЕН",
        fail_all: "НЕ ГОДЕН",
        max: "макс.",
        nominal: "номинал",
        at_most: "не более",
        write_down: "записать",
        nonconformance_no: "№ отчёта о несоответствии",
        inspected_by: "Контролёр",
        signature: "Подпись",
        checked_by: "Проверил",
        welcome_to: "Добро пожаловать в компанию",
        reading_paths_intro: "У каждой роли есть план чтения: процедуры, которые новый сотрудник в этой роли читает в первую очередь, по порядку. Найдите свою роль и начните сверху.",
        about: "около",
        about_total: "Всего около",
        minutes_in_all: "мин.",
        no_reading_path: "Для этой роли план чтения пока не задан.",
        reading_path: "План чтения:",
        reading_path_intro: "Читайте эти процедуры в указанном порядке. Каждая объясняет, зачем мы это делаем, кто за что отвечает и какие шаги нужно выполнить.",
        // "Весь план займёт около 45 мин чтения (скорость чтения 200 слов/мин)."
        path_takes_about: "Весь план займёт около",
        minutes_to_read_at: "мин чтения (скорость чтения",
        words_a_minute: "слов/мин).",
        confirm_it: "Прочитав процедуру, подтвердите это:",
        on_station_list: "или в списке для чтения на посту.",
        by_role_intro: "Для каждой роли: процедуры, которые к ней относятся, и чек-листы, которые она заполняет.",
        owner_marks: "— так отмечена роль, которая поддерживает процедуру в актуальном состоянии.",
        owner_of: "владелец",
        checklists_to_fill: "Чек-листы для заполнения",
        no_procedure_for_role: "К этой роли пока не относится ни одна процедура.",
        fills_no_checklist: "Эта роль не заполняет чек-листы.",
        // "Редакции, вступившие в силу за последние 30 дн. по состоянию на
        // 2026-11-26, сначала новые."
        changes_in_the: "Редакции, вступившие в силу за последние",
        days_up_to: "дн. по состоянию на",
        newest_first: "сначала новые.",
        read_ones_for_role: "Прочитайте те, что относятся к вашей роли.",
        document: "Документ",
        // "За последние 30 дн. ничего не изменилось."
        nothing_changed_in: "За последние",
        days_end: "дн. ничего не изменилось.",
        obsolete_intro: "Эти документы больше не действуют. Они перечислены здесь, чтобы распечатанный экземпляр, найденный в цеху, можно было опознать как отменённый: не работайте по ним.",
        last_revision: "Последняя редакция",
        obsolete_since: "Отменён с",
        reason: "Причина",
        none_retired: "Ни один документ не отменён.",
        not_found: "Страница не найдена (404)",
        not_found_help: "Такого адреса нет. Воспользуйтесь оглавлением или поиском.",
    };
}

/// The three forms a Russian noun takes after a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plural {
    /// 1, 21, 31, 101 (not 11): "1 месяц", "21 день".
    One,
    /// 2–4, 22–24 (not 12–14): "2 месяца".
    Few,
    /// 0, 5–20, 25–30, 11–14: "12 месяцев".
    Many,
}

fn plural(count: u32) -> Plural {
    match (count % 10, count % 100) {
        (1, r) if r != 11 => Plural::One,
        (2..=4, r) if !(12..=14).contains(&r) => Plural::Few,
        _ => Plural::Many,
    }
}

/// The unit's name after the number `count` ("12 месяцев", "1 год", "2 недели").
pub(super) fn unit(unit: IntervalUnit, count: u32) -> &'static str {
    let [one, few, many] = match unit {
        IntervalUnit::Day => ["день", "дня", "дней"],
        IntervalUnit::Week => ["неделя", "недели", "недель"],
        IntervalUnit::Month => ["месяц", "месяца", "месяцев"],
        IntervalUnit::Year => ["год", "года", "лет"],
    };
    match plural(count) {
        Plural::One => one,
        Plural::Few => few,
        Plural::Many => many,
    }
}

/// "every N units": "каждые 12 месяцев", "каждый год", "каждую неделю",
/// "каждые 2 года". One unit goes without its number; "каждый" agrees with
/// the noun after it, singular after 21, 31, ... ("каждый 21 день").
pub(super) fn every(count: u32, unit: IntervalUnit) -> String {
    let singular = match unit {
        // "неделя" is feminine; the others masculine.
        IntervalUnit::Week => "каждую",
        IntervalUnit::Day | IntervalUnit::Month | IntervalUnit::Year => "каждый",
    };
    let name = match (unit, plural(count)) {
        // After "каждую" the accusative.
        (IntervalUnit::Week, Plural::One) => "неделю",
        _ => self::unit(unit, count),
    };
    match (count, plural(count)) {
        (1, _) => format!("{singular} {name}"),
        (_, Plural::One) => format!("{singular} {count} {name}"),
        _ => format!("каждые {count} {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_takes_the_form_its_number_asks_for() {
        use IntervalUnit::*;
        let cases = [
            (Month, 1, "месяц"),
            (Month, 2, "месяца"),
            (Month, 4, "месяца"),
            (Month, 5, "месяцев"),
            (Month, 6, "месяцев"),
            (Month, 11, "месяцев"),
            (Month, 12, "месяцев"),
            (Month, 14, "месяцев"),
            (Month, 18, "месяцев"),
            (Month, 21, "месяц"),
            (Month, 22, "месяца"),
            (Month, 24, "месяца"),
            (Month, 25, "месяцев"),
            (Month, 36, "месяцев"),
            (Year, 1, "год"),
            (Year, 2, "года"),
            (Year, 5, "лет"),
            (Year, 10, "лет"),
            (Year, 31, "год"),
            (Week, 1, "неделя"),
            (Week, 2, "недели"),
            (Week, 3, "недели"),
            (Week, 13, "недель"),
            (Week, 52, "недели"),
            (Day, 1, "день"),
            (Day, 7, "дней"),
            (Day, 21, "день"),
            (Day, 30, "дней"),
            (Day, 90, "дней"),
            (Day, 101, "день"),
            (Day, 111, "дней"),
            (Day, 112, "дней"),
            (Day, 122, "дня"),
            (Day, 0, "дней"),
        ];
        for (u, count, name) in cases {
            assert_eq!(unit(u, count), name, "{count} {u:?}");
        }
    }

    #[test]
    fn every_agrees_with_its_unit() {
        use IntervalUnit::*;
        assert_eq!(every(12, Month), "каждые 12 месяцев");
        assert_eq!(every(6, Month), "каждые 6 месяцев");
        assert_eq!(every(3, Month), "каждые 3 месяца");
        assert_eq!(every(1, Month), "каждый месяц");
        assert_eq!(every(1, Year), "каждый год");
        assert_eq!(every(2, Year), "каждые 2 года");
        assert_eq!(every(5, Year), "каждые 5 лет");
        assert_eq!(every(1, Week), "каждую неделю");
        assert_eq!(every(2, Week), "каждые 2 недели");
        assert_eq!(every(1, Day), "каждый день");
        assert_eq!(every(30, Day), "каждые 30 дней");
        assert_eq!(every(21, Day), "каждый 21 день");
        assert_eq!(every(21, Week), "каждую 21 неделю");
        assert_eq!(every(11, Month), "каждые 11 месяцев");
    }
}
