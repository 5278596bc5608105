//! The help overlay, generated from the keymap (so it always tells the truth).

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::state::State;
use crate::tui::views::{block, centered, fit, title};

pub fn draw(f: &mut Frame, s: &State, scroll: usize) {
    let t = &s.theme;
    let area = centered(f.area(), 76, f.area().height.saturating_sub(2));
    let outer = block(t, title(t, "Keys (keymap.toml; override in <config dir>/fathom/keymap.toml)"), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    let mut lines = Vec::new();
    let mut last = "";
    for (ctx, keys, desc) in s.keymap.help_lines() {
        if ctx != last {
            lines.push(Line::styled(ctx.to_string(), t.header));
            last = ctx;
        }
        let keys = fit(&keys, 20, t.glyphs.ellipsis);
        lines.push(Line::from(vec![Span::styled(format!("  {keys:<20} "), t.param), Span::styled(desc.to_string(), t.text)]));
    }
    lines.push(Line::styled("vim (built in; [editor] mode = \"vim\" in config.toml)", t.header));
    for (keys, desc) in crate::tui::vim::BUILTIN {
        lines.push(Line::from(vec![Span::styled(format!("  {keys:<20} "), t.param), Span::styled(desc.to_string(), t.text)]));
    }
    let visible: Vec<Line> = lines.into_iter().skip(scroll).take(inner.height as usize).collect();
    f.render_widget(Paragraph::new(visible), inner);
}
