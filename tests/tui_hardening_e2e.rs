//! The workbench under hostile terminals, end to end (the real binary in tmux): a resize storm
//! down to 1x1 and back; SIGTERM with unsaved text (the terminal is handed back, the text
//! comes back on the next start); NO_COLOR=1, TERM=dumb and LANG=C (no colour escapes, ASCII
//! borders only); a malformed config.toml (the workbench starts on `local` and says why).
//! Waits are condition loops with generous limits, so a loaded machine only makes them slower.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Home;
use common::tmux::{Tmux, have_tmux};

/// A fresh home (own config and state) whose data dir is the shared small demo lake's.
fn home(name: &str) -> Home {
    let lake = common::lake("hardening");
    let h = Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hardening-{name}")));
    std::os::unix::fs::symlink(lake.root.join("data"), h.root.join("data")).unwrap();
    h
}

/// Waits until `cond` holds, for up to `secs` seconds.
fn eventually(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The workbench running `shell_cmd` with `text` typed into a new tab (and seen on screen).
fn with_new_tab(h: &Home, name: &str, shell_cmd: &str, text: &str) -> Tmux {
    let t = Tmux::start(h, name, shell_cmd);
    t.wait_for("estimate:", 60);
    t.keys(&["C-t"]);
    t.text(text);
    t.wait_for(text, 30);
    t
}

#[test]
fn a_resize_storm_down_to_1x1_and_back_does_not_panic() {
    if !have_tmux() {
        return;
    }
    let h = home("resize");
    let t = with_new_tab(&h, "resize", "FATHOM; echo EXITED $?; sleep 60", "SELECT 1");
    for (w, hgt) in [(1, 1), (2, 1), (1, 2), (3, 3), (10, 2), (5, 40), (200, 3), (1, 1), (40, 10), (0, 0), (80, 24), (2, 2), (150, 50), (7, 7), (110, 32)] {
        // tmux refuses 0: it clamps, which is the point (a size the app must live with)
        t.tmux(&["resize-window", "-t", "resize", "-x", &w.max(1).to_string(), "-y", &hgt.max(1).to_string()]);
        std::thread::sleep(Duration::from_millis(30));
    }
    // At 1 column the editor scrolled right to keep the cursor in view; Home brings column 0 back.
    t.wait("the workbench at full size again", 60, |s| s.contains("estimate:") && s.contains("Queries ("));
    t.keys(&["Home"]);
    let screen = t.wait("the text, intact", 60, |s| s.contains("SELECT 1"));
    assert!(!screen.contains("panicked"), "{screen}");
    t.keys(&["C-q"]);
    let screen = t.wait_for("EXITED", 30);
    assert!(screen.contains("EXITED 0"), "a clean exit after the storm:\n{screen}");
}

#[test]
fn sigterm_hands_the_terminal_back_and_keeps_unsaved_text() {
    if !have_tmux() {
        return;
    }
    let h = home("sigterm");
    let stty = "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo STTY";
    let t = with_new_tab(&h, "term2", &format!("FATHOM; echo EXITED $?; {stty}; sleep 60"), "SELECT 'unsaved before sigterm' AS x");
    let fathom_pid = child_pid(&t);
    let killed = Command::new("kill").args(["-TERM", &fathom_pid.to_string()]).status().unwrap();
    assert!(killed.success());
    let screen = t.wait_for("STTY", 30);
    assert!(screen.contains("EXITED 0"), "SIGTERM is a clean exit:\n{screen}");
    let stty = screen.lines().find(|l| l.contains("STTY")).unwrap_or("");
    assert!(stty.contains("icanon") && !stty.contains("-icanon") && !stty.contains("-echo"), "raw mode is off: {stty}");
    let alt = t.tmux(&["display-message", "-p", "-t", "term2", "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0", "the alternate screen is left");
    let session = h.root.join("state/fathom/tabs/session.json");
    eventually("the session file", 20, || std::fs::read_to_string(&session).is_ok_and(|s| s.contains("unsaved before sigterm")));
    drop(t);
    let t = Tmux::start(&h, "term3", "FATHOM; echo EXITED $?; sleep 60");
    let screen = t.wait_for("unsaved before sigterm", 60);
    assert!(screen.contains("restored"), "the restore is announced:\n{screen}");
    t.keys(&["C-q"]);
    t.wait_for("EXITED 0", 30);
}

/// The pid of the fathom process under the pane's shell.
fn child_pid(t: &Tmux) -> u32 {
    let shell = t.pane_pid();
    let mut found = None;
    eventually("the fathom process", 20, || {
        let out = Command::new("pgrep").args(["-P", &shell.to_string(), "-x", "fathom"]).output();
        found = out.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().next().and_then(|p| p.parse().ok()));
        found.is_some()
    });
    found.unwrap_or_default()
}

/// SGR colour parameters (30-38, 40-48, 90-97, 100-107) in `text`'s escape sequences.
fn colour_escapes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seq in text.split('\u{1b}').skip(1) {
        let Some(body) = seq.strip_prefix('[') else { continue };
        let Some(end) = body.find(|c: char| c.is_ascii_alphabetic()) else { continue };
        if &body[end..end + 1] != "m" {
            continue;
        }
        for p in body[..end].split([';', ':']) {
            if let Ok(n) = p.parse::<u32>()
                && matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107)
            {
                out.push(body[..=end].to_string());
            }
        }
    }
    out
}

