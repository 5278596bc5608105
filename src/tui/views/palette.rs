//! The command palette overlay: the query, then the matching commands (pane, key, what it
//! does), best first, the chosen one highlighted.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::tui::keymap::{Cmd, Context};
use crate::tui::palette::Palette;
use crate::tui::state::State;
use crate::tui::views::dialogs::{ListOverlay, list_overlay};
use crate::tui::views::fit;

pub fn draw(f: &mut Frame, s: &State, p: &Palette) {
    let t = &s.theme;
    let matches = p.matches(&s.keymap);
    let width: u16 = 78;
    let desc_w = (width as usize).saturating_sub(2 + 9 + 18 + 2);
    let items: Vec<Line<'static>> = matches
        .iter()
        .map(|e| {
            Line::from(vec![
                Span::styled(format!("{:<8} ", e.ctx.name()), t.dim),
                Span::styled(format!("{:<18}", fit(&e.keys, 17, t.glyphs.ellipsis)), t.param),
                Span::styled(fit(e.cmd.describe(), desc_w, t.glyphs.ellipsis), t.text),
            ])
        })
        .collect();
    let items = if items.is_empty() { Err(Line::styled(format!("no command matches '{}'", p.query), t.dim)) } else { Ok(items) };
    let key = |cmd| s.keymap.key_for(Context::Prompt, cmd).unwrap_or("?").to_string();
    list_overlay(
        f,
        s,
        ListOverlay {
            width,
            heading: format!("Commands ({} of {})", matches.len(), crate::tui::palette::entries(&s.keymap).len()),
            header: vec![Line::styled(fit(&format!("> {}_", p.query), width as usize - 2, t.glyphs.ellipsis), t.selection), Line::default()],
            items,
            selected: p.selected,
            footer: format!("type to filter {} up/down choose {} {} run {} {} close", t.glyphs.dot, t.glyphs.dot, key(Cmd::Submit), t.glyphs.dot, key(Cmd::Close)),
        },
    );
}
