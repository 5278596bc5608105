//! The run lifecycle end to end, with the real binary in tmux: what a query running on a
//! server becomes when the workbench quits (Enter stops it, `l` leaves it), is sent SIGTERM
//! (stopped) or SIGHUP (left running, recorded as detached, offered and re-attached on the
//! next start, or followed headless with `fathom attach`), against moto's Athena with its
//! state manager holding the query unfinished, and against a real PostgreSQL
//! (`pg_stat_activity` shows nothing of ours left running). Panics: in a query's task (an
//! error on its tab, the UI goes on) and in drawing (terminal restored, exit non-zero, tabs
//! back on the next start). And quitting twenty times in a row under load always exits 0.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_athena::types::QueryExecutionState;
use common::Home;
use common::aws::Moto;
use common::tmux::{Tmux, have_tmux};

/// A home whose default profile is moto's Athena; every run asks first (so the test sees
/// the same dialog whether or not the estimate can price it).
fn athena_home(name: &str, moto: &Moto) -> Home {
    let home = Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("life-{name}")));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    let config = format!("default_profile = \"emu\"\n[budget]\nconfirm_above_usd = 0.0\n{}", moto.profile_toml());
    std::fs::write(dir.join("config.toml"), config).unwrap();
    home
}

fn vars(moto: &Moto) -> Vec<(&'static str, String)> {
    moto.env()
}

/// A home of the test's own (config, state: tests run in parallel) on the shared small lake.
fn lake_home(name: &str) -> (Home, Vec<(&'static str, String)>) {
    let lake = common::lake("life");
    let home = Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("life-{name}")));
    (home, vec![("XDG_DATA_HOME", lake.root.join("data").display().to_string())])
}

