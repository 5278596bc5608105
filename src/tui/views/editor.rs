//! The editor pane: tab bar (title and profile of each tab), line numbers, SQL highlighting,
//! the selection and the cursor, and the completion popup. Only the visible lines are styled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use crate::tui::highlight::{Kind, line_spans};
use crate::tui::state::{Focus, RunState, State, Tab};
use crate::tui::theme::Theme;
use crate::tui::views::{focused, pane_block};

/// Width of the line-number gutter ("1234 ").
pub const GUTTER: usize = 5;

fn tab_bar<'a>(s: &'a State) -> Line<'a> {
    let t = &s.theme;
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in s.tabs.iter().enumerate() {
        let running = if matches!(tab.run, RunState::Running { .. }) { format!("{} ", t.glyphs.running) } else { String::new() };
        let label = format!(" {running}{} {} {} ", i + 1, tab.title, tab.profile);
        let style = if i == s.active { t.tab_active } else { t.tab };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let has_focus = focused(s, Focus::Editor);
    let outer = pane_block(t, tab_bar(s), has_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let Some(tab) = s.tab() else { return };
    let lines = visible_lines(tab, t, inner.height as usize, (inner.width as usize).saturating_sub(GUTTER), has_focus);
    f.render_widget(Paragraph::new(lines), inner);
    if has_focus {
        crate::tui::views::complete::draw(f, s, inner);
    }
}

fn style_of(t: &Theme, k: Kind) -> Style {
    match k {
        Kind::Plain => t.text,
        Kind::Keyword => t.keyword,
        Kind::Str => t.string,
        Kind::Number => t.number,
        Kind::Comment => t.comment,
        Kind::Param => t.param,
    }
}

/// The styled lines of the editor's window.
pub fn visible_lines<'a>(tab: &Tab, t: &Theme, height: usize, width: usize, show_cursor: bool) -> Vec<Line<'a>> {
    let lines = tab.editor.lines();
    let (top, left) = tab.scroll;
    let (cur_r, cur_c) = tab.editor.cursor();
    let sel = tab.editor.selection_range();
    // Block comments open before the window still colour it.
    let mut in_block = false;
    for l in lines.iter().take(top) {
        line_spans(l, &mut in_block);
    }
    let mut out = Vec::with_capacity(height);
    for (r, line) in lines.iter().enumerate().skip(top).take(height) {
        let spans = line_spans(line, &mut in_block);
        let mut styled: Vec<Span> = vec![Span::styled(format!("{:>4} ", r + 1), t.dim)];
        let mut run = String::new();
        let mut run_style = t.text;
        let mut used = 0;
        let mut span_i = 0;
        let chars = line.char_indices().chain(std::iter::once((line.len(), ' ')));
        for (col, (byte, ch)) in chars.enumerate() {
            let at_end = byte == line.len();
            if at_end && !(show_cursor && r == cur_r && col == cur_c) {
                break;
            }
            if col < left {
                continue;
            }
            let w = ch.width().unwrap_or(0);
            if used + w > width {
                break;
            }
            while span_i < spans.len() && spans[span_i].1 <= byte {
                span_i += 1;
            }
            let mut style = spans.get(span_i).map(|sp| style_of(t, sp.2)).unwrap_or(t.text);
            if sel.is_some_and(|((r1, c1), (r2, c2))| (r, col) >= (r1, c1) && (r, col) < (r2, c2)) {
                style = t.selection;
            }
            if show_cursor && r == cur_r && col == cur_c {
                style = style.patch(t.cursor);
            }
            if style != run_style && !run.is_empty() {
                styled.push(Span::styled(std::mem::take(&mut run), run_style));
            }
            run_style = style;
            run.push(if ch == '\t' { ' ' } else { ch });
            used += w.max(usize::from(ch == '\t'));
        }
        if !run.is_empty() {
            styled.push(Span::styled(run, run_style));
        }
        out.push(Line::from(styled));
    }
    out
}
