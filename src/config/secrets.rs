//! Secrets in connection URLs: masking for display (`fathom config`, errors, logs) and the
//! forms of a password to scrub from server messages.

/// `postgres://user:secret@host/db?password=x` → `postgres://user:***@host/db?password=***`.
/// The `url` crate reads the URL; when it cannot, or when a password with an unencoded `/`,
/// `?` or `#` would make it read the wrong parts, everything between `://` and the last `@`
/// is masked (but the user name, when it is plain). Never shows a password, in any form.
pub fn mask_url(url: &str) -> String {
    let parsed = url::Url::parse(url).ok().filter(|u| {
        // an `@` past the authority means the parser split a password at a `/`, `?` or `#`
        !u.path().contains('@') && !u.query().unwrap_or("").contains('@') && !u.fragment().unwrap_or("").contains('@')
    });
    match parsed {
        Some(mut u) if u.password().is_some() => {
            if u.set_password(Some("***")).is_err() {
                return mask_userinfo(url);
            }
            mask_query_password(u.as_str())
        }
        Some(u) => mask_query_password(u.as_str()),
        None => mask_userinfo(url),
    }
}

/// Everything between `://` (or the start) and the last `@` as `user:***` (the user kept
/// only when it is plain text), and any `password=` query value masked.
pub fn mask_userinfo(url: &str) -> String {
    let masked = mask_query_password(url);
    let url = masked.as_str();
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let Some((userinfo, after)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    let user = userinfo.split(':').next().unwrap_or("");
    let plain = !user.is_empty() && user.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    let user = if plain { user } else { "***" };
    let shown = if userinfo.contains(':') || !plain { format!("{user}:***") } else { user.to_string() };
    format!("{scheme}{shown}@{after}")
}

/// `...?user=u&password=pw` → `...?user=u&password=***`: every `password=` after a `?` or
/// `&`, up to the next `&` or `#`, wherever the query seems to start.
fn mask_query_password(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let mut out = String::with_capacity(url.len());
    let mut at = 0;
    let mut from = 0;
    while let Some(i) = lower[from..].find("password=").map(|i| i + from) {
        from = i + "password=".len();
        if i == 0 || !matches!(url.as_bytes()[i - 1], b'?' | b'&') {
            continue;
        }
        let end = url[from..].find(['&', '#']).map_or(url.len(), |e| e + from);
        out.push_str(&url[at..from]);
        out.push_str("***");
        at = end;
        from = end;
    }
    out.push_str(&url[at..]);
    out
}

/// Every form of the password in `url` a message could show: as written, percent-decoded,
/// and as `password=` query values. Error text is scrubbed of each.
pub fn url_secrets(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    if let Some((userinfo, _)) = rest.rsplit_once('@')
        && let Some((_, pw)) = userinfo.split_once(':')
    {
        out.push(pw.to_string());
    }
    if let Some((_, query)) = rest.split_once('?') {
        for kv in query.split('&') {
            if let Some((k, v)) = kv.split_once('=')
                && k.eq_ignore_ascii_case("password")
            {
                out.push(v.split('#').next().unwrap_or(v).to_string());
            }
        }
    }
    if let Ok(u) = url::Url::parse(url)
        && let Some(p) = u.password()
    {
        out.push(p.to_string());
    }
    let decoded: Vec<String> = out.iter().filter_map(|s| percent_decode(s)).collect();
    out.extend(decoded);
    out.retain(|s| !s.is_empty());
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// `%XX` escapes decoded, when that changes the text and is UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let d = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    (d != s).then(|| d.into_owned())
}

/// `text` with every secret replaced by `***`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().filter(|s| !s.is_empty()).fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
}

/// Any `scheme://user:password@...` inside `text` (a TOML message quoting a value) masked.
pub fn mask_urls_in(text: &str) -> String {
    text.split_inclusive([' ', '"', '\'', '`'])
        .map(|w| if w.contains("://") && w.contains('@') { mask_userinfo(w) } else { w.to_string() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn passwords_with_reserved_characters_never_show() {
        for (url, want) in [
            ("postgres://ana:s3cr3t@db.example:5432/lake", "postgres://ana:***@db.example:5432/lake"),
            ("postgres://u:p@ss:w@h/db", "postgres://u:***@h/db"),
            ("postgres://u:pa/ss@h:5432/db", "postgres://u:***@h:5432/db"),
            ("postgres://u:12/ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u:pa?ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u:pa#ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u:a b@h/db", "postgres://u:***@h/db"),
            ("postgres://h/db?user=u&password=pw&sslmode=require", "postgres://h/db?user=u&password=***&sslmode=require"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("not a url: x:pw@h", "***:***@h"),
            ("postgres://h/db?user=a&password=@AA", "postgres://h/db?user=a&password=***"),
            ("postgres://u:pa?ss@h/db?password=x&y=1", "postgres://u:***@h/db?password=***&y=1"),
        ] {
            assert_eq!(mask_url(url), want, "{url}");
        }
        assert_eq!(url_secrets("postgres://u:p%2Fw@h/db"), vec!["p%2Fw".to_string(), "p/w".to_string()]);
        assert_eq!(scrub("bad p/w and p%2Fw", &url_secrets("postgres://u:p%2Fw@h/db")), "bad *** and ***");
        assert_eq!(mask_urls_in("invalid type: string \"postgres://u:pw/x@h/db\", expected"), "invalid type: string \"postgres://u:***@h/db\", expected");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever characters a password has, no masked form of the URL shows it.
        #[test]
        fn generated_passwords_never_show(pw in "[a-zA-Z0-9/?#@:%&=+ !$'()*,;\\[\\]~._-]{4,24}", user in "[a-z]{1,8}") {
            prop_assume!(!"postgres://db.internal:5432/lake?sslmode=require&user=password=***".contains(&pw));
            let url = format!("postgres://{user}:{pw}@db.internal:5432/lake?sslmode=require");
            let masked = mask_url(&url);
            prop_assert!(!masked.contains(&pw), "{} shows {}", masked, pw);
            let q = format!("postgres://db.internal/lake?user={user}&password={pw}");
            let masked = mask_url(&q);
            let shown = pw.split(['&', '#']).next().unwrap_or("");
            prop_assume!(shown.len() >= 4);
            prop_assert!(!masked.contains(shown), "{} shows {}", masked, shown);
            let msg = format!("error near {pw} and {url}");
            prop_assert!(!scrub(&msg, &url_secrets(&url)).contains(&pw));
        }
    }
}
