//! Keys of the record view: `j`/`k` read the next or previous row (the grid's cursor follows),
//! up/down select a column, page keys scroll its full value, `y` copies it, Esc closes.

use crate::tui::grid::Cell;
use crate::tui::keymap::Cmd;
use crate::tui::layout::areas_of as areas;
use crate::tui::state::{Effect, Overlay, RecordView, RunState, State};

/// Opens the record view on the grid's cursor cell.
pub fn open(s: &mut State) {
    let Some(RunState::Ready(rs)) = s.tab().map(|t| &t.run) else { return };
    if rs.rows() == 0 {
        return s.notify("the result has no rows to show", false);
    }
    s.overlay = Some(Overlay::Record(RecordView { field: rs.col, scroll: 0 }));
}

pub fn key(s: &mut State, cmd: Option<Cmd>, fx: &mut Vec<Effect>) {
    let height = areas(s).grid_rows().max(1);
    let Some(Overlay::Record(view)) = &mut s.overlay else { return };
    let Some(RunState::Ready(rs)) = s.tabs.get_mut(s.active).map(|t| &mut t.run) else {
        s.overlay = None;
        return;
    };
    let (row, cols) = (rs.row as isize, rs.cols());
    match cmd {
        Some(Cmd::NextRow) => rs.move_to(row + 1, view.field as isize, height),
        Some(Cmd::PrevRow) => rs.move_to(row - 1, view.field as isize, height),
        Some(Cmd::Down) => view.field = (view.field + 1).min(cols.saturating_sub(1)),
        Some(Cmd::Up) => view.field = view.field.saturating_sub(1),
        Some(Cmd::Top) => view.field = 0,
        Some(Cmd::Bottom) => view.field = cols.saturating_sub(1),
        Some(Cmd::PageDown) => view.scroll += 5,
        Some(Cmd::PageUp) => view.scroll = view.scroll.saturating_sub(5),
        Some(Cmd::CopyCell) => {
            let text = match rs.cell(rs.row, view.field) {
                Cell::Null => String::new(),
                Cell::Value(v) => v,
            };
            let msg = format!("copied the value ({} characters) to the clipboard", text.chars().count());
            fx.push(Effect::Copy(text));
            return s.notify(msg, false);
        }
        Some(Cmd::Close) => {
            rs.move_to(row, view.field as isize, height);
            s.overlay = None;
            return;
        }
        _ => return,
    }
    if matches!(cmd, Some(Cmd::NextRow | Cmd::PrevRow | Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom)) {
        view.scroll = 0;
    }
    s.dirty = true;
}
