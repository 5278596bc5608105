//! An unreachable PostgreSQL host (a loopback listener that accepts and never answers, like a
//! blackholed route): the run fails after `connect_timeout_ms` with a message that says so
//! and what to change; in the workbench it blocks nobody else: a local query on another
//! profile runs and answers while it waits, and it can be cancelled and shut down cleanly.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::Home;

/// A port that takes connections and never says a word.
fn blackhole() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

fn home(name: &str, port: u16, timeout_ms: u64) -> Home {
    let lake = common::lake("unreachable");
    let home = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("unreachable-{name}")));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[profiles.pg]\nengine = \"postgres\"\nurl = \"postgres://u:secret@127.0.0.1:{port}/db?sslmode=disable\"\nconnect_timeout_ms = {timeout_ms}\n[profiles.lake]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n",
            lake.demo_dir().display()
        ),
    )
    .unwrap();
    home
}

#[test]
fn the_cli_says_the_host_did_not_answer_and_what_to_change() {
    let (_hole, port) = blackhole();
    let home = home("cli", port, 300);
    let err = home.fails(&["run", "--profile", "pg", "SELECT 1"]);
    assert!(err.contains("within 300 ms (connect_timeout_ms)") && err.contains("raise connect_timeout_ms"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "names the host: {err}");
    assert!(!err.contains("secret"), "the password stays hidden: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn in_the_workbench_a_hanging_host_blocks_no_other_profile() {
    use fathom::tui::executor::Executor;
    use fathom::tui::state::{Action, Effect};
    let (_hole, port) = blackhole();
    let home = home("tui", port, 600_000);
    let paths = home.paths();
    let config = fathom::config::Config::load(None, paths).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut exec = Executor::new(Arc::new(config), tx);
    let run = |id: u64, profile: &str, sql: &str| Effect::RunQuery {
        id,
        profile: profile.into(),
        sql: sql.into(),
        decls: vec![],
        given: vec![],
        row_cap: 100,
        estimate: None,
        cached: false,
        fresh: false,
        cache_key: None,
    };
    exec.run(run(1, "pg", "SELECT 1"));
    exec.run(run(2, "lake", "SELECT ticker FROM reference.tb_meta ORDER BY meta_id LIMIT 3"));
    // The local query answers while the PostgreSQL one still waits for its host.
    loop {
        match tokio::time::timeout(Duration::from_secs(120), rx.recv()).await.expect("the local run reports back").unwrap() {
            Action::QueryDone { id: 2, result } => {
                assert_eq!(result.unwrap().batch.num_rows(), 3);
                break;
            }
            Action::QueryDone { id: 1, result } => panic!("the unreachable host answered: {result:?}"),
            _ => {}
        }
    }
    exec.observe(&Action::QueryDone { id: 2, result: Err(String::new()) });
    assert_eq!(exec.running(), 1, "the PostgreSQL run is still waiting");
    // The user stops it; leaving is bounded even with a host that never answers.
    exec.run(Effect::Cancel { id: 1 });
    exec.shutdown(false).await;
    let mut outcomes = Vec::new();
    for _ in 0..100 {
        outcomes = fathom::history::read(&home.root.join("state/fathom"), None).unwrap().into_iter().map(|r| r.outcome).collect();
        if outcomes.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outcomes.sort();
    assert_eq!(outcomes, ["cancelled", "ok"]);
}
