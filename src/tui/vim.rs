//! Vim mode for the editor (`[editor] mode = "vim"`): a pure state machine over a tab's
//! `TextArea`, built on tui-textarea's cursor moves, selection, cut/copy/paste and
//! undo/redo (after tui-textarea's `examples/vim.rs`).
//!
//! Normal mode: motions `h j k l w b e 0 $ gg G`; operators `d c y` followed by a motion,
//! and `dd cc yy`; `p x u ctrl-r`; `i a o O A I` enter insert mode, `v V` visual mode.
//! Insert mode types text until `esc`. Visual mode selects (both ends included, as in vim;
//! `V` whole lines) and `d c y` act on the selection; the run key runs it. Keys vim does not
//! take (F-keys, ctrl chords other than ctrl-r) go to the keymap as usual.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};

/// Vim's own keys (built in, not remappable), for the help screen; the `[vim]` keymap
/// section adds the remappable ones.
pub const BUILTIN: &[(&str, &str)] = &[
    ("h j k l", "left, down, up, right (arrows too)"),
    ("w b e", "next word, previous word, end of word"),
    ("0 $ gg G", "line start, line end, first line, last line"),
    ("d c y + motion", "delete, change, yank over a motion (dw, c$, yj, dG)"),
    ("dd cc yy", "delete, change, yank the line"),
    ("x p", "delete the character; put after the cursor (lines: below)"),
    ("i a I A o O", "insert: before, after, line start, line end, new line below, above"),
    ("v V esc", "visual (characters), visual lines, back to normal"),
    ("ctrl-r", "redo (in vim mode; F5 still runs, also a visual selection)"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Insert,
    /// Characters, from the anchor to the cursor (both included).
    Visual,
    /// Whole lines, from the anchor's line to the cursor's.
    VisualLine,
}

impl Mode {
    /// The name the status line shows.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Normal => "NORMAL",
            Mode::Insert => "INSERT",
            Mode::Visual => "VISUAL",
            Mode::VisualLine => "V-LINE",
        }
    }
}

/// The first key of a two-key command waiting for its second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    /// `g`, waiting for the second `g`.
    G,
    /// An operator (`d`, `c`, `y`) waiting for its motion.
    Op(char),
    /// An operator, then `g`.
    OpG(char),
}

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Not a vim key: the keymap (and in insert mode, the text area) gets it.
    No,
    /// Taken; the text is the same (a move, a mode change, a yank).
    Moved,
    /// Taken; the text changed.
    Edited,
}

/// A motion, as far as operators care: by characters or by whole lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Motion {
    Chars(CursorMove),
    /// `e`: to the end of the word, the last character included.
    WordEnd,
    Lines(CursorMove),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vim {
    pub mode: Mode,
    pending: Pending,
    /// Where a visual selection started, and its moving end (the text area's cursor then
    /// sits at the selection's edge, which may be one past it).
    anchor: (usize, usize),
    head: (usize, usize),
    /// The last yank or delete was of whole lines (`p` puts them below the cursor's line).
    linewise: bool,
}

impl Default for Vim {
    fn default() -> Self {
        Vim::new()
    }
}

fn jump(ta: &mut TextArea, (r, c): (usize, usize)) {
    ta.move_cursor(CursorMove::Jump(u16::try_from(r).unwrap_or(u16::MAX), u16::try_from(c).unwrap_or(u16::MAX)));
}

fn line_len(ta: &TextArea, r: usize) -> usize {
    ta.lines().get(r).map(|l| l.chars().count()).unwrap_or(0)
}

/// Selects rows `top..=bottom` whole, with one line break, so cutting removes the lines.
fn select_lines(ta: &mut TextArea, top: usize, bottom: usize) {
    ta.cancel_selection();
    let last = ta.lines().len().saturating_sub(1);
    if bottom < last {
        jump(ta, (top, 0));
        ta.start_selection();
        jump(ta, (bottom + 1, 0));
    } else if top > 0 {
        jump(ta, (top - 1, line_len(ta, top - 1)));
        ta.start_selection();
        jump(ta, (bottom, line_len(ta, bottom)));
    } else {
        jump(ta, (0, 0));
        ta.start_selection();
        jump(ta, (bottom, line_len(ta, bottom)));
    }
}

