//! The manager's page of `sopbook serve`: first-pass yield today and this
//! week (the station's and the plant's), the open nonconformances by age,
//! the defect Pareto, the dashboard's charts and the reviews due. Each
//! part is the view of the operation behind a command (`report`, `nc
//! list --open`, `due`, the dashboard of `publish`), so the page and the
//! command line always agree.

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::Context;
use super::dashboard::{self, ChartRef};
use super::nc::{self, Pending};
use super::records::{self, Due};
use super::scorecard::{self, GroupBy, PARETO_TABLE_LINES, ParetoLine, ScorecardInput};
use super::training;
use crate::error::{Error, Result};

/// The reviews due within this time, as `sopbook due` lists them by default.
pub const DUE_WITHIN: &str = "30d";

/// First-pass yield over a period: units that passed their first
/// inspection out of units inspected for the first time.
#[derive(Debug, Clone, Serialize)]
pub struct Yield {
    pub first_passed: i64,
    pub first: i64,
    pub first_pass_yield: Option<f64>,
}

/// A period the yield is counted over, as `sopbook report --since --until`
/// takes it: from `since`, before `until`.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub station: Yield,
    pub plant: Yield,
}

/// Everything on the manager's page.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub station: String,
    /// Today, in the server's time zone.
    pub today: Period,
    /// From this week's Monday to today.
    pub week: Period,
    /// Open nonconformances, oldest first.
    pub open: Vec<Pending>,
    /// The Pareto of failed items over all records, as `sopbook report`
    /// shows it (the rest grouped after the first lines).
    pub pareto: Vec<ParetoLine>,
    /// How many items failed at least once, and how often in all.
    pub pareto_items: usize,
    pub pareto_fails: i64,
    /// The dashboard's charts, to fetch one by one.
    pub charts: Vec<ChartRef>,
    pub due: Due,
}

/// The manager's page for `station`.
pub fn overview(ctx: &mut Context, station: &str) -> Result<Overview> {
    let today = ctx.today();
    let tomorrow = today + Days::new(1);
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let today_period = period(ctx, station, today, tomorrow)?;
    let week = period(ctx, station, monday, tomorrow)?;
    let card = scorecard::scorecard(
        ctx,
        ScorecardInput {
            by: GroupBy::Checklist,
            since: None,
            until: None,
        },
    )?;
    Ok(Overview {
        station: station.to_string(),
        today: today_period,
        week,
        open: nc::open_by_age(ctx)?,
        pareto: scorecard::pareto_lines(&card.pareto, PARETO_TABLE_LINES),
        pareto_items: card.pareto.len(),
        pareto_fails: card.pareto.iter().map(|p| p.fails).sum(),
        charts: dashboard::charts(ctx, today)?,
        due: records::due(ctx, DUE_WITHIN)?,
    })
}

/// The yield at `station` and in the plant from `since`, before `until`:
/// `sopbook report --by station --since .. --until ..`.
fn period(ctx: &mut Context, station: &str, since: NaiveDate, until: NaiveDate) -> Result<Period> {
    let (s, u) = (since.to_string(), until.to_string());
    let card = scorecard::scorecard(
        ctx,
        ScorecardInput {
            by: GroupBy::Station,
            since: Some(&s),
            until: Some(&u),
        },
    )?;
    let station_yield = card
        .groups
        .iter()
        .find(|g| g.key == station)
        .map_or(yield_of(0, 0), |g| yield_of(g.first_passed, g.first));
    Ok(Period {
        since,
        until,
        station: station_yield,
        plant: yield_of(card.first_passed, card.first_inspections),
    })
}

fn yield_of(first_passed: i64, first: i64) -> Yield {
    Yield {
        first_passed,
        first,
        first_pass_yield: scorecard::share(first_passed, first),
    }
}

/// The training matrix for a manager: [`training::matrix`] with the
/// choices its filters offer.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingView {
    #[serde(flatten)]
    pub matrix: training::Matrix,
    /// (id, name) of everyone in sopbook.toml.
    pub people: Vec<Choice>,
    /// (id, name) of every role.
    pub roles: Vec<Choice>,
    /// (id, title) of every document in force today.
    pub documents: Vec<Choice>,
}

/// One choice of a filter: its id and what it is called.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// Whether `viewer` holds a role that `[permissions] training` lets see
/// everyone's training records (asking records nothing).
pub fn may_see_training(ctx: &mut Context, viewer: &str) -> Result<bool> {
    let roles = ctx.config()?.permissions.training.clone();
    let people = ctx.people()?;
    Ok(people
        .iter()
        .find(|p| p.id == viewer)
        .is_some_and(|p| super::allowed(p, &roles)))
}

/// Everyone's training as `sopbook training` shows it, for `viewer`, who
/// needs a role in `[permissions] training`: the matrix names everyone's
/// records, so a front end with sign-ins shows it only to them. (Each
/// person sees their own reading list.)
pub fn training(
    ctx: &mut Context,
    viewer: &str,
    filter: training::MatrixFilter<'_>,
) -> Result<TrainingView> {
    if !may_see_training(ctx, viewer)? {
        let roles = ctx.config()?.permissions.training.clone();
        return Err(Error::refused(format!(
            "{viewer} may not see everyone's training records: it needs the role {}",
            roles.join(" or ")
        ))
        .with_hint(
            "set who may in [permissions] training in sopbook.toml; everyone sees their own reading list",
        ));
    }
    let matrix = training::matrix(ctx, filter)?;
    let config = ctx.config()?;
    let people = ctx
        .people()?
        .into_iter()
        .map(|p| Choice {
            id: p.id,
            name: p.name,
        })
        .collect();
    let roles = config
        .roles
        .iter()
        .map(|r| Choice {
            id: r.id.clone(),
            name: r.name.clone(),
        })
        .collect();
    let documents = records::status(ctx)?
        .into_iter()
        .filter(|s| s.effective_revision.is_some() && s.obsolete_since.is_none())
        .map(|s| Choice {
            name: s.title.unwrap_or_default(),
            id: s.id,
        })
        .collect();
    Ok(TrainingView {
        matrix,
        people,
        roles,
        documents,
    })
}
