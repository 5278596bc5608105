//! CHART SLOT: the chart pane. `src/chart/` (another branch) provides
//! `render_chart(batches, spec, view, style, area, buf)`; the lead wires it in here, using
//! the active tab's `RunState::Ready` batch and the saved query's `-- chart:` header line.
//! Until then the pane says what it will show. Toggle: `toggle_chart` (F7).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::library::parse_header;
use crate::tui::state::State;
use crate::tui::views::{block, title};

pub fn draw(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let spec = s
        .tab()
        .and_then(|tab| parse_header(&tab.text(), std::path::Path::new(&tab.title)).ok())
        .and_then(|h| h.chart);
    let lines = vec![
        Line::styled("the chart pane is not wired in yet (src/chart)", t.dim),
        Line::styled(format!("chart spec: {}", spec.as_deref().unwrap_or("none in the header")), t.text),
    ];
    let p = Paragraph::new(lines).wrap(Wrap { trim: true }).block(block(t, title(t, "Chart"), false));
    f.render_widget(p, area);
}