/// Normal and visual mode keep the cursor on a character (`$` is the last one), as vim does.
fn on_a_character(ta: &mut TextArea) {
    let (r, c) = ta.cursor();
    let len = line_len(ta, r);
    if len > 0 && c >= len {
        jump(ta, (r, len - 1));
    }
}

fn motion_of(c: char, pending_g: bool) -> Option<Motion> {
    Some(match c {
        'h' => Motion::Chars(CursorMove::Back),
        'l' => Motion::Chars(CursorMove::Forward),
        'w' => Motion::Chars(CursorMove::WordForward),
        'b' => Motion::Chars(CursorMove::WordBack),
        'e' => Motion::WordEnd,
        '0' => Motion::Chars(CursorMove::Head),
        '$' => Motion::Chars(CursorMove::End),
        'j' => Motion::Lines(CursorMove::Down),
        'k' => Motion::Lines(CursorMove::Up),
        'G' => Motion::Lines(CursorMove::Bottom),
        'g' if pending_g => Motion::Lines(CursorMove::Top),
        _ => return None,
    })
}

impl Vim {
    pub fn new() -> Vim {
        Vim { mode: Mode::Normal, pending: Pending::None, anchor: (0, 0), head: (0, 0), linewise: false }
    }

    /// Handles `k` on `ta`.
    pub fn key(&mut self, ta: &mut TextArea, k: &KeyEvent) -> Handled {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        if ctrl && !alt && matches!(k.code, KeyCode::Char('r' | 'R')) {
            self.pending = Pending::None;
            return if ta.redo() { Handled::Edited } else { Handled::Moved };
        }
        if k.code == KeyCode::Esc {
            let was = self.mode;
            self.pending = Pending::None;
            self.mode = Mode::Normal;
            ta.cancel_selection();
            if matches!(was, Mode::Visual | Mode::VisualLine) {
                jump(ta, self.head);
            }
            if was == Mode::Insert && ta.cursor().1 > 0 {
                ta.move_cursor(CursorMove::Back);
            }
            return Handled::Moved;
        }
        if self.mode == Mode::Insert {
            return Handled::No;
        }
        let c = match k.code {
            KeyCode::Char(c) if !ctrl && !alt => c,
            // Arrows move in normal and visual mode too.
            KeyCode::Left => 'h',
            KeyCode::Right => 'l',
            KeyCode::Up => 'k',
            KeyCode::Down => 'j',
            KeyCode::Home => '0',
            KeyCode::End => '$',
            _ => return Handled::No,
        };
        match self.mode {
            Mode::Visual | Mode::VisualLine => self.visual(ta, c),
            _ => self.normal(ta, c),
        }
    }

    fn normal(&mut self, ta: &mut TextArea, c: char) -> Handled {
        let pending = std::mem::replace(&mut self.pending, Pending::None);
        match pending {
            Pending::Op(op) if c == op => return self.whole_lines(ta, op),
            Pending::Op(op) if c == 'g' => {
                self.pending = Pending::OpG(op);
                return Handled::Moved;
            }
            Pending::Op(op) | Pending::OpG(op) => {
                return match motion_of(c, pending == Pending::OpG(op)) {
                    Some(m) => self.operate(ta, op, m),
                    None => Handled::Moved, // an unknown motion cancels the operator
                };
            }
            Pending::G if c == 'g' => {
                ta.move_cursor(CursorMove::Top);
                ta.move_cursor(CursorMove::Head);
                return Handled::Moved;
            }
            Pending::G | Pending::None => {}
        }
        if let Some(m) = motion_of(c, false) {
            self.apply(ta, m);
            on_a_character(ta);
            return Handled::Moved;
        }
        let edited = match c {
            'g' => {
                self.pending = Pending::G;
                return Handled::Moved;
            }
            'd' | 'c' | 'y' => {
                self.pending = Pending::Op(c);
                return Handled::Moved;
            }
            'x' => line_len(ta, ta.cursor().0) > ta.cursor().1 && ta.delete_next_char(),
            'p' => self.put(ta),
            'u' => ta.undo(),
            'i' => return self.insert(),
            'a' => {
                if ta.cursor().1 < line_len(ta, ta.cursor().0) {
                    ta.move_cursor(CursorMove::Forward);
                }
                return self.insert();
            }
            'A' => {
                ta.move_cursor(CursorMove::End);
                return self.insert();
            }
            'I' => {
                ta.move_cursor(CursorMove::Head);
                return self.insert();
            }
            'o' => {
                ta.move_cursor(CursorMove::End);
                ta.insert_newline();
                self.mode = Mode::Insert;
                return Handled::Edited;
            }
            'O' => {
                ta.move_cursor(CursorMove::Head);
                ta.insert_newline();
                ta.move_cursor(CursorMove::Up);
                self.mode = Mode::Insert;
                return Handled::Edited;
            }
            'v' | 'V' => {
                self.anchor = ta.cursor();
                self.head = self.anchor;
                self.mode = if c == 'v' { Mode::Visual } else { Mode::VisualLine };
                self.select_visual(ta);
                return Handled::Moved;
            }
            _ => return Handled::Moved, // normal mode never types text
        };
        if edited { Handled::Edited } else { Handled::Moved }
    }

