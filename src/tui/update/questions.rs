//! Keys of the two questions: quitting with queries running (confirm stops them, leave lets
//! them run on), and the queries an earlier session left running (confirm re-attaches).

use crate::tui::keymap::Cmd;
use crate::tui::state::{Effect, Overlay, State};
use crate::tui::update::run::{attach_all, leave};

pub fn key(s: &mut State, cmd: Option<Cmd>, fx: &mut Vec<Effect>) {
    match (s.overlay.take(), cmd) {
        (Some(Overlay::Quit { .. }), Some(Cmd::Confirm | Cmd::Quit)) => leave(s, false, fx),
        (Some(Overlay::Quit { .. }), Some(Cmd::Leave)) => leave(s, true, fx),
        (Some(Overlay::Detached(offer)), Some(Cmd::Confirm)) => attach_all(s, offer, fx),
        (Some(Overlay::Detached(offer)), Some(Cmd::Close)) => {
            let n = offer.runs.len();
            s.notify(format!("{n} query(s) left running on the server; `fathom history` lists them, `fathom attach ID` follows one"), false);
        }
        (Some(Overlay::Quit { .. }), Some(Cmd::Close)) => {}
        (other, _) => s.overlay = other,
    }
}
