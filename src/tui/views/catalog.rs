//! The catalog pane: `schema.table` of every table the tab's profile can query; an opened
//! table shows its partition spec, snapshots and totals above its columns (name, type,
//! nullability), as the engine's `describe` reports them.

use ratatui::Frame;
use ratatui::text::Line;

use crate::engine::TableDetail;
use crate::estimate::bill::human_bytes;
use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{CatalogView, State, TableDetailView};
use crate::tui::theme::Theme;
use crate::tui::views::dialogs::{ListOverlay, footer, list_overlay};
use crate::tui::views::fit;
use crate::tui::views::grid::thousands;

const WIDTH: u16 = 72;

pub fn draw(f: &mut Frame, s: &State, c: &CatalogView) {
    if let Some(d) = &c.detail {
        return draw_detail(f, s, c, d);
    }
    let t = &s.theme;
    let items = match &c.tables {
        None => Err(Line::styled(format!("listing tables{}", t.glyphs.ellipsis), t.dim)),
        Some(Err(e)) => Err(Line::styled(e.clone(), t.error)),
        Some(Ok(tables)) if tables.is_empty() => Err(Line::styled("no tables", t.dim)),
        Some(Ok(tables)) => Ok(tables
            .iter()
            .map(|table| Line::styled(fit(&format!("{}.{}", table.schema, table.name), WIDTH as usize - 2, t.glyphs.ellipsis), t.text))
            .collect()),
    };
    let heading = format!("Catalog of {} ({})", c.profile, s.engine_of(&c.profile));
    let dot = t.glyphs.dot;
    let key = |cmd: Cmd| s.keymap.key_for(Context::Catalog, cmd).unwrap_or("?").to_string();
    let keys = format!("{} {dot} {} insert the name {dot} {} a SELECT", footer(s, "columns"), key(Cmd::InsertName), key(Cmd::InsertSelect));
    list_overlay(f, s, ListOverlay { width: WIDTH, heading, header: Vec::new(), items, selected: c.selected, footer: keys });
}

/// The lines above the columns: partitioning, snapshots, totals (what the engine has).
fn summary(d: &TableDetail, t: &Theme) -> Vec<Line<'static>> {
    let dot = t.glyphs.dot;
    let mut lines = Vec::new();
    match &d.partition_spec {
        Some(spec) if spec.is_empty() => lines.push(Line::styled("unpartitioned", t.text)),
        Some(spec) => lines.push(Line::styled(format!("partitioned by {}", spec.join(", ")), t.text)),
        None => {}
    }
    if let Some(n) = d.snapshots {
        let current = d.current_snapshot.map(|id| format!(" {dot} current {id}")).unwrap_or_default();
        lines.push(Line::styled(format!("{n} snapshot{}{current}", if n == 1 { "" } else { "s" }), t.text));
    }
    let mut totals = Vec::new();
    if let Some(n) = d.data_files {
        totals.push(format!("{} data files", thousands(n as usize)));
    }
    if let Some(n) = d.records {
        totals.push(format!("{} rows", thousands(n as usize)));
    }
    if let Some(b) = d.bytes {
        totals.push(human_bytes(b));
    }
    if !totals.is_empty() {
        lines.push(Line::styled(totals.join(&format!(" {dot} ")), t.text));
    }
    lines
}

fn draw_detail(f: &mut Frame, s: &State, c: &CatalogView, d: &TableDetailView) {
    let t = &s.theme;
    let ell = t.glyphs.ellipsis;
    let w = WIDTH as usize - 2;
    let mut header = Vec::new();
    let items = match &d.detail {
        None => Err(Line::styled(format!("reading {}.{}{ell}", d.schema, d.name), t.dim)),
        Some(Err(e)) => Err(Line::styled(e.clone(), t.error)),
        Some(Ok(detail)) => {
            header = summary(detail, t);
            header.push(Line::styled(format!("{:<28} {:<24} {}", "column", "type", "null"), t.header));
            Ok(detail
                .columns
                .iter()
                .map(|col| {
                    let null = if col.nullable { "yes" } else { "no" };
                    let text = format!("{:<28} {:<24} {null}", fit(&col.name, 28, ell), fit(&col.data_type, 24, ell));
                    Line::styled(fit(&text, w, ell), t.text)
                })
                .collect())
        }
    };
    let heading = format!("{}.{} ({})", d.schema, d.name, c.profile);
    let dot = t.glyphs.dot;
    let key = |cmd: Cmd| s.keymap.key_for(Context::Catalog, cmd).unwrap_or("?").to_string();
    let keys = format!(
        "{} insert the column {dot} {} a SELECT {dot} {} back {dot} {} close",
        key(Cmd::Submit),
        key(Cmd::InsertSelect),
        key(Cmd::Left),
        key(Cmd::Close)
    );
    list_overlay(f, s, ListOverlay { width: WIDTH, heading, header, items, selected: d.selected, footer: keys });
}
