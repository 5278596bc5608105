//! The status line: profile and engine of the active tab, its run state with elapsed time,
//! the live estimate slot, and notices (which replace the hint on the right).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{EstimateState, RunState, State};
use crate::tui::views::fit;
use crate::tui::views::grid::{duration, thousands};

pub fn draw(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let Some(tab) = s.tab() else { return };
    let (run, run_style) = match &tab.run {
        _ if tab.pending.is_some() => (format!("{} checking the price{}", t.glyphs.running, t.glyphs.ellipsis), t.running),
        RunState::Idle => ("ready".to_string(), t.status),
        RunState::Running { since, progress, .. } => {
            let state = progress.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
            (format!("{} running {}{state}", t.glyphs.running, duration(s.now.saturating_duration_since(*since))), t.running)
        }
        RunState::Ready(rs) => (format!("{} rows in {}", thousands(rs.rows()), duration(rs.out.elapsed)), t.status),
        RunState::Failed(_) => ("failed".to_string(), t.error),
        RunState::Cancelled { .. } => ("cancelled".to_string(), t.status),
    };
    let estimate = match &tab.estimate {
        EstimateState::None => "estimate: —".to_string(),
        EstimateState::Pending(_) => "estimate: …".to_string(),
        EstimateState::Ready(k, e) if tab.cached.as_ref() == Some(k) => {
            format!("estimate: $0 (cached; {} if run fresh)", e.summary())
        }
        EstimateState::Ready(_, e) => {
            let warn = if e.warnings.is_empty() { String::new() } else { format!(" · {} warning(s)", e.warnings.len()) };
            format!("estimate: {}{warn}", e.summary())
        }
        EstimateState::Failed(_, e) => format!("estimate: {e}"),
    };
    let estimate = match s.complete.status(&tab.profile) {
        Some(names) => format!("{estimate}{}{names}{}", t.glyphs.sep, t.glyphs.ellipsis),
        None => estimate,
    };
    let estimate = if t.glyphs.ascii { estimate.replace('—', "-").replace('…', "...") } else { estimate };
    let sep = t.glyphs.sep;
    let mode = s.vim.as_ref().map(|v| format!(" -- {} --", v.mode.label())).unwrap_or_default();
    let left = format!("{mode} {} ({}){sep}", tab.profile, s.engine_of(&tab.profile));
    let help = s.keymap.key_for(Context::Global, Cmd::Help).unwrap_or("f1");
    let (right, right_style) = match &s.notice {
        Some(n) => (n.text.clone(), if n.error { t.error } else { t.notice }),
        None => (format!("{help} help "), t.status),
    };
    let used = left.chars().count() + run.chars().count() + sep.chars().count() + estimate.chars().count();
    let room = (area.width as usize).saturating_sub(used + 1);
    let right = fit(&right, room, t.glyphs.ellipsis);
    let gap = room.saturating_sub(unicode_width::UnicodeWidthStr::width(right.as_str()));
    let line = Line::from(vec![
        Span::styled(left, t.status),
        Span::styled(run, run_style.patch(t.status).patch(run_style)),
        Span::styled(format!("{sep}{estimate}"), t.status),
        Span::styled(" ".repeat(gap + 1), t.status),
        Span::styled(right, right_style.patch(t.status).patch(right_style)),
    ]);
    f.render_widget(Paragraph::new(line).style(t.status), area);
}
