//! Property tests (proptest, a bounded run: `PROPTEST_CASES` or 128 cases a property) over
//! every parser bad input reaches: the header parser, the statement splitter, the classifier,
//! the parameter binder, the Athena CSV reader, the keymap and theme parsers, and the
//! session and ledger files. Each returns a value or an error; none panics or overflows the
//! stack, on arbitrary text and on the worst shapes: 10,000 nested parentheses, 10,000
//! nested EXPLAINs, NUL bytes, invalid UTF-8 on stdin, lone surrogates in JSON.

mod common;

use std::path::Path;

use fathom::engine::athena::csv::{CsvReader, Field};
use fathom::engine::postgres::classify::{Class, classify};
use fathom::library::{ParamDecl, PlaceholderStyle, bind, parse_header};
use fathom::tui::keymap::Keymap;
use fathom::tui::statements;
use fathom::tui::theme::{Glyphs, SHIPPED, Theme};
use proptest::prelude::*;

/// The run's budget: `PROPTEST_CASES` when set (scripts/test sets it), else 128.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
}

/// SQL-ish text: keywords, punctuation, quotes, comments, placeholders, NULs and any char.
fn sqlish() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("SELECT ".to_string()),
        Just("EXPLAIN ".to_string()),
        Just("ANALYZE ".to_string()),
        Just("DELETE ".to_string()),
        Just("WITH x AS (".to_string()),
        Just("set_config(".to_string()),
        Just("pg_terminate_backend(".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(";".to_string()),
        Just(",".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$$".to_string()),
        Just("$1".to_string()),
        Just(":name".to_string()),
        Just("--".to_string()),
        Just("/*".to_string()),
        Just("*/".to_string()),
        Just("\n".to_string()),
        Just("\0".to_string()),
        Just("-- name: x\n".to_string()),
        Just("-- param: p int = 1\n".to_string()),
        any::<String>(),
    ];
    prop::collection::vec(atom, 0..40).prop_map(|v| v.concat())
}

fn check_all(sql: &str) {
    let _ = classify(sql);
    let _ = parse_header(sql, Path::new("fuzz.sql"));
    let parts = statements::split(sql);
    for (s, e) in &parts {
        assert!(s <= e && *e <= sql.len() && sql.is_char_boundary(*s) && sql.is_char_boundary(*e), "{parts:?}");
    }
    for at in [0, sql.len() / 2, sql.len()] {
        let at = (0..=at).rev().find(|&i| sql.is_char_boundary(i)).unwrap_or(0);
        let _ = statements::at_offset(sql, at);
    }
    let decls = vec![ParamDecl { name: "name".into(), ty: fathom::library::ParamType::Text, default: Some("x".into()) }];
    for style in [PlaceholderStyle::Dollar, PlaceholderStyle::Question] {
        let _ = bind(sql, &decls, &[("name".into(), "it's".into())], style);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sql_parsers_never_panic(sql in sqlish()) {
        check_all(&sql);
    }

    #[test]
    fn classify_is_fail_closed_around_any_write(prefix in sqlish(), what in prop::sample::select(vec!["DELETE FROM t", "DROP TABLE t", "UPDATE t SET a = 1", "TRUNCATE t", "COPY t TO PROGRAM 'x'"])) {
        // a write after a comment or as the only statement is never a read
        let sql = format!("/* {} */ {what}", prefix.replace("*/", ""));
        prop_assert!(!matches!(classify(&sql), Ok(Class::Read)), "{sql}");
    }

    #[test]
    fn headers_never_panic(lines in prop::collection::vec(("[a-zA-Z_ ]{0,12}", "[ -~]{0,40}"), 0..12)) {
        let text: String = lines.iter().map(|(k, v)| format!("-- {k}: {v}\n")).collect::<String>() + "SELECT 1";
        if let Ok(h) = parse_header(&text, Path::new("fuzz.sql")) {
            for w in &h.warnings {
                prop_assert!(w.starts_with("fuzz.sql:"), "{w}");
            }
        }
    }

    #[test]
    fn binding_keeps_values_out_of_the_sql(v in any::<String>()) {
        let decls = vec![ParamDecl { name: "t".into(), ty: fathom::library::ParamType::Text, default: None }];
        let b = bind("SELECT * FROM x WHERE a = :t AND b = ':t'", &decls, &[("t".into(), v.clone())], PlaceholderStyle::Dollar).unwrap();
        prop_assert_eq!(b.sql, "SELECT * FROM x WHERE a = $1 AND b = ':t'");
    }

    #[test]
    fn athena_csv_round_trips_in_any_chunking(
        rows in prop::collection::vec(prop::collection::vec(prop::option::of(any::<String>()), 1..5), 0..8),
        chunk in 1usize..17,
    ) {
        let cols = rows.first().map(Vec::len).unwrap_or(1);
        let rows: Vec<Vec<Field>> = rows.into_iter().map(|mut r| { r.resize(cols, None); r }).collect();
        let mut text = Vec::new();
        for r in &rows {
            let cells: Vec<String> = r.iter().map(|f| match f { Some(s) => format!("\"{}\"", s.replace('"', "\"\"")), None => String::new() }).collect();
            text.extend_from_slice(cells.join(",").as_bytes());
            text.push(b'\n');
        }
        let mut reader = CsvReader::new();
        let mut out = Vec::new();
        for c in text.chunks(chunk) {
            reader.feed(c, &mut out).unwrap();
        }
        reader.finish(&mut out).unwrap();
        // an unquoted value never loses a carriage return it carried: Athena quotes them all
        prop_assert_eq!(out, rows);
    }

    #[test]
    fn athena_csv_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300), chunk in 1usize..33) {
        let mut reader = CsvReader::new();
        let mut out = Vec::new();
        let mut ok = true;
        for c in bytes.chunks(chunk) {
            if reader.feed(c, &mut out).is_err() { ok = false; break; }
        }
        if ok { let _ = reader.finish(&mut out); }
    }

    #[test]
    fn keymap_and_theme_parsers_never_panic(text in sqlish(), sect in "[a-z]{0,8}", key in "[a-z_-]{0,10}", val in "[ -~]{0,16}") {
        let toml_ish = format!("[{sect}]\n{key} = [\"{val}\"]\n{text}");
        for t in [&text, &toml_ish] {
            let _ = Keymap::parse(t);
            let _ = Keymap::with_override(t);
            let _ = Theme::parse(t, Glyphs::unicode());
        }
        let theme = SHIPPED[0].1.replace("keyword = \"magenta bold\"", &format!("keyword = \"{}\"", val.replace(['"', '\\'], "")));
        let _ = Theme::parse(&theme, Glyphs::ascii());
    }
}

