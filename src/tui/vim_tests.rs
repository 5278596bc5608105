//! Vim mode over a real tab: each motion and operator, as keys typed.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Handled, Mode, Vim};
use crate::tui::state::Tab;

const TEXT: &str = "select a, b\nfrom prices\nwhere x = 1";

fn tab(text: &str) -> Tab {
    Tab::new(1, "t", "local", text)
}

/// Types `keys` (`<esc>`, `<c-r>` for the special keys) and returns what the last key did.
fn typed(vim: &mut Vim, t: &mut Tab, keys: &str) -> Handled {
    let mut last = Handled::No;
    let mut rest = keys;
    while !rest.is_empty() {
        let (k, n) = if let Some(r) = rest.strip_prefix("<esc>") {
            (KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), rest.len() - r.len())
        } else if let Some(r) = rest.strip_prefix("<c-r>") {
            (KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL), rest.len() - r.len())
        } else {
            let c = rest.chars().next().unwrap();
            (KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), c.len_utf8())
        };
        rest = &rest[n..];
        last = vim.key(&mut t.editor, &k);
        if last == Handled::No {
            // Insert mode: the text area types it, as the editor does.
            t.editor.input(k);
        }
    }
    last
}

fn run(text: &str, keys: &str) -> (Tab, Vim) {
    let mut t = tab(text);
    let mut vim = Vim::new();
    typed(&mut vim, &mut t, keys);
    (t, vim)
}

#[test]
fn motions_h_j_k_l() {
    assert_eq!(run(TEXT, "lll").0.editor.cursor(), (0, 3));
    assert_eq!(run(TEXT, "llllh").0.editor.cursor(), (0, 3));
    assert_eq!(run(TEXT, "jj").0.editor.cursor(), (2, 0));
    assert_eq!(run(TEXT, "jjk").0.editor.cursor(), (1, 0));
    // Normal mode never types: the text is the same.
    assert_eq!(run(TEXT, "hjkl").0.text(), TEXT);
}

#[test]
fn motions_w_b_e() {
    assert_eq!(run(TEXT, "w").0.editor.cursor(), (0, 7));
    assert_eq!(run(TEXT, "ww").0.editor.cursor(), (0, 8));
    assert_eq!(run(TEXT, "wwb").0.editor.cursor(), (0, 7));
    assert_eq!(run(TEXT, "e").0.editor.cursor(), (0, 5));
}

#[test]
fn motions_0_dollar_gg_and_shifted_g() {
    assert_eq!(run(TEXT, "$").0.editor.cursor(), (0, 10), "on the last character");
    assert_eq!(run(TEXT, "$0").0.editor.cursor(), (0, 0));
    assert_eq!(run(TEXT, "G").0.editor.cursor(), (2, 0));
    assert_eq!(run(TEXT, "Gllgg").0.editor.cursor(), (0, 0));
}

#[test]
fn operator_d_with_motions() {
    assert_eq!(run(TEXT, "dw").0.text(), "a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "de").0.text(), " a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "wd$").0.text(), "select \nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "$d0").0.text(), "b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "wdb").0.text(), "a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "dl").0.text(), "elect a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "jdh").0.text(), TEXT, "h stays on the line");
    assert_eq!(run(TEXT, "dj").0.text(), "where x = 1");
    assert_eq!(run(TEXT, "Gdk").0.text(), "select a, b");
    assert_eq!(run(TEXT, "jdG").0.text(), "select a, b");
    assert_eq!(run(TEXT, "jdgg").0.text(), "where x = 1");
}

#[test]
fn dd_deletes_the_line_and_p_puts_it_below() {
    let (t, _) = run(TEXT, "dd");
    assert_eq!(t.text(), "from prices\nwhere x = 1");
    let (t, _) = run(TEXT, "ddp");
    assert_eq!(t.text(), "from prices\nselect a, b\nwhere x = 1");
    assert_eq!(t.editor.cursor(), (1, 0));
    let (t, _) = run(TEXT, "Gdd");
    assert_eq!(t.text(), "select a, b\nfrom prices");
}

#[test]
fn yy_and_y_with_motions_copy_without_changing() {
    let (t, _) = run(TEXT, "yyjp");
    assert_eq!(t.text(), "select a, b\nfrom prices\nselect a, b\nwhere x = 1");
    let (t, _) = run(TEXT, "yw$p");
    assert_eq!(t.text(), "select a, bselect \nfrom prices\nwhere x = 1");
    let (t, _) = run(TEXT, "wye");
    assert_eq!((t.text().as_str(), t.editor.yank_text()), (TEXT, "a,".to_string()), "e stops at the punctuation word, as in vim");
    assert_eq!(t.editor.cursor(), (0, 7));
}

