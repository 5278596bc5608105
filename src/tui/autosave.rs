//! Never lose work: the editor tabs are written to `<state dir>/tabs/session.json`
//! (atomically: a temp file, then rename) and read back on the next start.

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
}

pub fn session_file(state_dir: &Path) -> PathBuf {
    state_dir.join("tabs").join("session.json")
}

/// Writes the session; the error says which file could not be written.
pub fn save(state_dir: &Path, session: &Session) -> Result<(), String> {
    let file = session_file(state_dir);
    let dir = file.parent().unwrap_or(state_dir);
    let err = |e: std::io::Error| format!("autosave to {} failed: {e}; your tabs are only in memory", file.display());
    std::fs::create_dir_all(dir).map_err(err)?;
    let json = serde_json::to_string_pretty(session).map_err(|e| format!("autosave: {e}"))?;
    let tmp = dir.join(format!(".session.{}.tmp", std::process::id()));
    std::fs::write(&tmp, json).map_err(err)?;
    std::fs::rename(&tmp, &file).map_err(err)
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
        };
        save(dir.path(), &s).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(s));
        std::fs::write(session_file(dir.path()), "{").unwrap();
        assert!(load(dir.path()).unwrap_err().contains("damaged"));
    }
}
