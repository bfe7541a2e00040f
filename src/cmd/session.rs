//! `login` and `logout`: a sign-in for a shift. The token is kept in a file
//! in the user's config folder (readable by them only), one per records
//! database, and `inspect` uses it instead of asking for a password.

use std::path::PathBuf;

use super::env::Env;
use super::{Outcome, say};
use crate::cli::LoginArgs;
use crate::error::{Error, Result};
use crate::ops::{Context, sessions};
use crate::render::time;

/// The session file for the records this context uses.
fn session_file(ctx: &mut Context, env: &Env) -> Result<PathBuf> {
    let Some(dir) = &env.config_dir else {
        return Err(
            Error::invalid("there is no config folder to keep the sign-in in")
                .with_hint("set HOME or XDG_CONFIG_HOME"),
        );
    };
    let location = ctx.records_location()?;
    let key = &crate::store::sha256_hex(location.as_bytes())[..16];
    Ok(dir.join(format!("session-{key}")))
}

pub fn login(ctx: &mut Context, env: &Env, args: &LoginArgs) -> Result<Outcome> {
    let path = session_file(ctx, env)?;
    let signed = sessions::login(ctx, &args.signer.person, args.hours)?;
    write_private(&path, &format!("{}\n{}\n", signed.person, signed.token))?;
    say(format!(
        "{} ({}) is signed in until {}: inspections need no password until then. `sopbook logout` ends it.",
        signed.name,
        signed.person,
        time::local(&signed.expires_at)
    ));
    Ok(Outcome::Ok)
}

pub fn logout(ctx: &mut Context, env: &Env) -> Result<Outcome> {
    let path = session_file(ctx, env)?;
    let Ok(text) = std::fs::read_to_string(&path) else {
        say("Nobody is signed in here.");
        return Ok(Outcome::Ok);
    };
    let token = text.lines().nth(1).unwrap_or("").trim().to_string();
    let _ = std::fs::remove_file(&path);
    let out = sessions::logout(ctx, &token)?;
    say(format!("{} is signed out.", out.person));
    Ok(Outcome::Ok)
}

/// Hands the station's sign-in, if there is one, to the context.
pub fn resume(ctx: &mut Context, env: &Env) -> Result<()> {
    // Without a config folder there is no sign-in to resume.
    if env.config_dir.is_none() {
        return Ok(());
    }
    // Records that cannot be reached (a PostgreSQL server that is down) are
    // the command's failure, named as such: not a missing sign-in that
    // would then ask for a password.
    let path = session_file(ctx, env)?;
    if let Ok(text) = std::fs::read_to_string(path) {
        ctx.session_token = text.lines().nth(1).map(|t| t.trim().to_string());
    }
    Ok(())
}

fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::invalid(format!("could not create `{}`: {e}", parent.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::invalid(format!("could not write `{}`: {e}", path.display())))
}
