//! Shell integration as a user installs it: `fathom --version` (version, commit, engines), the
//! completion scripts and the man pages, all generated from the CLI definition by the real binary.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

const COMMANDS: [&str; 12] = ["run", "history", "estimate", "chart", "demo", "check", "config", "cache", "attach", "fmt", "completions", "man"];

fn fathom() -> Command {
    let mut cmd = Command::cargo_bin("fathom").unwrap();
    // shell integration needs no config: a broken one must not stop it
    let broken = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shell-integration-broken.toml");
    std::fs::write(&broken, "[profiles.x\nengine = ").unwrap();
    cmd.env("FATHOM_CONFIG", &broken);
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = fathom().args(args).output().unwrap();
    assert!(out.status.success(), "fathom {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `git ARGS` in this checkout: its trimmed stdout, None when git fails or there is no checkout.
fn git(args: &[&str]) -> Option<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = Process::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// True when the crate is the top of a git checkout (build.rs then records a commit).
fn in_checkout() -> bool {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().ok();
    git(&["rev-parse", "--show-toplevel"]).and_then(|top| Path::new(&top).canonicalize().ok()).is_some_and(|top| Some(top) == dir)
}

#[test]
fn version_names_the_version_the_commit_and_the_engines() {
    let long = stdout(&["--version"]);
    let lines: Vec<&str> = long.lines().collect();
    assert_eq!(lines[0], format!("fathom {}", env!("CARGO_PKG_VERSION")), "{long}");
    assert_eq!(lines.last().copied(), Some("engines: local, postgres, athena"), "{long}");
    let short = stdout(&["-V"]);
    if in_checkout() {
        // the commit the binary was built from (HEAD then; a commit made since is not rebuilt yet)
        let line = lines.iter().find_map(|l| l.strip_prefix("commit: ")).unwrap_or_else(|| panic!("no commit line: {long}"));
        assert!(line.len() == 12 && line.chars().all(|c| c.is_ascii_hexdigit()), "{long}");
        assert!(git(&["cat-file", "-e", &format!("{line}^{{commit}}")]).is_some(), "{line} is not a commit of this checkout");
        assert_eq!(short.trim(), format!("fathom {} ({line})", env!("CARGO_PKG_VERSION")));
    } else {
        assert!(lines.contains(&"commit: none (not built from a git checkout)"), "{long}");
        assert_eq!(short.trim(), format!("fathom {}", env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn completion_scripts_name_every_command_and_bash_loads_its_own() {
    let bash = stdout(&["completions", "bash"]);
    let zsh = stdout(&["completions", "zsh"]);
    let fish = stdout(&["completions", "fish"]);
    assert!(zsh.starts_with("#compdef fathom"), "{zsh}");
    for command in COMMANDS {
        assert!(bash.contains(&format!("fathom__{command}")) || bash.contains(&format!("fathom,{command}")), "bash misses {command}");
        assert!(zsh.contains(&format!("'{command}:")), "zsh misses {command}");
        assert!(fish.contains(&format!("-a \"{command}\"")), "fish misses {command}");
    }
    // options of a subcommand, from the same definition
    assert!(bash.contains("--max-cost") && zsh.contains("--max-cost") && fish.contains("-l max-cost"));

    // the bash script really registers a completion function for `fathom`
    let out = Process::new("bash")
        .args(["--norc", "-c", "source \"$0\" && complete -p fathom"])
        .arg(write_tmp("fathom.bash", &bash))
        .output()
        .unwrap();
    let registered = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && registered.contains("-F _fathom") && registered.trim_end().ends_with(" fathom"), "{registered}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_unknown_shell_is_refused_with_the_ones_there_are() {
    let out = fathom().args(["completions", "tcsh"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tcsh") && err.contains("bash") && err.contains("zsh") && err.contains("fish"), "{err}");
}

#[test]
fn the_man_page_covers_every_command_and_man_dir_writes_one_page_each() {
    let page = stdout(&["man"]);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH fathom 1"), "{page}");
    assert!(page.contains(".TH fathom 1") && page.contains(".SH NAME") && page.contains(".SH SUBCOMMANDS"), "{page}");
    for command in COMMANDS {
        assert!(page.contains(&format!("fathom\\-{command}(1)")), "the man page misses {command}");
    }

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shell-integration-man");
    let _ = std::fs::remove_dir_all(&dir);
    let listed = stdout(&["man", "--dir", dir.to_str().unwrap()]);
    let mut expected: Vec<String> = COMMANDS.iter().map(|c| format!("fathom-{c}.1")).collect();
    expected.push("fathom.1".into());
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, expected);
    assert_eq!(listed.lines().count(), expected.len(), "{listed}");
    let run = std::fs::read_to_string(dir.join("fathom-run.1")).unwrap();
    assert!(run.contains(".TH fathom-run 1") && run.contains("max\\-cost"), "{run}");
}

fn write_tmp(name: &str, text: &str) -> std::path::PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}
