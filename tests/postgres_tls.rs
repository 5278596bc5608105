//! sslmode against the real test server, which `scripts/postgres-test-server` runs with TLS
//! on (its own CA, a certificate for 127.0.0.1 and localhost): verify-full with the CA
//! connects over TLS, verify-full without it is refused, disable stays in plain text.

mod common;

use std::path::PathBuf;

use common::pg::{pg_home, pg_url};

/// The test server's CA certificate (FATHOM_TEST_PG_CA, else the cache dir the script uses).
fn ca() -> Option<PathBuf> {
    let cache = std::env::var_os("FATHOM_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/fathom")));
    let found = std::env::var_os("FATHOM_TEST_PG_CA")
        .map(PathBuf::from)
        .or_else(|| cache.map(|c| c.join("pg/tls/ca.crt")))
        .filter(|p| p.exists());
    if found.is_none() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the test server's CA is missing under CI: run scripts/test");
        eprintln!("skipped: no CA of the test server (scripts/postgres-test-server makes it, with openssl)");
    }
    found
}

fn ssl_in_use(home: &common::Home) -> Result<String, String> {
    let out = home
        .cmd()
        .args(["run", "--profile", "pg", "--format", "csv", "SELECT ssl::text AS ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"])
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).lines().nth(1).unwrap_or("").to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

#[test]
fn sslmode_verify_full_checks_the_server_certificate() {
    let Some(url) = pg_url() else { return };
    let Some(ca) = ca() else { return };
    let (_, pass, _, _, _) = common::pg::parts(&url);
    let full = pg_home("tls-full", &url, &format!("sslmode = \"verify-full\"\nsslrootcert = \"{}\"\n", ca.display()));
    assert_eq!(ssl_in_use(&full).unwrap(), "true");
    let by_name = pg_home(
        "tls-localhost",
        &url.replace("@127.0.0.1:", "@localhost:"),
        &format!("sslmode = \"verify-full\"\nsslrootcert = \"{}\"\n", ca.display()),
    );
    assert_eq!(ssl_in_use(&by_name).unwrap(), "true");
    let unknown_ca = pg_home("tls-noca", &url, "sslmode = \"verify-full\"\n");
    let err = ssl_in_use(&unknown_ca).unwrap_err();
    assert!(err.contains("TLS") && err.contains("sslrootcert"), "{err}");
    assert!(!err.contains(&pass), "{err}");
    let plain = pg_home("tls-off", &url, "sslmode = \"disable\"\n");
    assert_eq!(ssl_in_use(&plain).unwrap(), "false");
}
