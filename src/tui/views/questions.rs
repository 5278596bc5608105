//! Two questions the workbench asks: quitting with queries running (stop them, or leave
//! them running on their servers), and, at start, the queries an earlier session left
//! running (re-attach them).

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{DetachedOffer, State};
use crate::tui::views::{block, centered, fit, title};

fn key(s: &State, cmd: Cmd) -> String {
    s.keymap.key_for(Context::Dialog, cmd).unwrap_or("?").to_string()
}

fn dialog(f: &mut Frame, s: &State, heading: String, lines: Vec<(String, ratatui::style::Style)>) {
    let t = &s.theme;
    let width = 72u16.min(f.area().width);
    let inner_w = width.saturating_sub(2) as usize;
    let lines: Vec<Line> = lines.into_iter().map(|(text, style)| Line::styled(fit(&text, inner_w, t.glyphs.ellipsis), style)).collect();
    let area = centered(f.area(), width, u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2));
    let outer = block(t, title(t, heading), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn draw_quit(f: &mut Frame, s: &State, running: usize) {
    let t = &s.theme;
    let dot = t.glyphs.dot;
    let queries = if running == 1 { "1 query is".to_string() } else { format!("{running} queries are") };
    let lines = vec![
        (format!("{queries} still running."), t.text),
        (format!("{} stop them on their servers, then quit (the default)", key(s, Cmd::Confirm)), t.text),
        (format!("{} leave them running: they keep billing; the next start offers them again", key(s, Cmd::Leave)), t.notice),
        (format!("   (only queries that can outlive fathom keep running; the others stop) {dot} {} stay", key(s, Cmd::Close)), t.dim),
    ];
    dialog(f, s, "Quit?".into(), lines);
}

pub fn draw_detached(f: &mut Frame, s: &State, offer: &DetachedOffer) {
    let t = &s.theme;
    let n = offer.runs.len();
    let mut lines = vec![(
        format!("{} still running on the server from your last session:", if n == 1 { "1 query".to_string() } else { format!("{n} queries") }),
        t.text,
    )];
    for r in &offer.runs {
        let sql = r.sql.split_whitespace().collect::<Vec<_>>().join(" ");
        lines.push((format!("  {} {} {}  {sql}", r.engine, r.profile, r.query_id.as_deref().unwrap_or("?")), t.dim));
    }
    lines.push((String::new(), t.text));
    lines.push((
        format!("{} re-attach (each in a new tab, rows when it finishes) {} {} not now (`fathom history` lists them)", key(s, Cmd::Confirm), t.glyphs.dot, key(s, Cmd::Close)),
        t.dim,
    ));
    dialog(f, s, "Queries left running".into(), lines);
}
