//! The result grid: a header line with rows, duration, bytes read and their cost next to the
//! estimate (and the truncation notice), the column names with the sort arrow, and only the
//! visible cells, formatted as they are drawn.

use arrow::array::Array;
use arrow::datatypes::DataType;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::estimate::bill::{human_bytes, human_usd};
use crate::tui::cellfmt;
use crate::tui::grid::{Priced, ResultSet};
use crate::tui::state::{Focus, RunState, State};
use crate::tui::theme::Theme;
use crate::tui::views::{fit, focused, pane_block, title};

/// "1.2 s", "340 ms".
pub fn duration(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 { format!("{} ms", d.as_millis()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn draw(f: &mut Frame, s: &State, area: Rect) {
    let t = &s.theme;
    let has_focus = focused(s, Focus::Grid);
    let run = s.tab().map(|tab| &tab.run).unwrap_or(&RunState::Idle);
    let run_key = s.keymap.key_for(crate::tui::keymap::Context::Global, crate::tui::keymap::Cmd::Run).unwrap_or("f5");
    let cancel_key = s.keymap.key_for(crate::tui::keymap::Context::Global, crate::tui::keymap::Cmd::Cancel).unwrap_or("ctrl-c");
    let (header, body): (Line, Option<Paragraph>) = match run {
        RunState::Idle => (Line::from(title(t, "Result")), Some(Paragraph::new(Line::styled(format!("{run_key} runs the statement under the cursor (or the selection)"), t.dim)))),
        RunState::Running { since, progress, .. } => {
            let el = duration(s.now.saturating_duration_since(*since));
            let state = progress.as_deref().map(|p| format!("{p} ")).unwrap_or_default();
            (Line::from(vec![title(t, "Result"), Span::styled(format!(" {} running {el} {state}", t.glyphs.running), t.running)]), Some(Paragraph::new(Line::styled(format!("running{} {cancel_key} cancels; you can keep editing", t.glyphs.ellipsis), t.dim))))
        }
        RunState::Failed(e) => (Line::from(vec![title(t, "Result"), Span::styled(" failed ", t.error)]), Some(Paragraph::new(Line::styled(e.clone(), t.error)).wrap(Wrap { trim: false }))),
        RunState::Cancelled { after } => (Line::from(vec![title(t, "Result"), Span::styled(format!(" cancelled after {} ", duration(*after)), t.notice)]), None),
        RunState::Ready(rs) => {
            let mut spans = vec![title(t, "Result"), Span::styled(format!(" {} ", result_summary(rs, t.glyphs.dot)), t.ok)];
            if rs.out.truncated {
                let of = if rs.out.total > rs.rows() as u64 { format!(" of {}", thousands(rs.out.total as usize)) } else { String::new() };
                spans.push(Span::styled(format!(" truncated at {} rows{of} (row_cap) ", thousands(rs.rows())), t.error));
            }
            if rs.rows() > 0 {
                spans.push(Span::styled(format!(" row {}/{} ", rs.row + 1, thousands(rs.rows())), t.dim));
            }
            (Line::from(spans), None)
        }
    };
    let outer = pane_block(t, header, has_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    if let Some(p) = body {
        f.render_widget(p, inner);
    }
    if let RunState::Ready(rs) = run {
        draw_cells(rs, t, has_focus, inner, f.buffer_mut());
    }
}

/// `1,234 rows · 0.21 s · read 66.1 KB ($0.000048) · est 66.2 KB ($0.000048)`: what the
/// run returned and read, next to the estimate it was checked against.
pub fn result_summary(rs: &ResultSet, dot: &str) -> String {
    let priced = |p: &Priced| format!("{} ({})", human_bytes(p.bytes), human_usd(p.cost_usd));
    let mut parts = vec![format!("{} rows", thousands(rs.rows())), duration(rs.out.elapsed)];
    if let Some(a) = &rs.out.actual {
        parts.push(format!("read {}", priced(a)));
    }
    if let Some(e) = &rs.out.estimate {
        parts.push(format!("est {}", priced(e)));
    }
    parts.join(&format!(" {dot} "))
}

fn is_numeric(dt: &DataType) -> bool {
    dt.is_numeric()
}

/// Draws the header and the visible rows of `rs` into `buf` at `area`.
pub fn draw_cells(rs: &ResultSet, t: &Theme, has_focus: bool, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let g = &t.glyphs;
    let gutter = thousands(rs.rows().max(1)).len().max(3);
    let right = area.x + area.width;
    // One long column must not hide all the others on a narrow screen.
    let cap = (area.width / 2).max(12);
    // Columns that fit, from the leftmost shown.
    let mut cols = Vec::new();
    let mut x = area.x + gutter as u16 + 1;
    for c in rs.left..rs.cols() {
        if x >= right {
            break;
        }
        let w = (rs.out.widths.get(c).copied().unwrap_or(3) as u16).min(cap).min(right - x);
        cols.push((c, x, w));
        x = x.saturating_add(w + 3);
    }
    let schema = rs.out.batch.schema();
    for &(c, x, w) in &cols {
        let field = schema.field(c);
        let arrow = match rs.sort {
            Some((sc, desc)) if sc == c => if desc { g.down } else { g.up },
            _ => "",
        };
        let name = fit(&format!("{}{arrow}", field.name()), w as usize, g.ellipsis);
        buf.set_stringn(x, area.y, &name, w as usize, t.header);
        if x + w + 1 < right {
            buf.set_stringn(x + w + 1, area.y, g.sep.trim(), 1, t.border);
        }
    }
    let height = area.height.saturating_sub(1) as usize;
    let numeric: Vec<bool> = cols.iter().map(|&(c, _, _)| is_numeric(schema.field(c).data_type())).collect();
    let floats: Vec<bool> = cols.iter().map(|&(c, _, _)| cellfmt::is_float(schema.field(c).data_type())).collect();
    let shown: Vec<usize> = cols.iter().map(|&(c, _, _)| c).collect();
    let fmts = rs.formatters(&shown);
    for (i, r) in (rs.top..rs.rows()).take(height).enumerate() {
        let y = area.y + 1 + i as u16;
        let src = rs.source_row(r);
        let row_style = if r == rs.row { t.row_cursor } else { t.text };
        buf.set_stringn(area.x, y, format!("{:>gutter$} ", r + 1), gutter + 1, t.dim);
        for (k, &(c, x, w)) in cols.iter().enumerate() {
            let (array, fmt) = &fmts[k];
            let (text, style) = if array.is_null(src) {
                (g.null.to_string(), t.null)
            } else if floats[k] {
                let text = cellfmt::float_cell(array.as_ref(), src, rs.out.digits).unwrap_or_default();
                (cellfmt::align(&text, rs.out.fracs.get(c).copied().unwrap_or(0)), t.text)
            } else {
                (fmt.as_ref().map(|f| f.value(src).to_string()).unwrap_or_else(|| "?".into()), t.text)
            };
            let text = fit(&text, w as usize, g.ellipsis);
            let pad = (w as usize).saturating_sub(crate::textwidth::width(&text));
            let cell = if numeric[k] { format!("{}{text}", " ".repeat(pad)) } else { format!("{text}{}", " ".repeat(pad)) };
            let style = if r == rs.row && c == rs.col && has_focus {
                t.cell_cursor
            } else if r == rs.row {
                style.patch(row_style)
            } else {
                style
            };
            buf.set_stringn(x, y, &cell, w as usize, style);
            if x + w + 1 < right {
                buf.set_stringn(x + w + 1, y, g.sep.trim(), 1, t.border);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::StringArray;
    use arrow::datatypes::{Field, Schema};
    use arrow::record_batch::RecordBatch;

    use super::*;
    use crate::tui::grid::QueryOutput;
    use crate::tui::theme::{Glyphs, SHIPPED};

    /// Every row's column separators sit where the header's do, whatever the clusters.
    #[test]
    fn columns_stay_aligned_with_emoji_flags_jamo_and_full_width_digits() {
        let values = vec![
            "plain",
            "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466} family",
            "\u{1f44d}\u{1f3fd}\u{1f44d}\u{1f3fd}",
            "\u{1f1f0}\u{1f1f7} \u{1f1fa}\u{1f1f8}",
            "\u{1112}\u{1161}\u{11ab}\u{1100}\u{1173}\u{11af}",
            "１２３４５",
            "e\u{301}te\u{301}",
        ];
        let n = values.len();
        let schema = Schema::new(vec![Field::new("v", DataType::Utf8, true), Field::new("w", DataType::Utf8, true)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(StringArray::from(values)), Arc::new(StringArray::from(vec!["x"; n]))],
        )
        .unwrap();
        let rs = ResultSet::new(1, QueryOutput::new(batch, false, std::time::Duration::ZERO));
        for glyphs in [Glyphs::unicode(), Glyphs::ascii()] {
            let theme = Theme::parse(SHIPPED[0].1, glyphs).unwrap();
            let area = Rect::new(0, 0, 40, n as u16 + 1);
            let mut buf = Buffer::empty(area);
            draw_cells(&rs, &theme, false, area, &mut buf);
            let sep = theme.glyphs.sep.trim();
            let row = |y: u16| (0..area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<Vec<_>>();
            let seps = |y: u16| row(y).iter().enumerate().filter(|(_, s)| s.as_str() == sep).map(|(x, _)| x).collect::<Vec<_>>();
            let want = seps(0);
            assert!(!want.is_empty(), "no separator in the header: {:?}", row(0));
            for y in 1..=n as u16 {
                assert_eq!(seps(y), want, "row {y}: {:?}", row(y).concat());
                assert_eq!(buf[(want[0] as u16 + 2, y)].symbol(), "x", "row {y}: {:?}", row(y).concat());
            }
        }
    }
}
