//! The `anchormap` binary: parse arguments, run the subcommand, report an error in one line.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the parallel join allocates rows on one thread and frees them on another, where
/// glibc's allocator serialises on its arena locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Ctrl-C must not leave hidden partial outputs (which may hold postcodes) behind.
    let _ = anchormap::io::atomic::remove_partials_on_interrupt();
    // Settings from anchormap.toml and the fetched reference data become options; flags override them.
    let args = match anchormap::cli::config::expand_args(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(err) => {
            eprintln!("anchormap: error: {err}");
            return ExitCode::from(1);
        }
    };
    let cli = anchormap::cli::Cli::parse_from(args);
    match anchormap::cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // The root cause carries the file, line and column; the context says what we were doing.
            let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
            // One line, whatever a value in it held (line breaks, a 50 MB field).
            eprintln!("anchormap: error: {}", anchormap::error::one_line(&chain.join(": ")));
            // How the command line was written: exit 2, like clap's own usage errors.
            let usage =
                err.chain().any(|e| matches!(e.downcast_ref::<anchormap::Error>(), Some(anchormap::Error::Usage(_))));
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || matches!(e.downcast_ref::<anchormap::Error>(), Some(anchormap::Error::Io { error, .. }) if error.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