#[test]
fn no_color_term_dumb_and_lang_c_get_plain_ascii() {
    if !have_tmux() {
        return;
    }
    let h = home("plain");
    let var = |k: &'static str, v: &str| (k, v.to_string());
    for (name, env) in [
        ("nocolor", vec![var("NO_COLOR", "1")]),
        ("dumb", vec![var("TERM", "dumb")]),
        ("langc", vec![var("LANG", "C"), var("LC_ALL", "C"), var("LC_CTYPE", "C"), var("NO_COLOR", "1")]),
    ] {
        let t = Tmux::start_with(&h, name, "FATHOM; echo EXITED $?; sleep 60", &env);
        t.wait_for("estimate:", 60);
        t.keys(&["C-t"]);
        t.text("SELECT 1 AS one");
        t.keys(&["F5"]);
        let screen = t.wait("a result", 60, |s| s.contains("1 rows") || s.contains("for $"));
        if screen.contains("for $") {
            t.keys(&["y"]);
            t.wait_for("1 rows", 60);
        }
        let with_escapes = t.tmux(&["capture-pane", "-p", "-e", "-t", name]);
        assert_eq!(colour_escapes(&with_escapes), Vec::<String>::new(), "{name}: colour escapes on screen");
        if name != "nocolor" {
            let plain = t.screen();
            let fancy: Vec<char> = plain.chars().filter(|c| ('\u{2000}'..='\u{2bff}').contains(c)).collect();
            assert!(fancy.is_empty(), "{name}: non-ASCII borders or glyphs {fancy:?}:\n{plain}");
            assert!(plain.contains("+--") || plain.contains("|"), "{name}: ASCII borders:\n{plain}");
        }
        t.keys(&["C-q"]);
        t.wait_for("EXITED 0", 30);
    }
}

#[test]
fn a_malformed_config_still_starts_the_workbench_on_local() {
    if !have_tmux() {
        return;
    }
    let h = home("badconfig");
    let dir = h.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "row_cap = 10\n\n[profiles.prod]\nengine = \"postgres\"\nurl = \"postgres://u:hunter2/x@h/db\"\nreadonly = true\n").unwrap();
    let t = Tmux::start(&h, "badconfig", "FATHOM; echo EXITED $?; sleep 60");
    t.tmux(&["resize-window", "-t", "badconfig", "-x", "240", "-y", "30"]);
    let screen = t.wait("the workbench with the config error", 60, |s| s.contains("estimate:") && s.contains("config.toml"));
    assert!(screen.contains("config.toml line 6 (key `readonly`)"), "the error names the file, line and key:\n{screen}");
    assert!(!screen.contains("hunter2"), "{screen}");
    assert!(screen.contains("local"), "running on the built-in local profile:\n{screen}");
    t.keys(&["C-q"]);
    t.wait_for("EXITED 0", 30);
    // headless commands that need the config fail with the same message
    let out = h.cmd().args(["run", "--profile", "prod", "SELECT 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("config.toml") && err.contains("line 6") && err.contains("readonly"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}
