//! `backorders`: the command line of the reference host.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
