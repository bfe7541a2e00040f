//! Review intervals such as "12 months", and time spans typed on the
//! command line such as "30d" (see [`parse_span`]).

use std::fmt;
use std::str::FromStr;

use chrono::{Days, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalUnit {
    Day,
    Week,
    Month,
    Year,
}

/// How often a document must be reviewed: a count and a calendar unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub count: u32,
    pub unit: IntervalUnit,
}

impl Interval {
    /// The date one interval after `from`, clamped to the end of the month
    /// where needed (31 January + 1 month = 28 or 29 February).
    pub fn after(&self, from: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            IntervalUnit::Day => from.checked_add_days(Days::new(self.count.into())),
            IntervalUnit::Week => from.checked_add_days(Days::new(u64::from(self.count) * 7)),
            IntervalUnit::Month => from.checked_add_months(Months::new(self.count)),
            IntervalUnit::Year => from.checked_add_months(Months::new(self.count.checked_mul(12)?)),
        }
    }

    /// The longest review interval `check` accepts, in years: a document
    /// reviewed less often is never reviewed in practice.
    pub const MAX_REVIEW_YEARS: u32 = 10;

    /// Whether this interval is longer than `years` years. Days and weeks
    /// count as longer when they exceed the days of `years` calendar years
    /// with the most leap days (3,653 for 10 years), so "3653 days" passes
    /// and "522 weeks" (3,654 days) does not.
    pub fn longer_than_years(&self, years: u32) -> bool {
        let years = u64::from(years);
        let count = u64::from(self.count);
        let most_days = years * 365 + years.div_ceil(4);
        match self.unit {
            IntervalUnit::Day => count > most_days,
            IntervalUnit::Week => count * 7 > most_days,
            IntervalUnit::Month => count > years * 12,
            IntervalUnit::Year => count > years,
        }
    }

    /// A time span typed on the command line; see [`parse_span`]. (This
    /// module is private, so outside `model` the parser is reached as
    /// `Interval::parse_span`.)
    pub fn parse_span(s: &str) -> Result<Interval, String> {
        parse_span(s)
    }
}

impl FromStr for Interval {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let usage = || {
            format!(
                "`{s}` is not a review interval; write a number and a unit, such as \"12 months\", \"2 years\", \"6 weeks\" or \"90 days\""
            )
        };
        let mut parts = s.split_whitespace();
        let (Some(count), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(usage());
        };
        let too_long = || {
            format!(
                "a review interval of `{s}` is too long: the next review date cannot be computed"
            )
        };
        let count: u32 = match count.parse() {
            Ok(n) => n,
            Err(_) if count.bytes().all(|b| b.is_ascii_digit()) => return Err(too_long()),
            Err(_) => return Err(usage()),
        };
        if count == 0 {
            return Err(format!(
                "a review interval of `{s}` would make the document due at once; use at least 1"
            ));
        }
        let unit = match unit.to_ascii_lowercase().as_str() {
            "day" | "days" => IntervalUnit::Day,
            "week" | "weeks" => IntervalUnit::Week,
            "month" | "months" => IntervalUnit::Month,
            "year" | "years" => IntervalUnit::Year,
            _ => return Err(usage()),
        };
        let interval = Interval { count, unit };
        if interval.after(LATEST_START).is_none() {
            return Err(too_long());
        }
        Ok(interval)
    }
}

/// A review interval must be computable from any date up to this one, so
/// that counts such as "2147483647 years" are refused when read instead of
/// leaving a document with no due date.
const LATEST_START: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");

/// The longest span [`parse_span`] accepts: 100 years, in each unit.
const MAX_SPAN_DAYS: u32 = 36_525;
const MAX_SPAN_WEEKS: u32 = MAX_SPAN_DAYS / 7;
const MAX_SPAN_MONTHS: u32 = 100 * 12;
const MAX_SPAN_YEARS: u32 = 100;