    fn insert(&mut self) -> Handled {
        self.mode = Mode::Insert;
        Handled::Moved
    }

    /// Moves the cursor by `m` (no selection involved).
    fn apply(&self, ta: &mut TextArea, m: Motion) {
        let (r, c) = ta.cursor();
        match m {
            // h and l stay on the line, as in vim.
            Motion::Chars(CursorMove::Back) if c == 0 => {}
            Motion::Chars(CursorMove::Forward) if c >= line_len(ta, r) => {}
            Motion::Chars(mv) => ta.move_cursor(mv),
            Motion::WordEnd => ta.move_cursor(CursorMove::WordEnd),
            Motion::Lines(mv) => ta.move_cursor(mv),
        }
        if matches!(m, Motion::Lines(CursorMove::Top | CursorMove::Bottom)) {
            ta.move_cursor(CursorMove::Head);
        }
    }

    /// `d`, `c` or `y` over motion `m`.
    fn operate(&mut self, ta: &mut TextArea, op: char, m: Motion) -> Handled {
        let from = ta.cursor();
        match m {
            Motion::Lines(_) => {
                self.apply(ta, m);
                let to = ta.cursor().0;
                let (top, bottom) = (from.0.min(to), from.0.max(to));
                if op == 'c' {
                    return self.change_lines(ta, top, bottom);
                }
                select_lines(ta, top, bottom);
                self.linewise = true;
                self.finish(ta, op, Some(top))
            }
            Motion::Chars(_) | Motion::WordEnd => {
                ta.cancel_selection();
                ta.start_selection();
                // `cw` changes to the end of the word, as in vim.
                let m = if op == 'c' && m == Motion::Chars(CursorMove::WordForward) { Motion::WordEnd } else { m };
                self.apply(ta, m);
                if m == Motion::WordEnd {
                    ta.move_cursor(CursorMove::Forward); // the last character is included
                }
                self.linewise = false;
                self.finish(ta, op, None)
            }
        }
    }

    /// `dd`, `cc`, `yy`: the cursor's line.
    fn whole_lines(&mut self, ta: &mut TextArea, op: char) -> Handled {
        let row = ta.cursor().0;
        if op == 'c' {
            return self.change_lines(ta, row, row);
        }
        select_lines(ta, row, row);
        self.linewise = true;
        self.finish(ta, op, Some(row))
    }

    /// `c` over whole lines: their text goes, one empty line stays, insert mode.
    fn change_lines(&mut self, ta: &mut TextArea, top: usize, bottom: usize) -> Handled {
        ta.cancel_selection();
        jump(ta, (top, 0));
        ta.start_selection();
        jump(ta, (bottom, line_len(ta, bottom)));
        ta.cut();
        self.linewise = false;
        self.mode = Mode::Insert;
        Handled::Edited
    }

