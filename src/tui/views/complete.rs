//! The completion popup: drawn under the cursor's line (above it when there is no room
//! below), aligned with the word being completed, in the theme's colours and glyphs. While
//! the names it needs still load and nothing matches yet, it says so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::tui::state::State;
use crate::tui::views::{block, fit};

/// At most this many candidates show at once.
const ROWS: usize = 8;
const MAX_WIDTH: usize = 48;

/// Draws the popup of the active tab over `editor` (the editor's inner area).
pub fn draw(f: &mut Frame, s: &State, editor: Rect) {
    let (Some(p), Some(tab)) = (&s.complete.popup, s.tab()) else { return };
    if p.tab != tab.id {
        return;
    }
    let t = &s.theme;
    let (top, left) = tab.scroll;
    let line = tab.editor.lines().get(p.row).map(String::as_str).unwrap_or("");
    let before: String = line.chars().skip(left).take(p.col.saturating_sub(left)).collect();
    let x = editor.x as usize + super::editor::GUTTER + before.width();
    let y = editor.y as usize + p.row.saturating_sub(top);
    let marker = if t.glyphs.ascii { "> " } else { "▸ " };
    let lines: Vec<Line> = if p.items.is_empty() {
        vec![Line::styled(format!(" loading names{} ", t.glyphs.ellipsis), t.dim)]
    } else {
        let first = p.selected.saturating_sub(ROWS - 1);
        let text_w = p.items.iter().map(|i| i.text.width()).max().unwrap_or(0).min(MAX_WIDTH - 10);
        p.items
            .iter()
            .enumerate()
            .skip(first)
            .take(ROWS)
            .map(|(i, item)| {
                let chosen = i == p.selected;
                let name = fit(&item.text, text_w, t.glyphs.ellipsis);
                let pad = text_w.saturating_sub(name.width());
                let body = format!("{}{name}{} {:<6}", if chosen { marker } else { "  " }, " ".repeat(pad), item.kind.tag());
                Line::from(Span::styled(body, if chosen { t.selection } else { t.text }))
            })
            .collect()
    };
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
    let height = lines.len() + 2;
    let area = f.area();
    let below = y + 1 + height <= (area.y + area.height) as usize;
    let y = if below { y + 1 } else { y.saturating_sub(height) };
    let x = x.saturating_sub(2).min((area.x + area.width) as usize - width.min(area.width as usize));
    let rect = Rect::new(x as u16, y as u16, width as u16, height as u16).intersection(area);
    f.render_widget(Clear, rect);
    let title = format!(" {}/{} ", if p.items.is_empty() { 0 } else { p.selected + 1 }, p.items.len());
    f.render_widget(Paragraph::new(lines).block(block(t, title, true)), rect);
}
