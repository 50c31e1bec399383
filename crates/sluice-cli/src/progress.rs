//! Progress bars on a terminal (`up`, `test`, `fleet up`): counts, what runs now and the
//! time it has taken, redrawn in place on stderr. A pipe or a file gets nothing from here
//! (the plain lines on stdout say everything), and neither does `TERM=dumb`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `total` steps, named `unit` (`migrations`, `databases`); hidden unless stderr
/// is a terminal.
#[derive(Debug)]
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(total: usize, unit: &str) -> Bar {
        let on =
            std::io::stderr().is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb");
        let bar = ProgressBar::with_draw_target(
            Some(total as u64),
            if on {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "[{{bar:24}}] {{pos}}/{{len}} {unit} ({{elapsed}}){{wide_msg}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#>-"),
        );
        if on {
            // Redrawn even while one long statement runs, so its time keeps counting.
            bar.enable_steady_tick(Duration::from_millis(250));
        }
        Bar { bar }
    }

    /// What runs now (shown after the counts).
    pub fn doing(&self, what: &str) {
        self.bar.set_message(format!(", {what}"));
    }

    /// One more step done.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// Runs `f` (which prints a line) with the bar out of the way.
    pub fn above<T>(&self, f: impl FnOnce() -> T) -> T {
        self.bar.suspend(f)
    }

    /// Removes the bar.
    pub fn done(&self) {
        self.bar.finish_and_clear();
    }
}
