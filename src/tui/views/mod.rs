//! `draw(&State)`: renders the whole screen. Reads state only; never changes it.

pub mod browser;
pub mod budget;
pub mod catalog;
pub mod chart;
pub mod complete;
pub mod dialogs;
pub mod editor;
pub mod grid;
pub mod help;
pub mod palette;
pub mod history;
pub mod questions;
pub mod record;
pub mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::tui::state::{Focus, Overlay, State};
use crate::tui::theme::Theme;

/// Draws every pane, then the overlay on top.
pub fn draw(f: &mut Frame, s: &State) {
    let a = crate::tui::layout::areas_of(s);
    if let Some(r) = a.browser {
        browser::draw_list(f, s, r);
    }
    if let Some(r) = a.preview {
        browser::draw_preview(f, s, r);
    }
    editor::draw(f, s, a.editor);
    grid::draw(f, s, a.grid);
    if let Some(r) = a.chart {
        chart::draw(f, s, r);
    }
    status::draw(f, s, a.status);
    match &s.overlay {
        Some(Overlay::Help { scroll }) => help::draw(f, s, *scroll),
        Some(Overlay::Form(form)) => dialogs::draw_form(f, s, form),
        Some(Overlay::Prompt(p)) => dialogs::draw_prompt(f, s, p),
        Some(Overlay::Catalog(c)) => catalog::draw(f, s, c),
        Some(Overlay::Quality(q)) => dialogs::draw_quality(f, s, q),
        Some(Overlay::Budget(d)) => budget::draw(f, s, d),
        Some(Overlay::History(h)) => history::draw(f, s, h),
        Some(Overlay::Quit { running }) => questions::draw_quit(f, s, *running),
        Some(Overlay::Detached(offer)) => questions::draw_detached(f, s, offer),
        Some(Overlay::Record(view)) => record::draw(f, s, view),
        Some(Overlay::Palette(p)) => palette::draw(f, s, p),
        None => {}
    }
}

/// A bordered block with a title, highlighted when its pane has focus.
pub fn block<'a>(theme: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let border = if focused { theme.border_focus } else { theme.border };
    Block::default().borders(Borders::ALL).border_set(theme.glyphs.border).border_style(border).title(title)
}

/// A pane's block: when focused, a heavier border (thick lines; `#`/`=` in ASCII) and a
/// marker before the title (`▶`, `>` in ASCII), so focus shows without colour too.
pub fn pane_block<'a>(theme: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    if !focused {
        return block(theme, title, false);
    }
    let mut line: Line<'a> = title.into();
    line.spans.insert(0, Span::styled(theme.glyphs.focus_mark, theme.border_focus));
    Block::default().borders(Borders::ALL).border_set(theme.glyphs.border_focus).border_style(theme.border_focus).title(line)
}

/// A title span with padding.
pub fn title<'a>(theme: &Theme, text: impl Into<String>) -> Span<'a> {
    Span::styled(format!(" {} ", text.into()), theme.title)
}

pub fn focused(s: &State, pane: Focus) -> bool {
    s.focus == pane && s.overlay.is_none()
}

/// `text` cut to `width` display columns, ending in `ellipsis` when cut.
pub fn fit(text: &str, width: usize, ellipsis: &str) -> String {
    crate::textwidth::fit(text, width, ellipsis)
}

/// A rectangle of `w`×`h` centred in `r` (clamped to it).
pub fn centered(r: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(r.width);
    let h = h.min(r.height);
    Rect::new(r.x + (r.width - w) / 2, r.y + (r.height - h) / 2, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_display_width() {
        assert_eq!(fit("삼성전자", 8, "…"), "삼성전자");
        assert_eq!(fit("삼성전자", 6, "…"), "삼성…");
        assert_eq!(fit("abc\tdef", 10, "~"), "abcdef");
        assert_eq!(fit("abcdef", 4, "~"), "abc~");
    }
}
