//! Review intervals such as "12 months".

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
        let count: u32 = count.parse().map_err(|_| usage())?;
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
        Ok(Interval { count, unit })
    }
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
    fn month_end_is_clamped() {
        let i: Interval = "1 month".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(i.after(d), NaiveDate::from_ymd_opt(2026, 2, 28));
    }
}
