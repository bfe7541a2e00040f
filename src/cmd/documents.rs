//! `release`, `approve`, `reject`, `retire`, `review`: the signed steps of
//! document control.

use super::{Outcome, say};
use crate::cli::{ApproveArgs, RejectArgs, ReleaseArgs, RetireArgs, ReviewArgs};
use crate::error::Result;
use crate::ops::Context;
use crate::ops::documents::{self, InReview, ReleaseInput};

fn needs(r: &InReview) -> String {
    format!(
        "it needs {} approval{}{}",
        r.required,
        if r.required == 1 { "" } else { "s" },
        if r.approver_roles.is_empty() {
            String::new()
        } else {
            format!(" from {}", r.approver_roles.join(" or "))
        }
    )
}

pub fn release(ctx: &mut Context, args: &ReleaseArgs) -> Result<Outcome> {
    let r = documents::release(
        ctx,
        ReleaseInput {
            id: &args.id,
            summary: &args.summary,
            effective: args.effective.as_deref(),
            minor: args.minor,
            actor: &args.signer.person,
        },
    )?;
    say(format!("{} is in review: {}", r.record, needs(&r)));
    Ok(Outcome::Ok)
}

pub fn approve(ctx: &mut Context, args: &ApproveArgs) -> Result<Outcome> {
    let a = documents::approve(ctx, &args.id, &args.signer.person)?;
    match a.effective {
        None => say(format!(
            "{} approved {} ({} of {} approvals)",
            a.signer, a.record, a.approvals, a.required
        )),
        Some(day) => say(format!(
            "{} is approved; {} from {day}",
            a.record,
            if a.retirement {
                "obsolete"
            } else {
                "effective"
            }
        )),
    }
    Ok(Outcome::Ok)
}

pub fn reject(ctx: &mut Context, args: &RejectArgs) -> Result<Outcome> {
    let r = documents::reject(ctx, &args.id, &args.reason, &args.signer.person)?;
    say(format!(
        "{} was rejected and goes back to its author",
        r.record
    ));
    Ok(Outcome::Ok)
}

pub fn retire(ctx: &mut Context, args: &RetireArgs) -> Result<Outcome> {
    let r = documents::retire(
        ctx,
        &args.id,
        &args.reason,
        args.effective.as_deref(),
        &args.signer.person,
    )?;
    say(format!(
        "retiring {} is in review: it needs {} approval{}",
        r.id,
        r.required,
        if r.required == 1 { "" } else { "s" }
    ));
    Ok(Outcome::Ok)
}

pub fn review(ctx: &mut Context, args: &ReviewArgs) -> Result<Outcome> {
    let r = documents::review(ctx, &args.id, &args.note, &args.signer.person)?;
    say(format!(
        "{} reviewed by {} on {}: no change",
        r.record, r.signer, r.on
    ));
    Ok(Outcome::Ok)
}
