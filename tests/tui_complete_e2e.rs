//! End to end: completion in the real `fathom` binary in a real terminal (tmux) on the demo
//! lake. Tab completes a schema's table, and a column through the alias the statement gives
//! its table (the columns load when the table is in scope). Needs tmux: skipped with a
//! message locally when missing, a failure under CI=true.

mod common;

use common::tmux::{Tmux, have_tmux};

#[test]
fn tab_completes_tables_and_aliased_columns() {
    if !have_tmux() {
        return;
    }
    let home = common::lake("complete-e2e");
    let _ = std::fs::remove_dir_all(home.root.join("state"));
    let _ = std::fs::remove_dir_all(home.root.join(".cache/fathom/names"));
    let t = Tmux::start(home, "complete", "FATHOM; echo EXITED $?; sleep 30");
    t.wait("the workbench", 30, |s| s.contains("Queries (") && s.contains("estimate:"));
    t.keys(&["F3"]);
    t.text("SELECT * FROM market_data.us_sto");
    t.keys(&["Tab"]);
    t.wait("the table completed", 60, |s| s.contains("SELECT * FROM market_data.us_stocks_price") && !s.contains("us_stocks_price  table"));

    t.keys(&["C-t"]);
    t.text("SELECT * FROM reference.tb_meta m WHERE m.sec");
    t.keys(&["Tab"]);
    let screen = t.wait("the column completed", 60, |s| s.contains("WHERE m.sector"));
    assert!(screen.contains("SELECT * FROM reference.tb_meta m WHERE m.sector"), "{screen}");
    t.keys(&["C-q"]);
    t.wait_for("EXITED 0", 30);
}
