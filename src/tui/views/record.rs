//! The record view (psql's `\x`): the grid's row vertically, one column a line (name, type,
//! value as the grid writes it), the selected column highlighted, and below the rule its full
//! value: wrapped at display width (Korean stays two columns a syllable), JSON pretty-printed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_segmentation::UnicodeSegmentation;

use crate::textwidth::{grapheme_width, width};
use crate::tui::grid::{Cell, ResultSet};
use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{RecordView, RunState, State};
use crate::tui::views::grid::thousands;
use crate::tui::views::{block, centered, fit, title};

/// The full value as the record view shows it: JSON objects and arrays pretty-printed.
pub fn full_value(text: &str) -> String {
    let t = text.trim();
    if ((t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']')))
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
        && let Ok(pretty) = serde_json::to_string_pretty(&v)
    {
        return pretty;
    }
    text.to_string()
}

/// `text` broken into lines of at most `width` display columns, at grapheme boundaries
/// (line breaks kept; tabs as one space).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let (mut cur, mut used) = (String::new(), 0);
        for g in line.graphemes(true) {
            let g = if g == "\t" { " " } else { g };
            let w = grapheme_width(g);
            if used + w > width && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                used = 0;
            }
            cur.push_str(g);
            used += w;
        }
        out.push(cur);
    }
    out
}

pub fn draw(f: &mut Frame, s: &State, view: &RecordView) {
    let Some(RunState::Ready(rs)) = s.tab().map(|t| &t.run) else { return };
    let t = &s.theme;
    let ell = t.glyphs.ellipsis;
    let screen = f.area();
    let area = centered(screen, screen.width.saturating_sub(4).min(140), screen.height.saturating_sub(2));
    let head = format!("Record {} of {}", thousands(rs.row + 1), thousands(rs.rows()));
    let outer = block(t, Line::from(vec![title(t, head), Span::styled(hint(s), t.dim)]), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    let w = inner.width as usize;
    let schema = rs.out.batch.schema();
    let fields = schema.fields();
    // The list takes at most half the height; the selected value the rest.
    let list_h = fields.len().min((inner.height as usize / 2).max(1));
    let start = (view.field + 1).saturating_sub(list_h);
    let name_w = fields.iter().map(|f| width(f.name())).max().unwrap_or(0).min(w / 3).max(4);
    let sep = t.glyphs.sep;
    let mut lines: Vec<Line> = Vec::new();
    for (c, field) in fields.iter().enumerate().skip(start).take(list_h) {
        let name = fit(field.name(), name_w, ell);
        let pad = " ".repeat(name_w.saturating_sub(width(&name)));
        let (value, style) = match rs.display(rs.row, c) {
            Cell::Null => (t.glyphs.null.to_string(), t.null),
            Cell::Value(v) => (v.trim_end().replace('\n', " "), t.text),
        };
        let value = fit(&value, w.saturating_sub(name_w + width(sep)), ell);
        let line = if c == view.field {
            Line::styled(format!("{name}{pad}{sep}{value}"), t.cell_cursor)
        } else {
            Line::from(vec![Span::styled(format!("{name}{pad}"), t.header), Span::styled(sep.to_string(), t.border), Span::styled(value, style)])
        };
        lines.push(line);
    }
    lines.resize(list_h, Line::default());
    f.render_widget(Paragraph::new(lines), Rect { height: list_h as u16, ..inner });

    let below = Rect { y: inner.y + list_h as u16, height: inner.height.saturating_sub(list_h as u16), ..inner };
    let rule = if t.glyphs.ascii { "-" } else { "─" };
    let mut lines = vec![Line::from(vec![Span::styled(rule.repeat(2), t.border), Span::styled(field_title(rs, view.field), t.title), Span::styled(rule.repeat(w), t.border)])];
    match rs.cell(rs.row, view.field) {
        Cell::Null => lines.push(Line::styled("NULL (no value; an empty string would show as nothing)", t.null)),
        Cell::Value(v) => {
            let wrapped = wrap(&full_value(&v), w);
            let scroll = view.scroll.min(wrapped.len().saturating_sub(1));
            lines.extend(wrapped.into_iter().skip(scroll).map(|l| Line::styled(l, t.text)));
        }
    }
    f.render_widget(Paragraph::new(lines), below);
}

/// ` ticker (Utf8, 6 characters) `: the selected column, its type and its value's length.
fn field_title(rs: &ResultSet, c: usize) -> String {
    let schema = rs.out.batch.schema();
    let Some(field) = schema.fields().get(c) else { return String::new() };
    let len = match rs.cell(rs.row, c) {
        Cell::Value(v) => format!(", {} characters", v.chars().count()),
        Cell::Null => String::new(),
    };
    format!(" {} ({}{len}) ", field.name(), field.data_type())
}

/// The keys, from the keymap: ` j/k row · ↑/↓ column · y copy · esc close `.
fn hint(s: &State) -> String {
    let key = |cmd| s.keymap.key_for(Context::Record, cmd).unwrap_or("?");
    let dot = s.theme.glyphs.dot;
    format!(
        " {}/{} row {dot} {}/{} column {dot} {} copy {dot} {} close ",
        key(Cmd::NextRow),
        key(Cmd::PrevRow),
        key(Cmd::Up),
        key(Cmd::Down),
        key(Cmd::CopyCell),
        key(Cmd::Close)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_korean_at_its_display_width_and_line_breaks() {
        let lines = wrap("삼성전자 SK하이닉스\nab", 6);
        assert_eq!(lines, ["삼성전", "자 SK", "하이닉", "스", "ab"]);
        assert!(lines.iter().all(|l| width(l) <= 6));
    }

    #[test]
    fn json_is_pretty_printed_and_other_text_is_kept() {
        assert_eq!(full_value(r#"{"a":1,"b":[2,3]}"#), "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ]\n}");
        assert_eq!(full_value("{not json"), "{not json");
        assert_eq!(full_value("plain"), "plain");
    }
}
