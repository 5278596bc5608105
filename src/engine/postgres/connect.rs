//! Connecting: connection options from a profile (its URL, else `DATABASE_URL`, else the libpq
//! environment and `~/.pgpass`, which sqlx reads), the pool, and PostgreSQL errors as
//! `FathomError`s that say what to do, with any password scrubbed out.

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};

use crate::config::{PostgresProfile, mask_url, scrub, url_secrets};
use crate::error::{FathomError, Result};

/// Where a profile connects, and the secret to keep out of messages.
pub struct Target {
    pub options: PgConnectOptions,
    /// The database name, for messages.
    pub database: String,
    /// Where, for messages (password masked).
    pub shown: String,
    secrets: Vec<String>,
    /// How long a connection may take (`connect_timeout_ms`).
    pub connect_timeout: Duration,
}

impl Target {
    /// `text` with the password (if any) replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        scrub(text, &self.secrets)
    }
}

/// The connection options of `profile`.
pub fn target(profile: &PostgresProfile) -> Result<Target> {
    let url = profile.url.clone().or_else(|| std::env::var("DATABASE_URL").ok());
    let (mut options, shown, mut secrets) = match &url {
        Some(u) => {
            let secrets = url_secrets(u);
            let opts = PgConnectOptions::from_str(u).map_err(|e| {
                let msg = scrub(&e.to_string(), &secrets);
                FathomError::Other(format!(
                    "the PostgreSQL URL {} is not valid ({msg}); expected postgres://user:password@host:port/database",
                    mask_url(u)
                ))
            })?;
            (opts, mask_url(u), secrets)
        }
        None => {
            let opts = PgConnectOptions::new();
            let shown = format!("{}:{} (libpq environment)", opts.get_host(), opts.get_port());
            (opts, shown, Vec::new())
        }
    };
    secrets.extend(std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()));
    if let Some(mode) = &profile.sslmode {
        let mode = PgSslMode::from_str(mode).map_err(|_| {
            FathomError::Other(format!(
                "sslmode '{mode}' is not one of disable, allow, prefer, require, verify-ca, verify-full"
            ))
        })?;
        options = options.ssl_mode(mode);
    }
    if let Some(cert) = &profile.sslrootcert {
        options = options.ssl_root_cert(cert);
    }
    options = options.application_name("fathom").disable_statement_logging();
    let database = options.get_database().map(str::to_string).unwrap_or_else(|| options.get_username().to_string());
    Ok(Target { options, database, shown, secrets, connect_timeout: Duration::from_millis(profile.connect_timeout_ms.max(1)) })
}

/// A small pool: one connection for the query, one spare for cancels and the catalog.
pub fn pool(target: &Target) -> PgPool {
    PgPoolOptions::new()
        .max_connections(4)
        .min_connections(0)
        .acquire_timeout(target.connect_timeout)
        .test_before_acquire(true)
        .connect_lazy_with(target.options.clone())
}

/// A PostgreSQL error as a `FathomError` that says what happened and what to do.
pub fn map_err(target: &Target, e: sqlx::Error) -> FathomError {
    let msg = match &e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            let text = db.message();
            match code.as_str() {
                "57014" => format!(
                    "query cancelled by the server (SQLSTATE 57014: {text}); it ran past statement_timeout or was cancelled. Raise statement_timeout_ms in the profile, or narrow the query"
                ),
                "25006" => format!(
                    "the server refused a write in a READ ONLY transaction (SQLSTATE 25006: {text}); on database '{}' writes need `fathom run --write` and a profile with read_only = false",
                    target.database
                ),
                "57P01" | "57P02" | "57P03" => format!(
                    "the server ended the connection (SQLSTATE {code}: {text}); the next query opens a new connection"
                ),
                "28P01" | "28000" => format!(
                    "PostgreSQL at {} refused the login (SQLSTATE {code}: {text}); check the user and password (URL, PGPASSWORD or ~/.pgpass)",
                    target.shown
                ),
                "3D000" => format!("{text} (SQLSTATE 3D000); check the database name in the profile's URL or PGDATABASE"),
                "42P01" => format!("{text} (SQLSTATE 42P01); `fathom run \"SELECT table_schema, table_name FROM information_schema.tables\"` lists the tables"),
                "42601" => format!("SQL syntax error: {text} (SQLSTATE 42601)"),
                _ => {
                    let detail = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().and_then(|p| p.detail()).map(|d| format!("; {d}")).unwrap_or_default();
                    format!("{text}{detail} (SQLSTATE {code})")
                }
            }
        }
        sqlx::Error::Io(io) if is_tls(io) => tls_message(target, io),
        sqlx::Error::Io(io) => format!(
            "lost the connection to PostgreSQL at {} ({io}); the next query reconnects. If it keeps failing, check that the server is up",
            target.shown
        ),
        sqlx::Error::PoolTimedOut => format!(
            "cannot connect to PostgreSQL at {} within {} ms (connect_timeout_ms); check the host, port and that the server is running, or raise connect_timeout_ms in the profile",
            target.shown,
            target.connect_timeout.as_millis()
        ),
        sqlx::Error::Tls(t) => tls_message(target, t),
        other => format!("PostgreSQL at {}: {other}", target.shown),
    };
    FathomError::Query(target.scrub(&msg))
}

/// True when an IO error is really a TLS failure (rustls reports certificates this way).
pub fn is_tls(io: &std::io::Error) -> bool {
    let text = io.to_string().to_ascii_lowercase();
    text.contains("certificate") || text.contains("tls") || text.contains("handshake")
}

fn tls_message(target: &Target, e: &dyn std::fmt::Display) -> String {
    format!(
        "TLS to PostgreSQL at {} failed ({e}); check sslmode and sslrootcert in the profile (verify-full needs the server's CA and a matching host name)",
        target.shown
    )
}

/// The SQLSTATE of an error, if the server sent one.
pub fn sqlstate(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_found_and_scrubbed() {
        let p = PostgresProfile::from_url("postgres://ana:pa55word@localhost:5432/lake?sslmode=disable");
        let t = target(&p).unwrap();
        assert_eq!(t.database, "lake");
        assert_eq!(t.shown, "postgres://ana:***@localhost:5432/lake?sslmode=disable");
        assert_eq!(t.scrub("x pa55word y"), "x *** y");
        assert!(target(&PostgresProfile { sslmode: Some("sometimes".into()), ..p.clone() }).is_err());
        let t = target(&PostgresProfile { sslmode: Some("verify-full".into()), ..p }).unwrap();
        assert!(matches!(t.options.get_ssl_mode(), PgSslMode::VerifyFull));
    }
}
