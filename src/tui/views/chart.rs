//! The chart pane: the active tab's result drawn by `crate::chart::render_chart`, following
//! the saved query's `-- chart:` header line (else: first date column, every numeric column).
//! Braille on Unicode terminals, ASCII markers with `--ascii`/TERM=dumb, no colour in mono.
//! Toggle: `toggle_chart` (F7); in the grid, `v` cycles the view (raw, rebased, log,
//! drawdown), `+`/`-` zoom, `<`/`>` pan, `0` resets, `x` the crosshair (its readout on the
//! pane's last row). Bad input is said in the pane. The chart comes from
//! `State::chart_cache` (extracted once per result); nothing is extracted here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::chart::{ChartStyle, GlyphMode, readout};
use crate::tui::state::{RunState, State};
use crate::tui::views::{block, title};

/// The chart style for the theme: ASCII glyphs on ASCII terminals, no colour in mono.
pub fn style_for(s: &State) -> ChartStyle {
    let mut style = ChartStyle::default();
    if s.theme.glyphs.ascii {
        style.glyphs = GlyphMode::Ascii;
    }
    if s.theme.name == "mono" {
        style.colors.clear();
        style.axis = None;
    }
    style
}

pub fn draw(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let b = block(t, title(t, "Chart"), false);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let message = |f: &mut Frame, text: String| {
        f.render_widget(Paragraph::new(Line::styled(text, t.dim)).wrap(Wrap { trim: true }), inner);
    };
    let Some(tab) = s.tab() else {
        return message(f, "no tab open".into());
    };
    let RunState::Ready(result) = &tab.run else {
        return message(f, "run a query to chart its result".into());
    };
    // The chart was extracted once for this result by `update` (update/chart.rs).
    let Some(cache) = s.chart_cache.as_ref().filter(|c| c.key.0 == tab.id && c.key.1 == result.query_id) else {
        return message(f, "preparing the chart...".into());
    };
    let chart = match &cache.chart {
        Ok(chart) => chart,
        Err(e) => return message(f, e.to_string()),
    };
    let cursor = s.chart_cursor.and_then(|i| cache.stops.get(i).copied());
    let mut area = inner;
    if let Some(x) = cursor {
        area.height = area.height.saturating_sub(1);
        let line = match readout(chart, &s.chart_view, x) {
            Ok(text) => text,
            Err(e) => e.to_string(),
        };
        let at = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1.min(inner.height), ..inner };
        f.render_widget(Paragraph::new(Line::styled(line, t.text)), at);
    }
    if let Err(e) = crate::chart::draw(chart, &s.chart_view, &style_for(s), area, f.buffer_mut(), cursor) {
        message(f, e.to_string());
    }
}
