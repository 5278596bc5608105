//! Dialogs over the panes: the parameter form (one typed field per parameter, the error
//! under the field) and one-line prompts (jump to row, export, save as).

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::library::ParamType;
use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{ParamForm, Prompt, PromptKind, QualityView, State};
use crate::tui::views::browser::type_name;
use crate::tui::views::{block, centered, fit, title};

fn key(s: &State, ctx: Context, cmd: Cmd) -> String {
    s.keymap.key_for(ctx, cmd).unwrap_or("?").to_string()
}

pub fn draw_form(f: &mut Frame, s: &State, form: &ParamForm) {
    let t = &s.theme;
    let tab_title = s.tabs.iter().find(|tab| tab.id == form.tab).map(|tab| tab.title.as_str()).unwrap_or("");
    let rows: u16 = form.fields.iter().map(|fl| 2 + u16::from(fl.error.is_some())).sum();
    let area = centered(f.area(), 64, rows + 4);
    let outer = block(t, title(t, format!("Parameters of {tab_title}")), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let hint = match &field.decl.ty {
            ParamType::Choice(_) | ParamType::Bool => " (left/right)",
            ParamType::List(_) => " (comma-separated)",
            ParamType::Date => " (YYYY-MM-DD)",
            _ => "",
        };
        lines.push(Line::from(vec![
            Span::styled(format!(":{}", field.decl.name), t.param),
            Span::styled(format!(" {}{hint}", type_name(&field.decl.ty)), t.dim),
        ]));
        let active = i == form.focus;
        let cursor = if active { "_" } else { "" };
        let value = fit(&format!("{}{cursor}", field.value), width.saturating_sub(4), t.glyphs.ellipsis);
        let style = if active { t.selection } else { t.text };
        let pad = width.saturating_sub(4 + unicode_width::UnicodeWidthStr::width(value.as_str()));
        lines.push(Line::from(vec![Span::raw("  "), Span::styled(format!("{value}{}", " ".repeat(pad)), style)]));
        if let Some(e) = &field.error {
            lines.push(Line::styled(fit(&format!("  {e}"), width, t.glyphs.ellipsis), t.error));
        }
    }
    let verb = if form.then_run { "run" } else { "accept" };
    let dot = t.glyphs.dot;
    lines.push(Line::styled(
        format!(
            "{} next {dot} {} {verb} {dot} {} cancel",
            key(s, Context::Form, Cmd::NextField),
            key(s, Context::Form, Cmd::Submit),
            key(s, Context::Form, Cmd::Close)
        ),
        t.dim,
    ));
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn draw_prompt(f: &mut Frame, s: &State, p: &Prompt) {
    let t = &s.theme;
    let heading = match p.kind {
        PromptKind::JumpToRow => "Jump to row".to_string(),
        PromptKind::Export => "Export the result to (.csv .json .parquet .arrow)".to_string(),
        PromptKind::SaveQuery => format!("Save the tab as a saved query (in {})", s.user_query_dir.display()),
        PromptKind::Find => "Find in this tab (case-insensitive)".to_string(),
        PromptKind::GoToLine => format!("Go to line (1 to {})", s.tab().map(|t| t.editor.lines().len()).unwrap_or(1)),
        PromptKind::OpenFile => "Open a .sql file in a new tab (Tab completes the path)".to_string(),
    };
    let area = centered(f.area(), 64, 5 + u16::from(p.error.is_some()) * 2);
    let outer = block(t, title(t, heading), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    let mut lines = vec![Line::styled(fit(&format!("{}_", p.input), inner.width as usize, t.glyphs.ellipsis), t.selection)];
    if let Some(e) = &p.error {
        lines.push(Line::styled(e.clone(), t.error));
    }
    lines.push(Line::styled(
        format!("{} accept {} {} cancel", key(s, Context::Prompt, Cmd::Submit), t.glyphs.dot, key(s, Context::Prompt, Cmd::Close)),
        t.dim,
    ));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}


/// What a list overlay shows: a heading, fixed lines above the list, the items (`Err`: one
/// message instead), the selected item and a footer of keys.
pub struct ListOverlay {
    pub width: u16,
    pub heading: String,
    pub header: Vec<Line<'static>>,
    pub items: Result<Vec<Line<'static>>, Line<'static>>,
    pub selected: usize,
    pub footer: String,
}

/// A centred list overlay, scrolled so the selected item stays visible and highlighted.
pub fn list_overlay(f: &mut Frame, s: &State, o: ListOverlay) {
    let t = &s.theme;
    let ListOverlay { width, heading, header, items, selected, footer } = o;
    let area = centered(f.area(), width, f.area().height.saturating_sub(4));
    let outer = block(t, title(t, heading), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    let list_h = (inner.height as usize).saturating_sub(1 + header.len());
    let height = list_h + header.len();
    let mut lines: Vec<Line> = header;
    lines.extend(match items {
        Err(message) => vec![message],
        Ok(items) => {
            let start = (selected + 1).saturating_sub(list_h.max(1));
            items
                .into_iter()
                .enumerate()
                .skip(start)
                .take(list_h)
                .map(|(i, line)| if i == selected { line.style(t.cell_cursor) } else { line })
                .collect()
        }
    });
    lines.resize(height, Line::default());
    lines.push(Line::styled(footer, t.dim));
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn footer(s: &State, action: &str) -> String {
    let t = &s.theme;
    format!("{} {action} {} {} close", key(s, Context::Catalog, Cmd::Submit), t.glyphs.dot, key(s, Context::Catalog, Cmd::Close))
}

/// The quality panel: each check's status and offending-row count, as `fathom check` prints.
pub fn draw_quality(f: &mut Frame, s: &State, q: &QualityView) {
    let t = &s.theme;
    let width = 76u16;
    let items = match &q.results {
        None => Err(Line::styled(format!("running the checks{}", t.glyphs.ellipsis), t.dim)),
        Some(Err(e)) => Err(Line::styled(e.clone(), t.error)),
        Some(Ok(results)) => Ok(results
            .iter()
            .map(|r| {
                let text = fit(&format!("{:<5} {:>6}  {}", r.status.label(), r.count, r.name), width as usize - 2, t.glyphs.ellipsis);
                let failed = matches!(r.status, crate::quality::Status::Fail | crate::quality::Status::Error);
                Line::styled(text, if failed { t.error } else { t.text })
            })
            .collect()),
    };
    let heading = format!("Data quality of {} (as of today)", q.profile);
    list_overlay(f, s, ListOverlay { width, heading, header: Vec::new(), items, selected: q.selected, footer: footer(s, "open the drill-down") });
}
