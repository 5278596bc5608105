//! PostgreSQL helpers for the tests: the test server's URL (skip outside CI, fail under it),
//! URL parts, an admin pool, setup SQL, the engine under test, and a fathom home with a `pg`
//! profile.

use sqlx::postgres::PgPool;

use super::Home;

/// The test server's URL; outside CI a missing server skips (with a notice), under CI it fails.
pub fn pg_url() -> Option<String> {
    match std::env::var("FATHOM_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("FATHOM_TEST_PG_URL is not set under CI: run the tests with scripts/test (it starts PostgreSQL via scripts/postgres-test-server)")
        }
        _ => {
            eprintln!("skipped: FATHOM_TEST_PG_URL is not set; run scripts/test, or export FATHOM_TEST_PG_URL=$(scripts/postgres-test-server | tail -n 1)");
            None
        }
    }
}

/// user, password, host, port, database of a `postgres://u:p@h:port/db` URL.
pub fn parts(url: &str) -> (String, String, String, String, String) {
    let rest = url.split_once("://").unwrap().1;
    let (userinfo, hostpart) = rest.split_once('@').unwrap();
    let (user, pass) = userinfo.split_once(':').unwrap();
    let (hostport, db) = hostpart.split_once('/').unwrap();
    let (host, port) = hostport.split_once(':').unwrap();
    let db = db.split('?').next().unwrap();
    (user.into(), pass.into(), host.into(), port.into(), db.into())
}

pub async fn admin(url: &str) -> PgPool {
    PgPool::connect(url).await.unwrap()
}

/// Runs setup SQL (test code, not the engine under test).
pub async fn setup(pool: &PgPool, statements: &[&str]) {
    for s in statements {
        sqlx::raw_sql(s).execute(pool).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

/// The engine under test, on profile `pgtest` for `url`.
pub fn engine(url: &str) -> fathom::engine::postgres::PostgresEngine {
    fathom::engine::postgres::PostgresEngine::open("pgtest", &fathom::config::PostgresProfile::from_url(url), false).unwrap()
}

/// A fathom home whose config has `[profiles.pg]` for `url` (plus `extra` TOML lines).
pub fn pg_home(name: &str, url: &str, extra: &str) -> Home {
    let home = Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pg-{name}")));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), format!("[profiles.pg]\nengine = \"postgres\"\nurl = \"{url}\"\n{extra}")).unwrap();
    home
}

