//! The `sluice` binary: parses arguments, resolves settings, runs one command, prints,
//! and maps errors to documented exit codes. Nothing else in sluice exits the process.

mod args;
mod cmd;
mod exit;
mod notify;
mod progress;
mod settings;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::exit::Failure;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = cmd::run(cli, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(f) if is_broken_pipe(&f) => ExitCode::SUCCESS,
        Err(f) => {
            let _ = out.flush();
            drop(out);
            print_failure(&f);
            ExitCode::from(f.exit as u8)
        }
    }
}

fn is_broken_pipe(f: &Failure) -> bool {
    f.error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Prints the error and its whole cause chain to stderr.
fn print_failure(f: &Failure) {
    let mut err = io::stderr().lock();
    let text = f.error.to_string();
    for (i, line) in text.lines().enumerate() {
        let _ = if i == 0 || f.many {
            writeln!(err, "error: {line}")
        } else {
            writeln!(err, "  {line}")
        };
    }
    let mut source = f.error.source();
    while let Some(s) = source {
        let _ = writeln!(err, "  caused by: {s}");
        source = s.source();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn exit_codes_are_stable() {
        use crate::exit::Exit::*;
        let codes = [
            Success,
            ChecksFailed,
            Input,
            MigrationFailed,
            Refused,
            Locked,
            Database,
            Output,
        ]
        .map(|e| e as u8);
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7]);
    }
}