/// A time span typed on the command line (`due --within`): a count and a
/// unit, either short (`30d`, `6w`, `2m`, `1y`) or long as in review
/// intervals (`2 weeks`, `12 months`, `1 year`, `30days`). Letters may be
/// of either case; blanks around the span and between count and unit are
/// allowed. The span must be at least 1 and at most 100 years.
pub fn parse_span(s: &str) -> Result<Interval, String> {
    const FORMS: &str = "write e.g. 30d, 6w, 2m, 1y or \"2 weeks\"";
    let not_a_span = || format!("`{s}` is not a time span; {FORMS}");
    let text = s.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    // The count is ASCII digits, so `digits` is a char boundary.
    let (count, unit) = text.split_at(digits);
    let unit = match unit.trim_start().to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => IntervalUnit::Day,
        "w" | "week" | "weeks" => IntervalUnit::Week,
        "m" | "month" | "months" => IntervalUnit::Month,
        "y" | "year" | "years" => IntervalUnit::Year,
        _ => return Err(not_a_span()),
    };
    if count.is_empty() {
        return Err(not_a_span());
    }
    let too_long = || format!("`{s}` is too long a time span (at most 100 years); {FORMS}");
    let count: u32 = count.parse().map_err(|_| too_long())?;
    if count == 0 {
        return Err(format!(
            "`{s}` is too short a time span (at least 1); {FORMS}"
        ));
    }
    let max = match unit {
        IntervalUnit::Day => MAX_SPAN_DAYS,
        IntervalUnit::Week => MAX_SPAN_WEEKS,
        IntervalUnit::Month => MAX_SPAN_MONTHS,
        IntervalUnit::Year => MAX_SPAN_YEARS,
    };
    if count > max {
        return Err(too_long());
    }
    Ok(Interval { count, unit })
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.unit {
            IntervalUnit::Day => "day",
            IntervalUnit::Week => "week",
            IntervalUnit::Month => "month",
            IntervalUnit::Year => "year",
        };
        let s = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {word}{s}", self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let i: Interval = "12 months".parse().unwrap();
        assert_eq!(
            i,
            Interval {
                count: 12,
                unit: IntervalUnit::Month
            }
        );
        assert_eq!(i.to_string(), "12 months");
        assert_eq!("1 Year".parse::<Interval>().unwrap().to_string(), "1 year");
        assert!("twelve months".parse::<Interval>().is_err());
        assert!("12".parse::<Interval>().is_err());
        assert!("0 days".parse::<Interval>().is_err());
        assert!("12 fortnights".parse::<Interval>().is_err());
    }

    #[test]
    fn longer_than_ten_years_in_every_unit() {
        let longer = |s: &str| {
            s.parse::<Interval>()
                .unwrap()
                .longer_than_years(Interval::MAX_REVIEW_YEARS)
        };
        for s in ["10 years", "120 months", "521 weeks", "3653 days", "1 day"] {
            assert!(!longer(s), "{s}");
        }
        for s in [
            "11 years",
            "121 months",
            "522 weeks",
            "3654 days",
            "1000 years",
        ] {
            assert!(longer(s), "{s}");
        }
        let max = Interval {
            count: u32::MAX,
            unit: IntervalUnit::Week,
        };
        assert!(max.longer_than_years(10));
    }

    #[test]
    fn refuses_intervals_too_long_to_compute() {
        for s in [
            "2147483647 years",
            "4294967295 years",
            "357913942 years",
            "4294967295 months",
            "4294967295 days",
            "4294967295 weeks",
            "300000 years",
            "99999999999 days",
        ] {
            let err = s.parse::<Interval>().unwrap_err();
            assert!(err.contains("too long"), "{s}: {err}");
            assert!(err.contains(s), "{s}: {err}");
        }
        // Long but computable intervals are still read.
        assert_eq!(
            "1000 years".parse::<Interval>().unwrap().to_string(),
            "1000 years"
        );
        let longest_days = (NaiveDate::MAX - LATEST_START).num_days().to_string();
        assert!(format!("{longest_days} days").parse::<Interval>().is_ok());
        let one_more = (NaiveDate::MAX - LATEST_START).num_days() + 1;
        assert!(format!("{one_more} days").parse::<Interval>().is_err());
        // A count that is not a number stays a usage error.
        let err = "-1 years".parse::<Interval>().unwrap_err();
        assert!(err.contains("not a review interval"), "{err}");
    }

    #[test]
    fn span_short_and_long_forms() {
        let span = |count, unit| Ok(Interval { count, unit });
        assert_eq!(parse_span("30d"), span(30, IntervalUnit::Day));
        assert_eq!(parse_span("6w"), span(6, IntervalUnit::Week));
        assert_eq!(parse_span("2m"), span(2, IntervalUnit::Month));
        assert_eq!(parse_span("1y"), span(1, IntervalUnit::Year));
        assert_eq!(parse_span("12 months"), span(12, IntervalUnit::Month));
        assert_eq!(parse_span("2 weeks"), span(2, IntervalUnit::Week));
        assert_eq!(parse_span("1 year"), span(1, IntervalUnit::Year));
        assert_eq!(parse_span("30 days"), span(30, IntervalUnit::Day));
        assert_eq!(parse_span("1 day"), span(1, IntervalUnit::Day));
        assert_eq!(parse_span("  3W \t"), span(3, IntervalUnit::Week));
        assert_eq!(parse_span("2 Weeks"), span(2, IntervalUnit::Week));
        assert_eq!(parse_span("1Y"), span(1, IntervalUnit::Year));
        assert_eq!(parse_span("10 d"), span(10, IntervalUnit::Day));
        assert_eq!(parse_span("5MONTHS"), span(5, IntervalUnit::Month));
        assert_eq!(parse_span("007d"), span(7, IntervalUnit::Day));
        assert_eq!(Interval::parse_span("2m"), parse_span("2m"));
    }

    #[test]
    fn span_rejects_with_the_forms_accepted() {
        let forms = "write e.g. 30d, 6w, 2m, 1y or \"2 weeks\"";
        assert_eq!(
            parse_span("3ä").unwrap_err(),
            format!("`3ä` is not a time span; {forms}")
        );
        for s in [
            "",
            " ",
            "d",
            "30",
            "30x",
            "ä",
            "3ää",
            "äd",
            "30 fortnights",
            "-3d",
            "+3d",
            "3.5d",
            "3 d d",
            "thirty days",
            "1 yr",
            "٣d",
            "3dä",
            "3\u{0}d",
        ] {
            let err = parse_span(s).unwrap_err();
            assert!(
                err.contains("is not a time span") && err.contains(forms),
                "{s:?}: {err}"
            );
        }
        for s in ["0d", "0 weeks", "00y"] {
            let err = parse_span(s).unwrap_err();
            assert!(
                err.contains("too short") && err.contains(forms),
                "{s}: {err}"
            );
        }
        for s in [
            "101y",
            "1201m",
            "5218w",
            "36526d",
            "4294967296d",
            "2147483647 years",
            "99999999999999999999999y",
        ] {
            let err = parse_span(s).unwrap_err();
            assert!(
                err.contains("too long") && err.contains(forms),
                "{s}: {err}"
            );
        }
        // The longest spans accepted.
        assert!(parse_span("100y").is_ok());
        assert!(parse_span("1200m").is_ok());
        assert!(parse_span("5217w").is_ok());
        assert!(parse_span("36525d").is_ok());
    }

    #[test]
    fn month_end_is_clamped() {
        let i: Interval = "1 month".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(i.after(d), NaiveDate::from_ymd_opt(2026, 2, 28));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn unit() -> impl Strategy<Value = IntervalUnit> {
        prop_oneof![
            Just(IntervalUnit::Day),
            Just(IntervalUnit::Week),
            Just(IntervalUnit::Month),
            Just(IntervalUnit::Year),
        ]
    }

    /// Strings near the accepted forms: digits, unit words and letters,
    /// blanks and multibyte characters.
    fn spanish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[0-9]{1,12}",
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just("d".to_string()),
            Just("W".to_string()),
            Just("m".to_string()),
            Just("y".to_string()),
            Just("days".to_string()),
            Just("Months".to_string()),
            Just("year".to_string()),
            Just("ä".to_string()),
            Just("✓".to_string()),
            Just("🙂".to_string()),
            Just("-".to_string()),
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in any::<String>()) {
            let _ = s.parse::<Interval>();
            let _ = parse_span(&s);
        }

        #[test]
        fn parsers_never_panic_on_near_misses(s in spanish()) {
            if let Ok(i) = s.parse::<Interval>() {
                prop_assert!(i.count > 0);
                prop_assert!(i.after(LATEST_START).is_some());
            }
            if let Ok(i) = parse_span(&s) {
                prop_assert!(i.count > 0);
                prop_assert!(i.after(LATEST_START).is_some());
                // A span is also what the review-interval parser reads from its text.
                prop_assert_eq!(i.to_string().parse::<Interval>(), Ok(i));
            }
        }

        #[test]
        fn display_round_trips(count in 1u32..=3_000_000, unit in unit()) {
            let i = Interval { count, unit };
            let text = i.to_string();
            match text.parse::<Interval>() {
                Ok(back) => prop_assert_eq!(back, i),
                // Only an interval that cannot be computed may be refused.
                Err(e) => {
                    prop_assert!(i.after(LATEST_START).is_none(), "{}: {}", text, e);
                    prop_assert!(e.contains("too long"), "{}", e);
                }
            }
            let within_100_years = match unit {
                IntervalUnit::Day => count <= 36_525,
                IntervalUnit::Week => count <= 5_217,
                IntervalUnit::Month => count <= 1_200,
                IntervalUnit::Year => count <= 100,
            };
            let letter = match unit {
                IntervalUnit::Day => "d",
                IntervalUnit::Week => "w",
                IntervalUnit::Month => "m",
                IntervalUnit::Year => "y",
            };
            for typed in [text.clone(), text.to_uppercase(), format!(" {count}{letter} ")] {
                match parse_span(&typed) {
                    Ok(back) => {
                        prop_assert!(within_100_years);
                        prop_assert_eq!(back, i);
                    }
                    Err(e) => {
                        prop_assert!(!within_100_years, "{}: {}", typed, e);
                        prop_assert!(e.contains("too long"), "{}", e);
                    }
                }
            }
        }
    }
}