    /// Applies `op` to the selection; line operations leave the cursor at `row`'s start.
    fn finish(&mut self, ta: &mut TextArea, op: char, row: Option<usize>) -> Handled {
        let handled = match op {
            'y' => {
                let start = ta.selection_range().map(|(a, _)| a);
                ta.copy();
                ta.cancel_selection();
                if let Some(start) = start {
                    jump(ta, start);
                }
                Handled::Moved
            }
            _ => {
                let cut = ta.cut();
                if op == 'c' {
                    self.mode = Mode::Insert;
                }
                if cut { Handled::Edited } else { Handled::Moved }
            }
        };
        if self.linewise {
            // The yank holds the lines' text without the break that joined them.
            let text = ta.yank_text();
            let text = text.strip_suffix('\n').or_else(|| text.strip_prefix('\n')).unwrap_or(&text).to_string();
            ta.set_yank_text(text);
            if let Some(r) = row {
                jump(ta, (r.min(ta.lines().len().saturating_sub(1)), 0));
            }
        }
        if self.mode != Mode::Insert {
            self.mode = Mode::Normal;
        }
        handled
    }

    /// `p`: after the cursor, or (lines) below the cursor's line.
    fn put(&mut self, ta: &mut TextArea) -> bool {
        let text = ta.yank_text();
        if text.is_empty() {
            return false;
        }
        if self.linewise {
            ta.move_cursor(CursorMove::End);
            ta.insert_newline();
            let row = ta.cursor().0;
            ta.insert_str(&text);
            jump(ta, (row, 0));
            return true;
        }
        if ta.cursor().1 < line_len(ta, ta.cursor().0) {
            ta.move_cursor(CursorMove::Forward);
        }
        ta.insert_str(&text);
        ta.move_cursor(CursorMove::Back);
        true
    }

    fn visual(&mut self, ta: &mut TextArea, c: char) -> Handled {
        let pending = std::mem::replace(&mut self.pending, Pending::None);
        jump(ta, self.head);
        ta.cancel_selection();
        let motion = match c {
            'g' if pending != Pending::G => {
                self.pending = Pending::G;
                None
            }
            _ => motion_of(c, pending == Pending::G),
        };
        if let Some(m) = motion {
            self.apply(ta, m);
            on_a_character(ta);
        }
        self.head = ta.cursor();
        let op = match (c, self.mode) {
            ('v', Mode::Visual) | ('V', Mode::VisualLine) => {
                self.mode = Mode::Normal;
                return Handled::Moved;
            }
            ('v', _) => {
                self.mode = Mode::Visual;
                None
            }
            ('V', _) => {
                self.mode = Mode::VisualLine;
                None
            }
            ('d' | 'x', _) => Some('d'),
            ('c', _) => Some('c'),
            ('y', _) => Some('y'),
            _ => None,
        };
        self.select_visual(ta);
        match op {
            Some(op) => {
                let row = (self.mode == Mode::VisualLine).then(|| self.anchor.0.min(self.head.0));
                self.linewise = row.is_some();
                if self.linewise {
                    let (top, bottom) = (self.anchor.0.min(self.head.0), self.anchor.0.max(self.head.0));
                    if op == 'c' {
                        return self.change_lines(ta, top, bottom);
                    }
                    select_lines(ta, top, bottom);
                }
                self.finish(ta, op, row)
            }
            None => Handled::Moved,
        }
    }

    /// Selects from the anchor to the cursor, both ends included (lines: whole lines).
    pub fn select_visual(&self, ta: &mut TextArea) {
        let cursor = self.head;
        ta.cancel_selection();
        let (a, b) = (self.anchor.min(cursor), self.anchor.max(cursor));
        match self.mode {
            Mode::VisualLine => {
                let (top, bottom) = (a.0, b.0);
                if cursor.0 < self.anchor.0 {
                    jump(ta, (bottom, line_len(ta, bottom)));
                    ta.start_selection();
                    jump(ta, (top, 0));
                } else {
                    jump(ta, (top, 0));
                    ta.start_selection();
                    jump(ta, (bottom, line_len(ta, bottom)));
                }
            }
            _ if cursor < self.anchor => {
                jump(ta, (b.0, (b.1 + 1).min(line_len(ta, b.0))));
                ta.start_selection();
                jump(ta, a);
            }
            _ => {
                jump(ta, a);
                ta.start_selection();
                jump(ta, (b.0, (b.1 + 1).min(line_len(ta, b.0))));
            }
        }
    }
}

#[cfg(test)]
#[path = "vim_tests.rs"]
mod tests;
