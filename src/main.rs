//! The `nines` command: parse arguments, call the library, map errors to
//! exit codes (2 for bad input, 1 for failures while running).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = nines::cli::Cli::parse();
    match nines::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
