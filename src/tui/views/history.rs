//! The history pane: the run ledger newest first, one line per run (time in UTC, outcome,
//! rows, duration, estimated and read bytes, cost, profile, the SQL's first line; narrow
//! screens leave out bytes and profile), and below it the selected run in full: profile,
//! estimate against actual, outcome, SQL.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::estimate::bill::{human_bytes, human_usd};
use crate::history::Run;
use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{HistoryView, State};
use crate::tui::theme::Theme;
use crate::tui::views::grid::{duration, thousands};
use crate::tui::views::{block, centered, fit, title};

/// Lines under the list for the selected run.
const PREVIEW: u16 = 4;

/// The outcome in one word: ok, error, cancelled, refused, not run.
pub fn status_word(outcome: &str) -> &'static str {
    if outcome == "ok" {
        "ok"
    } else if outcome.starts_with("error: not run") {
        "not run"
    } else if outcome.starts_with("error") {
        "error"
    } else if outcome.starts_with("refused") {
        "refused"
    } else if outcome.starts_with("cancelled") {
        "cancelled"
    } else {
        "other"
    }
}

/// The first SQL line (comment lines skipped).
fn first_line(sql: &str) -> &str {
    sql.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("--")).unwrap_or("")
}

fn opt_bytes(b: Option<u64>) -> String {
    b.map(human_bytes).unwrap_or_else(|| "-".into())
}

/// Below this inner width the list leaves out the bytes and the profile (the preview has them).
const WIDE: usize = 110;

/// One run's line, and the header above the lines (wide or narrow columns).
fn row(r: Option<&Run>, wide: bool) -> String {
    let cell = |f: &dyn Fn(&Run) -> String, head: &str| r.map(f).unwrap_or_else(|| head.to_string());
    let time = cell(&|r| r.time.format("%m-%d %H:%M").to_string(), "time");
    let status = cell(&|r| status_word(&r.outcome).to_string(), "status");
    let rows = cell(&|r| r.rows.map(|n| thousands(n as usize)).unwrap_or_else(|| "-".into()), "rows");
    let took = cell(&|r| duration(std::time::Duration::from_millis(r.duration_ms)), "took");
    let cost = cell(&|r| r.cost_usd.map(human_usd).unwrap_or_else(|| "-".into()), "cost");
    let sql = cell(&|r| first_line(&r.sql).to_string(), "sql");
    if wide {
        let est = cell(&|r| opt_bytes(r.estimated_bytes), "estimate");
        let read = cell(&|r| opt_bytes(r.actual_bytes), "read");
        let profile = cell(&|r| r.profile.clone(), "profile");
        format!("{time:<11} {status:<9} {rows:>9} {took:>7} {est:>9} {read:>9} {cost:>10}  {profile:<10} {sql}")
    } else {
        format!("{time:<11} {status:<9} {rows:>9} {took:>7} {cost:>10}  {sql}")
    }
}

fn priced(bytes: Option<u64>, cost: Option<f64>) -> String {
    match (bytes, cost) {
        (Some(b), Some(c)) => format!("{} ({})", human_bytes(b), human_usd(c)),
        (Some(b), None) => human_bytes(b),
        _ => "-".into(),
    }
}

/// The selected run in full: when, where, rows; estimate against actual; the outcome when
/// it is not ok; the SQL.
fn preview(r: &Run, t: &Theme) -> Vec<Line<'static>> {
    let dot = t.glyphs.dot;
    let rows = r.rows.map(|n| format!(" {dot} {} rows in {}", thousands(n as usize), duration(std::time::Duration::from_millis(r.duration_ms))));
    let when = format!("{} UTC {dot} {} ({}){}", r.time.format("%Y-%m-%d %H:%M:%S"), r.profile, r.engine, rows.unwrap_or_default());
    let err = r.estimate_error_pct().map(|e| format!(" {dot} estimate off by {e:+.1}%")).unwrap_or_default();
    let bytes = format!("est {} {dot} read {}{err}", priced(r.estimated_bytes, r.estimated_cost_usd), priced(r.actual_bytes, r.cost_usd));
    let mut lines = vec![Line::styled(when, t.text), Line::styled(bytes, t.text)];
    if r.outcome != "ok" {
        let style = if status_word(&r.outcome) == "cancelled" { t.dim } else { t.error };
        lines.push(Line::styled(r.outcome.clone(), style));
    }
    let sql = r.sql.lines().map(str::trim_end).filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"));
    lines.extend(sql.map(|l| Line::styled(l.to_string(), t.param)));
    lines.truncate(PREVIEW as usize);
    lines
}

pub fn draw(f: &mut Frame, s: &State, h: &HistoryView) {
    let t = &s.theme;
    let ell = t.glyphs.ellipsis;
    let screen = f.area();
    let area = centered(screen, screen.width.saturating_sub(2).min(160), screen.height.saturating_sub(2));
    let outer = block(t, title(t, "History (the run ledger, newest first; times in UTC)"), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    let w = inner.width as usize;
    let runs = h.visible();
    let list_h = inner.height.saturating_sub(PREVIEW + 3) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let wide = w >= WIDE;
    lines.push(Line::styled(fit(&row(None, wide), w, ell), t.header));
    match &h.runs {
        None => lines.push(Line::styled(format!("reading the ledger{ell}"), t.dim)),
        Some(Err(e)) => lines.push(Line::styled(e.clone(), t.error)),
        Some(Ok(all)) if all.is_empty() => {
            lines.push(Line::styled("no runs yet: every run (F5, or fathom run) is recorded here", t.dim));
        }
        Some(Ok(_)) if runs.is_empty() => lines.push(Line::styled(format!("no run matches '{}'", h.filter), t.dim)),
        Some(Ok(_)) => {
            let start = (h.selected + 1).saturating_sub(list_h.max(1));
            for (i, r) in runs.iter().enumerate().skip(start).take(list_h) {
                let style = if i == h.selected {
                    t.cell_cursor
                } else if matches!(status_word(&r.outcome), "error" | "refused") {
                    t.error
                } else {
                    t.text
                };
                lines.push(Line::styled(fit(&row(Some(r), wide), w, ell), style));
            }
        }
    }
    lines.resize(list_h + 1, Line::default());
    f.render_widget(Paragraph::new(lines), Rect { height: (list_h + 1) as u16, ..inner });

    let below = Rect { y: inner.y + list_h as u16 + 1, height: inner.height.saturating_sub(list_h as u16 + 1), ..inner };
    let rule = if t.glyphs.ascii { "-" } else { "─" };
    let mut lines: Vec<Line> = vec![Line::styled(rule.repeat(w), t.border)];
    let mut detail = runs.get(h.selected).map(|r| preview(r, t)).unwrap_or_default();
    detail.resize(PREVIEW as usize, Line::default());
    lines.extend(detail.into_iter().map(|l| {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        Line::styled(fit(&text, w, ell), l.style)
    }));
    let key = |cmd: Cmd| s.keymap.key_for(Context::Catalog, cmd).unwrap_or("?").to_string();
    let dot = t.glyphs.dot;
    let footer = if h.filtering || !h.filter.is_empty() {
        let cursor = if h.filtering { "_" } else { "" };
        format!("filter: {}{cursor} {dot} enter keep {dot} esc clear", h.filter)
    } else {
        format!("{} open in a new tab {dot} {} filter {dot} {} close", key(Cmd::Submit), key(Cmd::Filter), key(Cmd::Close))
    };
    lines.push(Line::styled(fit(&footer, w, ell), t.dim));
    f.render_widget(Paragraph::new(lines), below);
}
