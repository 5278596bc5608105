//! The saved-query browser: folders and queries (fuzzy-filtered), and a preview of the
//! selected query's header (name, description, engine, params, tags).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::browser::Row;
use crate::tui::state::{Focus, State};
use crate::tui::views::{block, pane_block, fit, focused, title};

pub fn draw_list(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let g = &t.glyphs;
    let b = &s.browser;
    let has_focus = focused(s, Focus::Browser);
    let outer = pane_block(t, title(t, format!("Queries ({})", b.items.len())), has_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    let mut height = inner.height as usize;
    if b.filtering || !b.filter.is_empty() {
        let cursor = if b.filtering { "_" } else { "" };
        lines.push(Line::from(vec![Span::styled("/", t.param), Span::styled(fit(&format!("{}{cursor}", b.filter), width.saturating_sub(1), g.ellipsis), t.text)]));
        height = height.saturating_sub(1);
    }
    let rows = b.rows();
    if rows.is_empty() {
        let msg = if b.items.is_empty() { "no saved queries found (queries/ or the user query dir)" } else { "no query matches the filter" };
        lines.push(Line::styled(fit(msg, width, g.ellipsis), t.dim));
    }
    let start = (b.selected + 1).saturating_sub(height.max(1));
    for (i, row) in rows.iter().enumerate().skip(start).take(height) {
        let (text, style) = match row {
            Row::Group(item) => {
                let group = b.items.get(*item).map(|q| q.group.as_str()).unwrap_or("");
                let open = b.filter.is_empty() && b.collapsed.contains(group);
                let mark = if open { g.folder_closed } else { g.folder_open };
                (format!("{mark} {group}"), t.header)
            }
            Row::Query(item) => {
                let q = b.items.get(*item);
                let bad = q.is_some_and(|q| q.header.is_err());
                let name = q.map(|q| q.title()).unwrap_or("");
                (format!("  {}{name}", if bad { "! " } else { "" }), if bad { t.error } else { t.text })
            }
        };
        let mut text = fit(&text, width, g.ellipsis);
        let style = if i == b.selected {
            let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            text.push_str(&" ".repeat(pad));
            if has_focus { t.cell_cursor } else { t.row_cursor }
        } else {
            style
        };
        lines.push(Line::styled(text, style));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn draw_preview(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let mut lines = Vec::new();
    match s.browser.selected_query() {
        None => lines.push(Line::styled("select a query to see its header", t.dim)),
        Some(q) => match &q.header {
            Err(e) => lines.push(Line::styled(e.clone(), t.error)),
            Ok(h) => {
                lines.push(Line::styled(q.title().to_string(), t.title));
                if let Some(d) = &h.description {
                    lines.push(Line::styled(d.clone(), t.text));
                }
                lines.push(Line::from(vec![Span::styled("engine ", t.dim), Span::styled(h.engine.clone().unwrap_or_else(|| "any".into()), t.text)]));
                for p in &h.params {
                    let default = p.default.as_deref().map(|d| format!(" = {d}")).unwrap_or_default();
                    lines.push(Line::from(vec![
                        Span::styled(format!(":{}", p.name), t.param),
                        Span::styled(format!(" {}{default}", type_name(&p.ty)), t.text),
                    ]));
                }
                if !h.tags.is_empty() {
                    lines.push(Line::styled(format!("tags {}", h.tags.join(", ")), t.dim));
                }
                for w in &h.warnings {
                    lines.push(Line::styled(w.clone(), t.notice)); // a likely typo of a header key
                }
                lines.push(Line::styled(q.path.display().to_string(), t.dim));
            }
        },
    }
    let p = Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, title(t, "Header"), false));
    f.render_widget(p, area);
}

/// How a parameter type is written in a header.
pub fn type_name(ty: &crate::library::ParamType) -> String {
    use crate::library::ParamType as T;
    match ty {
        T::Text => "text".into(),
        T::Int => "int".into(),
        T::Float => "float".into(),
        T::Date => "date".into(),
        T::Bool => "bool".into(),
        T::List(inner) => format!("list<{}>", type_name(inner)),
        T::Choice(c) => format!("choice({})", c.join("|")),
    }
}
