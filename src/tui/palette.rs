//! The command palette: every command of the keymap that can run from the panes (global,
//! browser, editor, grid), with its key, fuzzy-filtered as you type (nucleo), ranked best
//! first. Enter runs the chosen command as if its key were pressed in its pane.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use crate::tui::keymap::{Cmd, Context, Keymap};

/// The contexts whose commands the palette offers (the overlays' own keys, such as a
/// form's "next field", only mean something inside their overlay).
pub const CONTEXTS: [Context; 4] = [Context::Global, Context::Editor, Context::Grid, Context::Browser];

/// One command the palette can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub ctx: Context,
    pub cmd: Cmd,
    /// Its keys, as the keymap writes them ("f5 ctrl-enter").
    pub keys: String,
    /// What is matched: pane, command name and description.
    pub text: String,
}

impl AsRef<str> for Entry {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// The palette's query and selection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Palette {
    pub query: String,
    /// Index into `matches`.
    pub selected: usize,
}

/// Every command of `CONTEXTS`, in keymap order (a command bound in two panes is listed once
/// per pane: it does different things there).
pub fn entries(keymap: &Keymap) -> Vec<Entry> {
    let mut out = Vec::new();
    for ctx in CONTEXTS {
        for (cmd, chords) in keymap.sections.get(&ctx).into_iter().flatten() {
            if *cmd == Cmd::Palette {
                continue;
            }
            let keys = chords.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" ");
            let text = format!("{} {} {}", ctx.name(), cmd.name().replace('_', " "), cmd.describe());
            out.push(Entry { ctx, cmd: *cmd, keys, text });
        }
    }
    out
}

impl Palette {
    /// The entries that match the query, best first (all of them, in order, when it is empty).
    pub fn matches(&self, keymap: &Keymap) -> Vec<Entry> {
        let pattern = Pattern::parse(&self.query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        // A stable sort: equal scores keep the keymap's order.
        pattern.match_list(entries(keymap), &mut matcher).into_iter().map(|(e, _)| e).collect()
    }

    /// The entry under the selection.
    pub fn chosen(&self, keymap: &Keymap) -> Option<Entry> {
        self.matches(keymap).into_iter().nth(self.selected)
    }

    pub fn type_char(&mut self, c: char) {
        self.query.push(c);
        self.selected = 0;
    }

    pub fn backspace(&mut self) {
        self.query.pop();
        self.selected = 0;
    }

    /// Moves the selection by `by`, within `len` matches.
    pub fn move_by(&mut self, by: isize, len: usize) {
        let last = len.saturating_sub(1) as isize;
        self.selected = (self.selected as isize + by).clamp(0, last.max(0)) as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::DEFAULT_KEYMAP;

    #[test]
    fn lists_every_pane_command_with_its_key() {
        let map = Keymap::parse(DEFAULT_KEYMAP).unwrap();
        let all = entries(&map);
        let run = all.iter().find(|e| e.cmd == Cmd::Run).unwrap();
        assert_eq!((run.ctx, run.keys.as_str()), (Context::Global, "f5 ctrl-r ctrl-enter"));
        assert!(all.iter().any(|e| e.cmd == Cmd::Sort && e.ctx == Context::Grid));
        assert!(all.iter().any(|e| e.cmd == Cmd::Format && e.ctx == Context::Editor));
        assert!(!all.iter().any(|e| e.cmd == Cmd::Palette || e.cmd == Cmd::NextField));
    }

    #[test]
    fn fuzzy_query_ranks_the_best_match_first() {
        let map = Keymap::parse(DEFAULT_KEYMAP).unwrap();
        let mut p = Palette::default();
        for c in "gotoln".chars() {
            p.type_char(c);
        }
        assert_eq!(p.chosen(&map).map(|e| e.cmd), Some(Cmd::GoToLine));
        p.query = "xyzzy-nothing".into();
        assert!(p.matches(&map).is_empty());
        assert_eq!(p.chosen(&map), None);
    }
}
