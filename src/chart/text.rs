//! A drawn `Buffer` as plain text, one line a row, trailing blanks trimmed, no colour: what
//! the headless `fathom chart` prints.

use ratatui::buffer::Buffer;

pub fn buffer_to_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.y..area.y + area.height {
        let mut line = String::new();
        for x in area.x..area.x + area.width {
            if let Some(cell) = buf.cell((x, y)) {
                line.push_str(cell.symbol());
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
