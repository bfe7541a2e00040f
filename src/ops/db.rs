//! `db status`: what holds the records.

use super::Context;
use crate::error::Result;
pub use crate::store::StoreStatus;

/// The backend, location (without a password), schema version, row counts
/// and chain head of the records.
pub fn status(ctx: &mut Context) -> Result<StoreStatus> {
    Ok(ctx.store()?.status()?)
}
