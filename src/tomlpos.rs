//! Where things are in a TOML text, so errors in config.toml, keymap.toml and theme files name
//! the line a user has to fix (toml reports some errors at the table, not the key).

/// Deepest nesting of arrays and inline tables a file of fathom's may have.
pub const MAX_DEPTH: usize = 32;

/// Refuses arrays or inline tables nested deeper than `MAX_DEPTH` before the TOML parser
/// (which recurses) sees them: no file of fathom's needs more, and 10,000 `[` must be an
/// error, not a stack overflow. Strings and comments are skipped.
pub fn check_depth(text: &str) -> Result<(), String> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '#' => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '"' | '\'' => {
                while let Some(n) = chars.next() {
                    match n {
                        '\\' if c == '"' => {
                            chars.next();
                        }
                        '\n' => line += 1,
                        n if n == c => break,
                        _ => {}
                    }
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("line {line}: arrays or tables nested more than {MAX_DEPTH} deep; flatten them"));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses `text` as TOML into `T`, refusing deep nesting first; errors as `describe` says.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    check_depth(text)?;
    toml::from_str(text).map_err(|e| describe(text, &e))
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = floor_char_boundary(text, offset.min(text.len()));
    text[..end].matches('\n').count() + 1
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The key of a `key = value` line (quotes removed), if the line is one.
fn key_of(line: &str) -> Option<&str> {
    let (k, _) = line.split_once('=')?;
    let k = k.trim().trim_matches(['"', '\'']);
    (!k.is_empty() && !k.starts_with('[') && !k.starts_with('#')).then_some(k)
}

/// The table a `[name]` / `[[name]]` header line opens.
fn header_of(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix('[')?.split(']').next()?.trim_start_matches('[');
    Some(inner.split('.').map(|p| p.trim().trim_matches(['"', '\''])).collect::<Vec<_>>().join("."))
}

/// The 1-based line of `key` inside table `section` (`None`: the top level, before any
/// header; `Some("")` is the same), or of a dotted `section.key` anywhere.
pub fn key_line(text: &str, section: Option<&str>, key: &str) -> Option<usize> {
    let want = section.unwrap_or("");
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(h) = header_of(line) {
            current = h;
            continue;
        }
        if current == want && key_of(line) == Some(key) {
            return Some(i + 1);
        }
    }
    None
}

/// The 1-based line of the `[section]` header.
pub fn section_line(text: &str, section: &str) -> Option<usize> {
    text.lines().position(|l| header_of(l).as_deref() == Some(section)).map(|i| i + 1)
}

/// A TOML parse error as `line N: message`, naming the key's own line when toml points at
/// its table (unknown fields of a tagged table, a missing-key message).
pub fn describe(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim_end();
    let Some(span) = e.span() else {
        return msg.to_string();
    };
    let mut line = line_of(text, span.start);
    let field = msg.split('`').nth(1).filter(|_| msg.starts_with("unknown field") || msg.starts_with("unknown variant"));
    if let Some(field) = field {
        // from the span's start to the end of its table (the next header after it)
        let end = line_of(text, span.end);
        let found = text
            .lines()
            .enumerate()
            .skip(line - 1)
            .take_while(|(i, l)| *i < end || *i + 1 == line || header_of(l).is_none())
            .find(|(_, l)| key_of(l) == Some(field) || l.contains(&format!("\"{field}\"")));
        if let Some((i, _)) = found {
            line = i + 1;
        }
    }
    let key = text.lines().nth(line - 1).and_then(key_of);
    match key {
        Some(k) => format!("line {line} (key `{k}`): {msg}"),
        None => format!("line {line}: {msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_sections_are_found_on_their_own_lines() {
        let text = "top = 1\n[grid]\n# c\nsort = [\"s\"]\n[styles]\n\"text\" = \"red\"\n";
        assert_eq!(key_line(text, Some("grid"), "sort"), Some(4));
        assert_eq!(key_line(text, Some("styles"), "text"), Some(6));
        assert_eq!(key_line(text, None, "top"), Some(1));
        assert_eq!(key_line(text, Some("grid"), "top"), None);
        assert_eq!(section_line(text, "styles"), Some(5));
        assert_eq!(line_of("a\nb\n삼", 100), 3);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("a = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse::<toml::Table>(&deep).unwrap_err();
        assert!(err.starts_with("line 1: arrays or tables nested more than"), "{err}");
        let fine = "# [[[[\n[t]\na = [[1, 2], [3]]\nb = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\nc = { d = { e = 1 } }\n";
        assert!(parse::<toml::Table>(fine).is_ok());
    }

    #[test]
    fn unknown_fields_of_a_table_name_their_line() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct P {
            a: Option<i32>,
            b: Option<i32>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct F {
            p: P,
        }
        let text = "[p]\na = 1\nbb = 2\n";
        let e = toml::from_str::<F>(text).unwrap_err();
        let d = describe(text, &e);
        assert!(d.starts_with("line 3 (key `bb`)") && d.contains("unknown field"), "{d}");
    }
}