#[test]
fn the_worst_shapes_return_instead_of_overflowing_the_stack() {
    // run on a small stack, as a worker thread might have
    let worker = std::thread::Builder::new().stack_size(256 * 1024).spawn(|| {
        let parens = format!("{}SELECT 1{}", "(".repeat(10_000), ")".repeat(10_000));
        let explains = format!("{}SELECT 1", "EXPLAIN ".repeat(10_000));
        let analyze = format!("{}DELETE FROM t", "EXPLAIN ANALYZE ".repeat(10_000));
        let calls = format!("SELECT {}1{}", "set_config(".repeat(10_000), ")".repeat(10_000));
        let nul = "SELECT '\0', \0 FROM t\0; DELETE\0".to_string();
        let comments = format!("{}SELECT 1", "/* ".repeat(10_000));
        for sql in [&parens, &explains, &analyze, &calls, &nul, &comments] {
            check_all(sql);
        }
        assert_eq!(classify(&parens).unwrap(), Class::Read);
        assert!(matches!(classify(&explains), Ok(Class::Write { .. })), "deep EXPLAIN is refused");
        assert!(matches!(classify(&analyze), Ok(Class::Write { .. })));
        assert!(matches!(classify(&calls), Ok(Class::Write { .. })), "set_config nested in itself");
        assert!(matches!(classify(&comments), Ok(Class::Write { .. })), "an unterminated comment");
        let header = format!("{}SELECT 1", "-- name: x\n".repeat(10_000));
        assert_eq!(parse_header(&header, Path::new("big.sql")).unwrap().name.as_deref(), Some("x"));
        let keymap = format!("[grid]\nsort = {}\"s\"{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(Keymap::parse(&keymap).is_err());
        assert!(Theme::parse(&keymap, Glyphs::unicode()).is_err());
    });
    worker.unwrap().join().expect("no panic and no stack overflow");
}

#[test]
fn lone_surrogates_in_the_session_and_ledger_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let lone = r#"{"tabs":[{"title":"\ud800","profile":"local","text":"SELECT '\udfff'","source":null,"cursor":[0,0],"params":[]}],"active":0}"#;
    let file = fathom::tui::autosave::session_file(dir.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, lone).unwrap();
    match fathom::tui::autosave::load(dir.path()) {
        Ok(_) => {}
        Err(e) => assert!(e.contains("damaged"), "{e}"),
    }
    std::fs::write(fathom::history::path(dir.path()), "{\"sql\":\"\\ud800\"}\n\0\0\n{\"x\": \"\\udc00\\ud800\"}\n").unwrap();
    assert!(fathom::history::read(dir.path(), None).unwrap().is_empty());
}

#[test]
fn invalid_utf8_and_nul_on_stdin_fail_with_a_message() {
    let home = common::lake("fuzz");
    for input in [&b"SELECT '\xff\xfe' AS x"[..], &b"SELECT 1\0"[..], &b"\xed\xa0\x80"[..]] {
        let out = home.cmd().args(["run", "--format", "csv", "-"]).write_stdin(input.to_vec()).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        if !out.status.success() {
            assert!(err.contains("error:") && err.len() > 10, "{err}");
        }
        if input.contains(&0xff) {
            assert!(!out.status.success() && err.contains("stdin"), "invalid UTF-8 names where it came from: {err}");
        }
    }
}
