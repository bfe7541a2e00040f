//! The people who sign, and their signing passwords.

use serde::Serialize;
use serde_json::json;

use super::{Context, people_hint, signing};
use crate::error::{Error, Result};
use crate::fail;
use crate::store::{Batch, CredentialRow, Insert};

/// One person in sopbook.toml.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    pub password_set: bool,
}

/// Everyone in sopbook.toml, in its order.
pub fn list(ctx: &mut Context) -> Result<Vec<PersonView>> {
    let people = ctx.config()?.people.clone();
    let credentials = ctx.store()?.credentials()?;
    Ok(people
        .into_iter()
        .map(|p| PersonView {
            password_set: credentials.iter().any(|c| c.person == p.id),
            id: p.id,
            name: p.name,
            roles: p.roles,
        })
        .collect())
}

/// Who a password is for, and whether changing it needs the current one.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordTarget {
    pub id: String,
    pub name: String,
    pub has_password: bool,
}

/// The person whose password is about to be set.
pub fn password_target(ctx: &mut Context, person: &str) -> Result<PasswordTarget> {
    let Some(who) = ctx.config()?.person(person).cloned() else {
        let people = ctx.config()?.people.clone();
        return Err(
            Error::not_found(format!("`{person}` is not a person in sopbook.toml"))
                .with_hint(people_hint(&people)),
        );
    };
    let has_password = signing::current_hash(ctx.store()?, person)?.is_some();
    Ok(PasswordTarget {
        id: who.id,
        name: who.name,
        has_password,
    })
}

/// Checks the current password before a change (a front end asks for it
/// before the new one); a wrong one is a recorded refusal. A person with no
/// password yet needs none.
pub fn check_current(ctx: &mut Context, person_id: &str, current: Option<&str>) -> Result<()> {
    if let Some(hash) = signing::current_hash(ctx.store()?, person_id)? {
        let ok = current.is_some_and(|c| signing::password_matches(&hash, c));
        if !ok {
            ctx.refuse(
                person_id,
                &format!("password of {person_id}"),
                "change password",
                "wrong current password",
            )?;
            fail!(
                Refused,
                "the current password of {person_id} is wrong; the password was not changed"
            );
        }
    }
    Ok(())
}

/// A password was set.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordSet {
    pub id: String,
    pub name: String,
}

/// Sets a signing password. Changing one needs the current one; a wrong
/// current password is a recorded refusal.
pub fn set_password(
    ctx: &mut Context,
    person_id: &str,
    current: Option<&str>,
    new: &str,
) -> Result<PasswordSet> {
    let target = password_target(ctx, person_id)?;
    long_enough(new)?;
    check_current(ctx, person_id, current)?;
    let now = ctx.now();
    let row = CredentialRow {
        id: 0,
        person: target.id.clone(),
        hash: signing::hash_password(ctx.kdf, new)?,
        set_at: now,
        event_seq: 0,
    };
    // The same key, sealed again with the new password; a first key otherwise.
    let existing = signing::current_key(ctx.store()?, person_id)?;
    let key = match (&existing, current) {
        (Some(k), Some(c)) => signing::unseal_key(&k.sealed, c),
        _ => None,
    };
    let (key, sealed) = match key {
        Some(key) => {
            let sealed = signing::seal_key(ctx.kdf, &key, new)?;
            (key, sealed)
        }
        None => signing::new_key(ctx.kdf, new)?,
    };
    let key_row = crate::store::SigningKeyRow {
        id: 0,
        person: target.id.clone(),
        public_key: signing::public_hex(&key),
        sealed,
        set_at: now,
        event_seq: 0,
    };
    let sealer = crate::store::Sealer {
        person: target.id.clone(),
        key,
    };
    let batch = Batch {
        actor: target.id.clone(),
        action: "password set".into(),
        record: format!("password of {}", target.id),
        note: json!({ "public_key": key_row.public_key }),
        inserts: vec![Insert::Credential(row), Insert::SigningKey(key_row)],
    };
    ctx.store()?
        .append_sealed(now, batch, std::slice::from_ref(&sealer))?;
    Ok(PasswordSet {
        id: target.id,
        name: target.name,
    })
}

fn long_enough(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        fail!(
            Invalid,
            "the password is too short: use at least 8 characters"
        );
    }
    Ok(())
}

/// A person who forgot their password was given a new one, and a new key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyReset {
    pub id: String,
    pub name: String,
    pub by: String,
    pub public_key: String,
}

/// Checks, before anything is asked, that `by` may reset `person_id`'s
/// password: another person, with a role in `[permissions] reset-password`
/// (a refusal is recorded).
pub fn may_reset(
    ctx: &mut Context,
    person_id: &str,
    by: &str,
) -> Result<(PasswordTarget, crate::model::Person)> {
    let target = password_target(ctx, person_id)?;
    let record = format!("{person_id}'s password");
    let admin = ctx.person(by, &record, "reset")?;
    if admin.id == target.id {
        return Err(Error::invalid(format!(
            "{by} cannot reset their own password: another person who may gives them a new one"
        ))
        .with_hint(format!(
            "to change a password you know, run `sopbook people passwd {by}`"
        )));
    }
    let roles = ctx.config()?.permissions.reset_password.clone();
    ctx.require_role(&admin, &roles, &record, "reset")?;
    Ok((target, admin))
}

/// Gives `person_id`, who forgot their password, a new password and a new
/// signing key: nobody can open the old key without the old password. The
/// reset is signed by `by`, who needs a role in `[permissions]
/// reset-password` and may not reset their own. Signatures made with the
/// old key stay valid; from now on the person signs with the new one.
pub fn reset_password(
    ctx: &mut Context,
    person_id: &str,
    by: &str,
    new: &str,
    reason: &str,
) -> Result<KeyReset> {
    if reason.trim().is_empty() {
        fail!(Invalid, "say why the password is reset with --reason");
    }
    long_enough(new)?;
    let (target, admin) = may_reset(ctx, person_id, by)?;
    let record = format!("{person_id}'s password");
    ctx.check_password(&admin, &record, "reset")?;
    let now = ctx.now();
    let (key, sealed) = signing::new_key(ctx.kdf, new)?;
    let public_key = signing::public_hex(&key);
    let inserts = vec![
        Insert::Credential(CredentialRow {
            id: 0,
            person: target.id.clone(),
            hash: signing::hash_password(ctx.kdf, new)?,
            set_at: now,
            event_seq: 0,
        }),
        Insert::SigningKey(crate::store::SigningKeyRow {
            id: 0,
            person: target.id.clone(),
            public_key: public_key.clone(),
            sealed,
            set_at: now,
            event_seq: 0,
        }),
        Insert::KeyReset(crate::store::KeyResetRow {
            id: 0,
            person: target.id.clone(),
            public_key: public_key.clone(),
            reason: reason.trim().to_string(),
            reset_by: admin.id.clone(),
            reset_at: now,
            event_seq: 0,
        }),
    ];
    let batch = Batch {
        actor: admin.id.clone(),
        action: "password reset".into(),
        record: format!("password of {}", target.id),
        note: json!({ "public_key": public_key, "reason": reason.trim() }),
        inserts,
    };
    let new_key = crate::store::Sealer {
        person: target.id.clone(),
        key,
    };
    ctx.append_with_keys(batch, vec![new_key])?;
    Ok(KeyReset {
        id: target.id,
        name: target.name,
        by: admin.id,
        public_key,
    })
}