#[test]
fn c_changes_and_enters_insert_mode() {
    let (t, vim) = run(TEXT, "cwSELECT<esc>");
    assert_eq!(t.text(), "SELECT a, b\nfrom prices\nwhere x = 1");
    assert_eq!(vim.mode, Mode::Normal);
    let (t, vim) = run(TEXT, "jccfrom trades");
    assert_eq!(t.text(), "select a, b\nfrom trades\nwhere x = 1");
    assert_eq!(vim.mode, Mode::Insert);
    assert_eq!(run(TEXT, "wc$x").0.text(), "select x\nfrom prices\nwhere x = 1");
}

#[test]
fn x_u_and_ctrl_r() {
    let (mut t, mut vim) = run(TEXT, "xx");
    assert_eq!(t.text(), "lect a, b\nfrom prices\nwhere x = 1");
    assert_eq!(typed(&mut vim, &mut t, "u"), Handled::Edited);
    assert_eq!(t.text(), "elect a, b\nfrom prices\nwhere x = 1");
    typed(&mut vim, &mut t, "u");
    assert_eq!(t.text(), TEXT);
    assert_eq!(typed(&mut vim, &mut t, "<c-r>"), Handled::Edited);
    assert_eq!(t.text(), "elect a, b\nfrom prices\nwhere x = 1");
}

#[test]
fn i_a_o_and_shifted_o_a_i_enter_insert_mode_where_vim_does() {
    assert_eq!(run(TEXT, "iX<esc>").0.text(), "Xselect a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "aX<esc>").0.text(), "sXelect a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "AX<esc>").0.text(), "select a, bX\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "$IX<esc>").0.text(), "Xselect a, b\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "oX<esc>").0.text(), "select a, b\nX\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "jOX<esc>").0.text(), "select a, b\nX\nfrom prices\nwhere x = 1");
    let (t, vim) = run(TEXT, "ihi");
    assert_eq!((vim.mode, t.text().starts_with("hiselect")), (Mode::Insert, true));
    let (t, vim) = run(TEXT, "ihi<esc>");
    assert_eq!((vim.mode, t.editor.cursor()), (Mode::Normal, (0, 1)));
}

#[test]
fn visual_selects_inclusively_and_operators_act_on_it() {
    let (t, vim) = run(TEXT, "vll");
    assert_eq!(vim.mode, Mode::Visual);
    assert_eq!(t.editor.selection_range(), Some(((0, 0), (0, 3))), "three characters, the cursor's included");
    assert_eq!(run(TEXT, "vlld").0.text(), "ect a, b\nfrom prices\nwhere x = 1");
    let (t, vim) = run(TEXT, "wvey");
    assert_eq!((t.editor.yank_text(), vim.mode), ("a,".to_string(), Mode::Normal));
    assert_eq!(run(TEXT, "$vhhd").0.text(), "select a\nfrom prices\nwhere x = 1");
    assert_eq!(run(TEXT, "vecALL<esc>").0.text(), "ALL a, b\nfrom prices\nwhere x = 1");
    let (t, vim) = run(TEXT, "vl<esc>");
    assert_eq!((t.editor.selection_range(), vim.mode, t.editor.cursor()), (None, Mode::Normal, (0, 1)));
}

#[test]
fn visual_line_selects_whole_lines() {
    let (t, vim) = run(TEXT, "Vj");
    assert_eq!(vim.mode, Mode::VisualLine);
    assert_eq!(t.editor.selection_range(), Some(((0, 0), (1, 11))));
    assert_eq!(run(TEXT, "jVd").0.text(), "select a, b\nwhere x = 1");
    assert_eq!(run(TEXT, "GVkd").0.text(), "select a, b");
    let (t, _) = run(TEXT, "Vyjp");
    assert_eq!(t.text(), "select a, b\nfrom prices\nselect a, b\nwhere x = 1");
}

#[test]
fn keys_vim_does_not_take_go_to_the_keymap() {
    let mut t = tab(TEXT);
    let mut vim = Vim::new();
    for k in [KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE), KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)] {
        assert_eq!(vim.key(&mut t.editor, &k), Handled::No);
    }
    typed(&mut vim, &mut t, "i");
    assert_eq!(vim.key(&mut t.editor, &KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE)), Handled::No);
    assert_eq!(Mode::Insert.label(), "INSERT");
}
