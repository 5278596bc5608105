//! Pure `update` tests of leaving with queries running: quit asks to stop them or leave them
//! on their servers, autosaves are ordered, and the queries an earlier session left running
//! are offered and re-attached in tabs of their own.

mod tui_common;

use std::time::Duration;

use fathom::tui::state::{Action, Effect, Overlay, RunState};
use fathom::tui::update::update;
use tui_common::{press, press_run, state, typ};

#[test]
fn quitting_with_queries_running_asks_to_stop_or_leave_them() {
    let running = || {
        let mut s = state(false);
        press(&mut s, "f3");
        typ(&mut s, "SELECT 1");
        press_run(&mut s, "f5");
        assert!(matches!(s.tabs[0].run, RunState::Running { .. }));
        s
    };
    // Enter (the default) stops them, then quits.
    let mut s = running();
    assert!(press(&mut s, "ctrl-q").is_empty(), "nothing happens before the answer");
    assert!(matches!(s.overlay, Some(Overlay::Quit { running: 1 })) && !s.quit);
    let fx = press(&mut s, "enter");
    assert!(s.quit && matches!(&fx[..], [Effect::Autosave { .. }, Effect::Quit { leave: false }]), "{fx:?}");
    // l leaves them running on their servers.
    let mut s = running();
    press(&mut s, "ctrl-q");
    let fx = press(&mut s, "l");
    assert!(s.quit && matches!(&fx[..], [Effect::Autosave { .. }, Effect::Quit { leave: true }]), "{fx:?}");
    // Esc stays, with the query still running.
    let mut s = running();
    press(&mut s, "ctrl-q");
    assert!(press(&mut s, "esc").is_empty());
    assert!(!s.quit && s.overlay.is_none() && matches!(s.tabs[0].run, RunState::Running { .. }));
    // Autosaves are numbered, so a late one never replaces the one written at quit.
    let mut s = running();
    let gens: Vec<u64> = [s.autosave(), s.autosave()]
        .iter()
        .filter_map(|e| if let Effect::Autosave { generation, .. } = e { Some(*generation) } else { None })
        .collect();
    assert!(gens[0] < gens[1], "{gens:?}");
}

#[test]
fn queries_left_running_by_the_last_session_are_offered_and_reattached() {
    let mut s = state(false);
    let info = fathom::run::ledger::RunInfo {
        time: "2026-11-30T09:00:00Z".parse().unwrap(),
        profile: "prod",
        engine: "athena",
        sql: "SELECT 7 AS n",
        given: &[],
        estimate: None,
    };
    let left = fathom::run::ledger::detached(fathom::run::ledger::begin(info), "q-1234567890", Duration::from_secs(3));
    update(&mut s, Action::Detached(Ok(vec![left])));
    assert!(matches!(&s.overlay, Some(Overlay::Detached(o)) if o.runs.len() == 1));
    let fx = press(&mut s, "enter");
    assert!(s.overlay.is_none());
    let attach = fx.iter().find_map(|e| match e {
        Effect::Attach { id, profile, query_id, sql, .. } => Some((*id, profile.clone(), query_id.clone(), sql.clone())),
        _ => None,
    });
    let (id, profile, query_id, sql) = attach.expect("an attach effect");
    assert_eq!((profile.as_str(), query_id.as_str(), sql.as_str()), ("prod", "q-1234567890", "SELECT 7 AS n"));
    let tab = &s.tabs[s.active];
    assert!(matches!(tab.run, RunState::Running { id: r, .. } if r == id), "the new tab shows it running");
    assert_eq!(tab.text(), "SELECT 7 AS n");
    // An empty list asks nothing.
    let mut s = state(false);
    update(&mut s, Action::Detached(Ok(vec![])));
    assert!(s.overlay.is_none());
}
