//! Athena's result CSV, read incrementally. Athena quotes every value it writes and writes
//! NULL as nothing at all, so `,"",` is an empty string and `,,` is NULL. General CSV readers
//! do not say whether a field was quoted, so this one does (RFC 4180 quoting, `""` escapes,
//! newlines inside quotes, LF or CRLF line ends).

/// One field: `None` is SQL NULL (an empty unquoted field).
pub type Field = Option<String>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// At the start of a field.
    Start,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just read a quote inside a quoted field: `"` again is a literal quote, else the end.
    QuoteInQuoted,
}

/// An incremental parser: feed it chunks as they arrive, take whole records out.
#[derive(Debug)]
pub struct CsvReader {
    state: State,
    field: Vec<u8>,
    quoted: bool,
    record: Vec<Field>,
    /// Whether the line so far has any content (an empty last line is no record).
    started: bool,
}

impl Default for CsvReader {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvReader {
    pub fn new() -> Self {
        CsvReader { state: State::Start, field: Vec::new(), quoted: false, record: Vec::new(), started: false }
    }

    fn end_field(&mut self) -> Result<(), String> {
        let bytes = std::mem::take(&mut self.field);
        let value = if self.quoted || !bytes.is_empty() {
            Some(String::from_utf8(bytes).map_err(|e| format!("the result CSV is not UTF-8: {e}"))?)
        } else {
            None
        };
        self.record.push(value);
        self.quoted = false;
        Ok(())
    }

    /// Ends a record at a line end (an empty line is one NULL: a one-column result's NULL row).
    fn end_record(&mut self, out: &mut Vec<Vec<Field>>) -> Result<(), String> {
        self.started = true;
        self.end_line(out)
    }

    fn end_line(&mut self, out: &mut Vec<Vec<Field>>) -> Result<(), String> {
        if self.started {
            self.end_field()?;
            out.push(std::mem::take(&mut self.record));
        }
        self.started = false;
        self.state = State::Start;
        Ok(())
    }

    /// Parses `chunk`, appending each completed record to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Vec<Field>>) -> Result<(), String> {
        let mut i = 0;
        while i < chunk.len() {
            let b = chunk[i];
            match self.state {
                State::Start | State::Unquoted => match b {
                    b'"' if self.state == State::Start => {
                        self.started = true;
                        self.quoted = true;
                        self.state = State::Quoted;
                    }
                    b',' => {
                        self.started = true;
                        self.end_field()?;
                        self.state = State::Start;
                    }
                    b'\n' => self.end_record(out)?,
                    b'\r' => {}
                    _ => {
                        self.started = true;
                        self.field.push(b);
                        self.state = State::Unquoted;
                    }
                },
                State::Quoted => {
                    // Copy the run up to the next quote in one go.
                    let rest = &chunk[i..];
                    match rest.iter().position(|&c| c == b'"') {
                        Some(p) => {
                            self.field.extend_from_slice(&rest[..p]);
                            i += p;
                            self.state = State::QuoteInQuoted;
                        }
                        None => {
                            self.field.extend_from_slice(rest);
                            i = chunk.len();
                            continue;
                        }
                    }
                }
                State::QuoteInQuoted => match b {
                    b'"' => {
                        self.field.push(b'"');
                        self.state = State::Quoted;
                    }
                    b',' => {
                        self.end_field()?;
                        self.state = State::Start;
                    }
                    b'\n' => self.end_record(out)?,
                    b'\r' => {}
                    other => {
                        return Err(format!(
                            "malformed result CSV: '{}' after a closing quote (expected , or a line end)",
                            other as char
                        ));
                    }
                },
            }
            i += 1;
        }
        Ok(())
    }

    /// Ends the input: a last record without a line end is completed.
    pub fn finish(&mut self, out: &mut Vec<Vec<Field>>) -> Result<(), String> {
        if self.state == State::Quoted {
            return Err("malformed result CSV: the file ends inside a quoted value".into());
        }
        self.end_line(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_chunks(text: &str, size: usize) -> Vec<Vec<Field>> {
        let mut r = CsvReader::new();
        let mut out = Vec::new();
        for c in text.as_bytes().chunks(size) {
            r.feed(c, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        out
    }

    fn s(v: &str) -> Field {
        Some(v.to_string())
    }

    #[test]
    fn null_is_unquoted_empty_and_empty_string_is_quoted() {
        let text = "\"a\",\"b\",\"c\"\n\"x\",,\"\"\n,\"\",\n";
        let want = vec![vec![s("a"), s("b"), s("c")], vec![s("x"), None, s("")], vec![None, s(""), None]];
        for size in [1, 2, 3, 7, 1000] {
            assert_eq!(parse_in_chunks(text, size), want, "chunk size {size}");
        }
    }

    #[test]
    fn quotes_commas_newlines_and_korean_inside_values() {
        let text = "\"say \"\"hi\"\", ok\",\"line1\nline2\",\"삼성전자\"\r\n\"last\"";
        let want = vec![vec![s("say \"hi\", ok"), s("line1\nline2"), s("삼성전자")], vec![s("last")]];
        for size in [1, 2, 5, 1000] {
            assert_eq!(parse_in_chunks(text, size), want, "chunk size {size}");
        }
    }

    #[test]
    fn an_empty_line_is_a_one_column_null_row() {
        // Athena writes a one-column NULL as an empty line; the final line end adds no record.
        assert_eq!(
            parse_in_chunks("\"v\"\n\"1\"\n\n\"2\"\n", 3),
            vec![vec![s("v")], vec![s("1")], vec![None], vec![s("2")]]
        );
    }

    #[test]
    fn malformed_input_says_what_is_wrong() {
        let mut r = CsvReader::new();
        let mut out = Vec::new();
        let e = r.feed(b"\"a\"x\n", &mut out).unwrap_err();
        assert!(e.contains("after a closing quote"), "{e}");
        let mut r = CsvReader::new();
        r.feed(b"\"open", &mut out).unwrap();
        assert!(r.finish(&mut out).unwrap_err().contains("ends inside a quoted value"));
    }
}
