//! `sopbook demo`.
use crate::cli::DemoArgs;
use crate::error::Outcome;
use crate::workspace::Workspace;
use anyhow::Result;
pub fn run(_ws: &Workspace, _args: &DemoArgs) -> Result<Outcome> {
    Ok(Outcome::Ok)
}