/// The fathom process under the pane's shell.
fn fathom_pid(t: &Tmux) -> u32 {
    let shell = t.pane_pid();
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let out = Command::new("pgrep").args(["-P", &shell.to_string(), "fathom"]).output().unwrap();
        if let Some(pid) = String::from_utf8_lossy(&out.stdout).lines().next().and_then(|l| l.trim().parse().ok()) {
            return pid;
        }
        assert!(Instant::now() < end, "no fathom process under the pane");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(pid: u32, sig: &str) {
    assert!(Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success());
}

/// Types `sql` in a new tab, runs it, answers the dialog, and waits until it runs.
fn run_in_workbench(t: &Tmux, sql: &str) {
    t.wait("the workbench", 60, |s| s.contains("estimate:"));
    t.keys(&["C-t"]);
    t.text(sql);
    t.keys(&["F5"]);
    t.wait("the budget dialog", 60, |s| s.contains("without a price?") || s.contains(" for $"));
    t.keys(&["y"]);
    t.wait("the query to be queued", 60, |s| s.contains("QUEUED") || s.contains("RUNNING"));
}

/// A workbench on moto's Athena (a home of its own called `name`) with `sql` queued on the
/// server and held there; the query's id.
async fn queued(moto: &Moto, name: &str, sql: &str) -> (Home, Tmux, String) {
    moto.slow_queries(1_000_000);
    let home = athena_home(name, moto);
    let t = Tmux::start_with(&home, name, "FATHOM; echo EXITED $?; sleep 60", &vars(moto));
    run_in_workbench(&t, sql);
    let id = the_query(moto).await;
    (home, t, id)
}

/// The one query moto has seen started, once it exists.
async fn the_query(moto: &Moto) -> String {
    let engine = moto.engine(&moto.profile(fathom::config::AthenaResults::Auto)).await;
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let ids = engine.clients().athena.list_query_executions().send().await.unwrap().query_execution_ids().to_vec();
        if let Some(id) = ids.first() {
            return id.clone();
        }
        assert!(Instant::now() < end, "fathom started no query on the server");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn state_of(moto: &Moto, id: &str) -> QueryExecutionState {
    let engine = moto.engine(&moto.profile(fathom::config::AthenaResults::Auto)).await;
    let out = engine.clients().athena.get_query_execution().query_execution_id(id).send().await.unwrap();
    out.query_execution().unwrap().status().unwrap().state().cloned().unwrap()
}

fn ledger(home: &Home) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(home.root.join("state/fathom/history.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn quitting_with_enter_and_sigterm_stop_the_athena_query_before_exit() {
    if !have_tmux() {
        return;
    }
    for how in ["quit", "sigterm"] {
        let Some(moto) = Moto::start() else { return };
        let (home, t, id) = queued(&moto, how, "SELECT 1 AS one").await;
        assert_eq!(state_of(&moto, &id).await, QueryExecutionState::Queued);
        if how == "quit" {
            t.keys(&["C-q"]);
            t.wait_for("still running", 20);
            t.keys(&["Enter"]);
        } else {
            signal(fathom_pid(&t), "-TERM");
        }
        let screen = t.wait("fathom to exit", 60, |s| s.contains("EXITED"));
        assert!(screen.contains("EXITED 0"), "{how}: exits cleanly:\n{screen}");
        // The stop reached the server before the process ended.
        assert_eq!(state_of(&moto, &id).await, QueryExecutionState::Cancelled, "{how}");
        let entries = ledger(&home);
        assert_eq!(entries.last().map(|e| e["outcome"].clone()), Some("cancelled".into()), "{how}: {entries:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hangup_leaves_the_query_running_recorded_and_it_is_reattached_next_start() {
    if !have_tmux() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let (home, t, id) = queued(&moto, "hup", "SELECT 7 AS n").await;
    signal(fathom_pid(&t), "-HUP");
    t.wait("fathom to exit", 60, |s| s.contains("EXITED"));
    drop(t);
    // Left running on the server, and recorded with its id.
    assert_eq!(state_of(&moto, &id).await, QueryExecutionState::Queued);
    let entries = ledger(&home);
    let last = entries.last().expect("a ledger entry");
    assert_eq!((last["outcome"].as_str(), last["query_id"].as_str()), (Some("detached"), Some(id.as_str())), "{entries:?}");
    let history = home.cmd().args(["history"]).output().unwrap();
    let history = String::from_utf8_lossy(&history.stdout);
    assert!(history.contains(&format!("fathom attach {id}")), "{history}");

    // The next start offers it; Enter re-attaches, and once the server lets it finish its
    // rows arrive in a tab of their own.
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("7".into())]]);
    moto.slow_queries(1);
    let t = Tmux::start_with(&home, "hup2", "FATHOM; echo EXITED $?; sleep 60", &vars(&moto));
    let screen = t.wait_for("Queries left running", 60);
    assert!(screen.contains(&id[..8]) || screen.contains("SELECT 7 AS n"), "{screen}");
    t.keys(&["Enter"]);
    t.wait("the re-attached rows", 120, |s| s.contains(" rows · ") && s.contains("attached"));
    t.keys(&["C-q"]);
    t.wait_for("EXITED 0", 30);
    drop(t);
    assert_eq!(state_of(&moto, &id).await, QueryExecutionState::Succeeded);
    let entries = ledger(&home);
    let last = entries.last().unwrap();
    assert_eq!((last["outcome"].as_str(), last["rows"].as_u64()), (Some("attached"), Some(1)), "{entries:?}");
    // Followed once: not offered again.
    assert!(fathom::history::still_detached(&fathom::history::read(&home.root.join("state/fathom"), None).unwrap()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn fathom_attach_follows_a_detached_query_headless() {
    if !have_tmux() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let (home, t, id) = queued(&moto, "attach", "SELECT 7 AS n").await;
    // Quit, leaving it running (l): the user's choice, recorded like a hangup.
    t.keys(&["C-q"]);
    t.wait_for("still running", 20);
    t.keys(&["l"]);
    t.wait_for("EXITED 0", 60);
    drop(t);
    assert_eq!(state_of(&moto, &id).await, QueryExecutionState::Queued);
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("7".into())]]);
    moto.slow_queries(1);
    let out = home.cmd().envs(moto.env()).args(["attach", &id, "--format", "csv"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n7\n");
    let again = home.cmd().envs(moto.env()).args(["attach", &id]).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("already followed"));
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_backends_are_left_idle_after_every_exit() {
    if !have_tmux() {
        return;
    }
    let Some(url) = common::pg::pg_url() else { return };
    let admin = common::pg::admin(&url).await;
    for (i, how) in ["quit", "sigterm", "sighup"].into_iter().enumerate() {
        let home = common::pg::pg_home(&format!("life-{how}"), &url, "");
        let config = home.root.join("config/fathom/config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("default_profile = \"pg\"\n{text}")).unwrap();
        let marker = format!("fathom_life_{i}");
        let sql = format!("SELECT pg_sleep(600) AS {marker}");
        let t = Tmux::start(&home, how, "FATHOM; echo EXITED $?; sleep 60");
        t.wait("the workbench", 60, |s| s.contains("estimate:"));
        t.keys(&["C-t"]);
        t.text(&sql);
        t.keys(&["F5"]);
        let active = || async {
            let q = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()";
            sqlx::query_scalar::<_, i64>(q).bind(&marker).fetch_one(&admin).await.unwrap()
        };
        let end = Instant::now() + Duration::from_secs(60);
        while active().await == 0 {
            assert!(Instant::now() < end, "{how}: the query never started; screen:\n{}", t.screen());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        match how {
            "quit" => {
                t.keys(&["C-q"]);
                t.wait_for("still running", 20);
                t.keys(&["Enter"]);
            }
            "sigterm" => signal(fathom_pid(&t), "-TERM"),
            _ => signal(fathom_pid(&t), "-HUP"),
        }
        t.wait("fathom to exit", 60, |s| s.contains("EXITED"));
        // Gone from the server the moment the process is (a query cannot outlive its
        // connection, and fathom waited for the cancel).
        assert_eq!(active().await, 0, "{how}: a backend of ours is still running the query");
    }
}

#[test]
fn a_panic_in_a_query_task_fails_that_run_and_the_workbench_goes_on() {
    if !have_tmux() {
        return;
    }
    let (home, mut vars) = lake_home("panic-task");
    vars.push(("FATHOM_TEST_PANIC", "query".into()));
    let t = Tmux::start_with(&home, "panic-task", "FATHOM; echo EXITED $?; sleep 60", &vars);
    t.wait("the workbench", 60, |s| s.contains("estimate:"));
    t.keys(&["C-t"]);
    t.text("SELECT 1 AS one");
    t.keys(&["F5"]);
    let screen = t.wait("the failed run", 60, |s| s.contains("crashed"));
    assert!(screen.contains("injected panic in query"), "{screen}");
    // The UI still works: typing shows, and quitting is clean.
    t.text(" -- still here");
    t.wait_for("still here", 10);
    t.keys(&["C-q"]);
    t.wait_for("EXITED 0", 30);
    let entries = ledger(&home);
    let last = entries.last().expect("the failed run is in the ledger");
    assert!(last["outcome"].as_str().is_some_and(|o| o.starts_with("error: the query's task crashed")), "{last}");
}

#[test]
fn a_panic_while_drawing_restores_the_terminal_and_the_tabs_come_back() {
    if !have_tmux() {
        return;
    }
    let (home, vars) = lake_home("panic-draw");
    let panicking: Vec<_> = vars.iter().cloned().chain([("FATHOM_TEST_PANIC", "draw".to_string())]).collect();
    let t = Tmux::start_with(&home, "panic-draw", "FATHOM; echo EXITED $?; sleep 60", &panicking);
    t.wait("the workbench", 60, |s| s.contains("estimate:"));
    t.keys(&["C-t"]);
    t.text("SELECT 'kept after a crash' AS k -- FATHOM_PANIC_NOW");
    let screen = t.wait("the crash", 60, |s| s.contains("EXITED"));
    assert!(!screen.contains("EXITED 0"), "a crash exits non-zero:\n{screen}");
    assert!(screen.contains("fathom crashed") && screen.contains("tabs saved"), "the report, on a restored terminal:\n{screen}");
    drop(t);
    let t = Tmux::start_with(&home, "after-crash", "FATHOM; echo EXITED $?; sleep 60", &vars);
    t.wait_for("kept after a crash", 60);
    t.keys(&["C-q"]);
    t.wait_for("EXITED 0", 30);
}

#[test]
fn quitting_twenty_times_under_load_always_exits_zero() {
    if !have_tmux() {
        return;
    }
    let (home, vars) = lake_home("quits");
    // Two spinning threads keep both cores busy for the whole loop (bounded: they stop with it).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hogs: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                }
                x
            })
        })
        .collect();
    for i in 0..20 {
        let t = Tmux::start_with(&home, &format!("quit{i}"), "FATHOM; echo EXITED $?; sleep 60", &vars);
        t.wait("the workbench", 120, |s| s.contains("estimate:"));
        t.keys(&["F3"]);
        t.text(&format!(" -- edit {i}"));
        t.wait_for(&format!("edit {i}"), 30);
        t.keys(&["C-q"]);
        let screen = t.wait("the exit", 60, |s| s.contains("EXITED"));
        assert!(screen.contains("EXITED 0"), "quit {i} did not exit 0:\n{screen}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for h in hogs {
        let _ = h.join();
    }
}
