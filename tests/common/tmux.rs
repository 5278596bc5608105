//! A tmux server of the test's own (a private socket) running the real `fathom` binary in a
//! real terminal: keys in with send-keys, the screen back with capture-pane, waits on what
//! the screen shows (never on fixed sleeps). Needs tmux: skipped locally when missing, a
//! failure under CI=true.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::Home;

pub fn have_tmux() -> bool {
    let found = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is required for the end-to-end test under CI=true; install it (apt-get install tmux) or run scripts/test"
        );
        eprintln!("tmux not found: skipping the end-to-end workbench test (install tmux to run it)");
    }
    found
}

/// A tmux server of our own running one fathom session.
pub struct Tmux {
    socket: PathBuf,
    name: String,
}

impl Tmux {
    pub fn start(home: &Home, name: &str, shell_cmd: &str) -> Tmux {
        Tmux::start_with(home, name, shell_cmd, &[])
    }

    /// `start`, with more `NAME=value` variables in fathom's environment.
    pub fn start_with(home: &Home, name: &str, shell_cmd: &str, vars: &[(&str, String)]) -> Tmux {
        let socket = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tmux-{name}-{}", std::process::id()));
        let t = Tmux { socket, name: name.to_string() };
        let env = format!(
            "XDG_DATA_HOME={} XDG_CONFIG_HOME={} XDG_STATE_HOME={} HOME={} LANG=C.UTF-8 LC_ALL=C.UTF-8",
            home.root.join("data").display(),
            home.root.join("config").display(),
            home.root.join("state").display(),
            home.root.display()
        );
        let env = vars.iter().fold(env, |env, (k, v)| format!("{env} {k}={v}"));
        let cmd = shell_cmd.replace("FATHOM", &format!("env -u NO_COLOR -u FATHOM_CONFIG {env} {}", env!("CARGO_BIN_EXE_fathom")));
        t.tmux(&["new-session", "-d", "-s", name, "-x", "110", "-y", "32", "-c", env!("CARGO_MANIFEST_DIR"), &cmd]);
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-S").arg(&self.socket).args(args).output().unwrap();
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend(keys);
        self.tmux(&args);
    }

    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.name, "-l", text]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.name])
    }

    /// Waits until `pred` holds for the screen; panics with the screen after `secs`.
    pub fn wait(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        self.wait(needle, secs, |s| s.contains(needle))
    }

    pub fn pane_pid(&self) -> u32 {
        self.tmux(&["display-message", "-p", "-t", &self.name, "#{pane_pid}"]).trim().parse().unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
    }
}

