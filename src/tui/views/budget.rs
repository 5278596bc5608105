//! The budget dialog before a run: the dollar amount and the bytes, the limit it is above,
//! each table's share (files and partitions kept, bytes), the estimate's warnings, and the
//! keys; above `refuse_above_usd`, why it is refused and the field to type the amount in.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::estimate::bill::{human_bytes, human_usd};
use crate::tui::keymap::{Cmd, Context};
use crate::tui::state::{BudgetDialog, State};
use crate::run::Gate;
use crate::run::gate::amount;
use crate::estimate::Estimate;
use crate::tui::views::grid::thousands;
use crate::tui::views::{block, centered, fit, title};

/// Display rows `text` takes when wrapped word by word at `width` (as the paragraph wraps).
fn rows(text: &str, width: usize) -> u16 {
    let width = width.max(1);
    let (mut rows, mut used) = (1usize, 0usize);
    for word in text.split(' ') {
        let w = word.width();
        if used > 0 && used + 1 + w <= width {
            used += 1 + w;
            continue;
        }
        if used > 0 {
            rows += 1;
        }
        rows += w.saturating_sub(1) / width; // a word longer than the line is cut
        used = if w == 0 { 0 } else { (w - 1) % width + 1 };
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

pub fn draw(f: &mut Frame, s: &State, d: &BudgetDialog) {
    match (&d.estimate, &d.gate) {
        (Ok(e), Gate::Ask { limit, .. } | Gate::Refuse { limit, .. }) => priced(f, s, d, e, *limit),
        (Err(why), _) | (_, Gate::CannotPrice(why)) => unpriced(f, s, d, why),
        (Ok(_), Gate::Run) => {}
    }
}

/// No estimate on a priced engine: why, and that only `y` runs it without a price.
fn unpriced(f: &mut Frame, s: &State, d: &BudgetDialog, why: &str) {
    let t = &s.theme;
    let width = 76u16.min(f.area().width);
    let inner_w = width.saturating_sub(2) as usize;
    let tab = s.tabs.iter().find(|tab| tab.id == d.run.tab).map(|tab| tab.title.as_str()).unwrap_or("");
    let close = s.keymap.key_for(Context::Budget, Cmd::Close).unwrap_or("esc");
    let texts = [
        (format!("fathom could not price this query: {why}"), t.error),
        ("it would run without a price: nothing checks it against the budget".to_string(), t.notice),
        (String::new(), t.text),
        (format!("y run it unpriced {} {close} cancel", t.glyphs.dot), t.dim),
    ];
    let mut height = 0u16;
    let mut lines: Vec<Line> = Vec::new();
    for (text, style) in texts {
        height += rows(&text, inner_w);
        lines.push(Line::styled(text, style));
    }
    if let Some(err) = &d.error {
        height += rows(err, inner_w);
        lines.push(Line::styled(err.clone(), t.error));
    }
    let area = centered(f.area(), width, height + 2);
    let outer = block(t, title(t, format!("Run {tab} without a price?")), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Above a limit: the amount, the bytes, each table's share, the warnings, the keys.
fn priced(f: &mut Frame, s: &State, d: &BudgetDialog, e: &Estimate, limit: f64) {
    let t = &s.theme;
    let refuse = d.refuse();
    let (dot, ell) = (t.glyphs.dot, t.glyphs.ellipsis);
    let width = 76u16.min(f.area().width);
    let inner_w = width.saturating_sub(2) as usize;
    let cost = human_usd(e.cost_usd);
    let tab = s.tabs.iter().find(|tab| tab.id == d.run.tab).map(|tab| tab.title.as_str()).unwrap_or("");
    let heading = if refuse { format!("Refused: {cost} is over the budget") } else { format!("Run {tab} for {cost}?") };

    let mut lines: Vec<Line> = Vec::new();
    let mut height = 0u16;
    let mut push = |line: Line<'static>, text_rows: u16| {
        lines.push(line);
        height += text_rows;
    };
    let scan = match (&e.direct, &e.athena) {
        (Some(direct), Some(athena)) if direct.profile.is_none() => format!(
            "{cost} to read {} directly {dot} ≈ {} GET requests {dot} Athena would bill {}",
            human_bytes(direct.bytes),
            thousands(direct.get_requests as usize),
            human_usd(athena.cost_usd)
        ),
        _ => format!(
            "{cost} to scan {} {dot} billed {} MB at ${:.2}/TB{}",
            human_bytes(e.total_bytes),
            thousands(e.billed_mb as usize),
            e.price_per_tb_usd,
            if e.conservative { " (conservative)" } else { "" }
        ),
    };
    // An Athena profile's estimate: what its Glue-local twin would pay instead.
    let scan = match e.direct.as_ref().filter(|d| d.profile.is_some()) {
        Some(direct) => format!("{scan} {dot} {}", direct.here("")),
        None => scan,
    };
    push(Line::styled(scan.clone(), t.header), rows(&scan, inner_w));
    let why = if refuse {
        format!("above refuse_above_usd {}: it runs only if you type the amount", human_usd(limit))
    } else {
        format!("above confirm_above_usd {}", human_usd(limit))
    };
    push(Line::styled(why.clone(), if refuse { t.error } else { t.notice }), rows(&why, inner_w));
    push(Line::default(), 1);

    let name_w = inner_w.saturating_sub(33).max(12);
    let header = format!("{:<name_w$} {:>10} {:>10} {:>10}", "table", "files", "partitions", "bytes");
    push(Line::styled(fit(&header, inner_w, ell), t.dim), 1);
    for table in &e.tables {
        let row = format!(
            "{:<name_w$} {:>10} {:>10} {:>10}",
            fit(&table.table, name_w, ell),
            format!("{}/{}", table.files_kept, table.files_total),
            format!("{}/{}", table.partitions_kept, table.partitions_total),
            human_bytes(table.bytes)
        );
        push(Line::styled(fit(&row, inner_w, ell), t.text), 1);
    }
    if e.tables.is_empty() {
        push(Line::styled("no table is scanned (Athena still bills its 10 MB minimum)", t.dim), 1);
    }
    // The heading already says how it stands against the budget.
    let warnings: Vec<&String> = e.warnings.iter().filter(|w| !w.starts_with("over budget:")).collect();
    if !warnings.is_empty() {
        push(Line::default(), 1);
    }
    for w in warnings {
        let text = format!("! {w}");
        let n = rows(&text, inner_w);
        push(Line::styled(text, t.notice), n);
    }
    push(Line::default(), 1);
    let key = |ctx: Context, cmd: Cmd| s.keymap.key_for(ctx, cmd).unwrap_or("?").to_string();
    let (confirm, close) = (key(Context::Budget, Cmd::Confirm), key(Context::Budget, Cmd::Close));
    if refuse {
        let want = amount(e.cost_usd);
        push(
            Line::from(vec![
                Span::styled(format!("type {want} to run it: "), t.text),
                Span::styled(fit(&format!("{}_", d.input), inner_w.saturating_sub(want.len() + 16), ell), t.selection),
            ]),
            1,
        );
        if let Some(err) = &d.error {
            push(Line::styled(err.clone(), t.error), rows(err, inner_w));
        }
        let enter = s.keymap.sections.get(&Context::Budget).and_then(|b| b.iter().find(|(c, _)| *c == Cmd::Confirm));
        let enter = enter.and_then(|(_, keys)| keys.iter().find(|k| k.text == "enter")).map(|k| k.text.clone()).unwrap_or(confirm);
        push(Line::styled(format!("{enter} run {dot} {close} cancel"), t.dim), 1);
    } else {
        push(Line::styled(format!("{confirm} run {dot} {close} cancel"), t.dim), 1);
    }
    let area = centered(f.area(), width, height + 2);
    let outer = block(t, title(t, heading), true);
    let inner = outer.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(outer, area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use super::rows;

    #[test]
    fn rows_count_word_wrapping() {
        assert_eq!(rows("", 10), 1);
        assert_eq!(rows("abc def", 7), 1);
        assert_eq!(rows("abc defg", 7), 2);
        assert_eq!(rows("abcdefghijklmno", 5), 3);
        assert_eq!(rows("! no filter on partition column trade_month of market_data.us_stocks_price: all 24", 74), 2);
    }
}
