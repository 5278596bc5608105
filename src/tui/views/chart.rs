//! The chart pane: the active tab's result drawn by `crate::chart::render_chart`, following
//! the saved query's `-- chart:` header line (else: first date column, every numeric column).
//! Braille on Unicode terminals, ASCII markers with `--ascii`/TERM=dumb, no colour in mono.
//! Toggle: `toggle_chart` (F7); in the grid, `v` cycles the view (raw, rebased, log,
//! drawdown), `+`/`-` zoom, `<`/`>` pan, `0` resets. Bad input is said in the pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::chart::{ChartSpec, ChartStyle, GlyphMode, render_chart};
use crate::library::parse_header;
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
    let header = parse_header(&tab.text(), std::path::Path::new(&tab.title)).unwrap_or_default();
    let spec = match header.chart.as_deref().map(ChartSpec::parse) {
        Some(Ok(spec)) => spec,
        Some(Err(e)) => return message(f, e.to_string()),
        None => ChartSpec::default(),
    };
    let batches = [result.out.batch.clone()];
    if let Err(e) = render_chart(&batches, &spec, &s.chart_view, &style_for(s), inner, f.buffer_mut()) {
        message(f, e.to_string());
    }
}
