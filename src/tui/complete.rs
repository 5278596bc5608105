//! Completion's state in the workbench: the names each profile's completion knows (loaded
//! in the background: from the disk cache first, then from the engine), the column lists
//! asked for, and the popup next to the cursor. `update/complete.rs` changes it;
//! `views/complete.rs` draws the popup.

use std::collections::{BTreeMap, BTreeSet};

use crate::complete::{Item, Names};

/// What completion knows and shows.
#[derive(Debug, Clone, Default)]
pub struct Completer {
    pub profiles: BTreeMap<String, Known>,
    pub popup: Option<Popup>,
}

/// One profile's names.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub names: Names,
    /// The engine's table list has not arrived yet.
    pub loading: bool,
    /// Names arrived at least once (from the disk cache or the engine).
    pub have: bool,
    /// Column lists being described (`complete::key`s).
    pub describing: BTreeSet<String>,
    /// Column lists asked for this session (each table is described at most once).
    pub asked: BTreeSet<String>,
}

/// The popup: candidates for the word that starts at (`row`, `col`) of tab `tab`'s editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Popup {
    pub tab: u64,
    pub row: usize,
    /// Character column where the word being completed starts.
    pub col: usize,
    pub items: Vec<Item>,
    pub selected: usize,
    /// Names it needs are still loading (shown as such while there are no candidates).
    pub waiting: bool,
    /// Opened by Tab while the names were loading: a single candidate arriving is accepted
    /// as Tab would have (typing clears this).
    pub accept_when_ready: bool,
}

impl Completer {
    /// The status line's word on the names of `profile`: progress while its first load runs.
    pub fn status(&self, profile: &str) -> Option<&'static str> {
        self.profiles.get(profile).filter(|k| k.loading && !k.have).map(|_| "loading names")
    }
}
