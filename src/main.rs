//! The `nines` command: parse arguments, call the library, map errors to
//! exit codes (2 for bad input, 1 for failures while running, 0 and no
//! message when the reader closed standard output).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = nines::cli::Cli::parse();
    match nines::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_quiet() {
                nines::stdout::note(format_args!("error: {e}"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}
