//! Never lose work: the editor tabs are written to `<state dir>/tabs/session.json`
//! (atomically: a temp file of its own, then rename) and read back on the next start. One
//! writer at a time, and each write carries a generation: a write older than the last one
//! written is skipped, so a slow autosave can never overwrite the session saved at quit.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What is kept of a tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedTab {
    pub title: String,
    pub profile: String,
    pub text: String,
    #[serde(default)]
    pub source: Option<PathBuf>,
    #[serde(default)]
    pub cursor: (usize, usize),
    #[serde(default)]
    pub params: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub tabs: Vec<SavedTab>,
    pub active: usize,
    /// The profile the user last chose (F8) for each saved query file, by path: the query
    /// opens on it next time.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub profiles: std::collections::BTreeMap<PathBuf, String>,
}

pub fn session_file(state_dir: &Path) -> PathBuf {
    state_dir.join("tabs").join("session.json")
}

/// The last generation written per state dir, and the lock that makes writers take turns.
static WRITTEN: std::sync::Mutex<std::collections::BTreeMap<PathBuf, u64>> = std::sync::Mutex::new(std::collections::BTreeMap::new());

/// A new workbench session starts counting its generations again.
pub fn begin(state_dir: &Path) {
    WRITTEN.lock().unwrap_or_else(|e| e.into_inner()).remove(state_dir);
}

/// Writes the session of `generation` unless a later one was written already; the error
/// says which file could not be written.
pub fn save(state_dir: &Path, session: &Session, generation: u64) -> Result<(), String> {
    let mut written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
    if written.get(state_dir).is_some_and(|w| generation < *w) {
        return Ok(());
    }
    write(state_dir, session)?;
    written.insert(state_dir.to_path_buf(), generation);
    Ok(())
}

/// Writes the session now, after every other write (quit, SIGTERM, a crash).
pub fn save_final(state_dir: &Path, session: &Session) -> Result<(), String> {
    save(state_dir, session, u64::MAX)
}

fn write(state_dir: &Path, session: &Session) -> Result<(), String> {
    let file = session_file(state_dir);
    let dir = file.parent().unwrap_or(state_dir);
    let err = |e: std::io::Error| format!("autosave to {} failed: {e}; your tabs are only in memory", file.display());
    std::fs::create_dir_all(dir).map_err(err)?;
    let json = serde_json::to_string_pretty(session).map_err(|e| format!("autosave: {e}"))?;
    let mut tmp = tempfile::Builder::new().prefix(".session.").suffix(".tmp").tempfile_in(dir).map_err(err)?;
    std::io::Write::write_all(&mut tmp, json.as_bytes()).map_err(err)?;
    tmp.persist(&file).map(|_| ()).map_err(|e| err(e.error))
}

/// Reads the last session; `Ok(None)` when there is none.
pub fn load(state_dir: &Path) -> Result<Option<Session>, String> {
    let file = session_file(state_dir);
    match std::fs::read_to_string(&file) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{} is damaged ({e}); starting with a fresh tab, the file is left as it is", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_damage() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        let s = Session {
            tabs: vec![SavedTab { title: "scratch".into(), profile: "local".into(), text: "SELECT '삼성';".into(), source: None, cursor: (0, 3), params: vec![("a".into(), "1".into())] }],
            active: 0,
            profiles: [(PathBuf::from("queries/market/daily_prices.sql"), "lake".to_string())].into(),
        };
        save(dir.path(), &s, 1).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(s.clone()));
        // An older write arriving late never replaces a newer one.
        let newer = Session { active: 0, tabs: vec![], profiles: Default::default() };
        // A session written before profiles were remembered still loads.
        let old: Session = serde_json::from_str(r#"{"tabs":[],"active":0}"#).unwrap();
        assert!(old.profiles.is_empty());
        save_final(dir.path(), &newer).unwrap();
        save(dir.path(), &s, 2).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(newer));
        // Writers take turns, each through a temp file of its own: none fails, none is lost.
        begin(dir.path());
        let writers: Vec<_> = (1..=8u64)
            .map(|g| {
                let (path, s) = (dir.path().to_path_buf(), s.clone());
                std::thread::spawn(move || save(&path, &s, g))
            })
            .collect();
        for w in writers {
            w.join().unwrap().unwrap();
        }
        assert_eq!(load(dir.path()).unwrap(), Some(s.clone()));
        let leftovers = std::fs::read_dir(dir.path().join("tabs")).unwrap().filter(|e| e.as_ref().unwrap().file_name() != "session.json").count();
        assert_eq!(leftovers, 0, "no temp file is left behind");
        std::fs::write(session_file(dir.path()), "{").unwrap();
        assert!(load(dir.path()).unwrap_err().contains("damaged"));
    }
}
