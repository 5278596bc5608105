//! One workbench session on a Glue-local profile (moto's Glue and S3, the demo lake uploaded
//! by `fathom demo --athena-upload`), the real binary in tmux. Between two queries the shared
//! credentials file is rewritten, as `aws configure`, a credential helper or `aws sso login`
//! would: both queries answer, and moto's request log shows each read its Parquet files with
//! the key current at the time. The status line shows both prices before the run.

mod common;

use common::aws::{Moto, REGION};
use common::tmux::{Tmux, have_tmux};

fn write_credentials(path: &std::path::Path, key: &str) {
    std::fs::write(path, format!("[default]\naws_access_key_id = {key}\naws_secret_access_key = secret-{key}\n")).unwrap();
}

/// Types `sql` in a new tab, runs it, and waits for its rows (`column` heads the grid).
fn run(t: &Tmux, sql: &str, column: &str) -> String {
    t.keys(&["C-t"]);
    t.text(sql);
    t.wait("the estimate of both prices", 120, |s| s.contains("Athena $") && s.contains("GET requests"));
    t.keys(&["F5"]);
    t.wait("the rows", 120, |s| s.contains("1 rows in") && s.contains(column))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workbench_session_survives_a_credentials_swap_between_two_queries() {
    if !have_tmux() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let (home, _) = moto.upload_demo("direct-e2e").await;
    let config = format!(
        "default_profile = \"lake\"\n{}[profiles.lake]\nengine = \"local\"\ncatalog = \"glue\"\nregion = \"{REGION}\"\nendpoint_url = \"{}\"\n",
        moto.profile_toml(),
        moto.endpoint
    );
    std::fs::write(home.root.join("config/fathom/config.toml"), config).unwrap();
    let aws = home.root.join("aws");
    std::fs::create_dir_all(&aws).unwrap();
    let credentials = aws.join("credentials");
    write_credentials(&credentials, "AKIDFIRSTKEY");
    let vars = [
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.display().to_string()),
        ("AWS_CONFIG_FILE", aws.join("config").display().to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ];
    // Only the files above: no key from the test's own environment.
    let shell = "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE; FATHOM; echo EXITED $?; sleep 60";
    let t = Tmux::start_with(&home, "direct-e2e", shell, &vars);
    t.tmux(&["resize-window", "-t", "direct-e2e", "-x", "180", "-y", "40"]);
    t.wait("the workbench", 120, |s| s.contains("estimate:") || s.contains("Queries ("));
    moto.clear_request_log();

    let where_ = "FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'";
    let screen = run(&t, &format!("SELECT count(*) AS n_first {where_}"), "n_first");
    assert!(screen.contains("here: ") && screen.contains("read"), "both prices on the status line before the run:\n{screen}");
    let keys = moto.data_read_keys();
    assert!(!keys.is_empty() && keys.iter().all(|k| k == "AKIDFIRSTKEY"), "the first query read with the first key: {keys:?}");

    write_credentials(&credentials, "AKIDSECONDKEY");
    let screen = run(&t, &format!("SELECT count(*) AS n_second {where_}"), "n_second");
    assert!(!screen.contains("credentials"), "no credentials error:\n{screen}");
    let keys = moto.data_read_keys();
    assert!(!keys.is_empty() && keys.iter().all(|k| k == "AKIDSECONDKEY"), "the second query read with the new key: {keys:?}");

    // Both answers are the lake's: the same count as the embedded demo lake gives.
    let rows = common::lake("direct-e2e").rows(&format!("SELECT count(*) AS n {where_}"), &[]);
    let n = common::i(&rows[0], "n").to_string();
    let grid = t.screen();
    assert!(grid.lines().any(|l| l.split_whitespace().any(|w| w == n)), "the count {n} on the screen:\n{grid}");
    t.keys(&["C-q"]);
    t.wait("the exit", 60, |s| s.contains("EXITED 0"));
}
