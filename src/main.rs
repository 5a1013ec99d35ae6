//! The `anchormap` binary: the command line of the library, with its exit status.

/// mimalloc: the parallel join allocates rows on one thread and frees them on another, where
/// glibc's allocator serialises on its arena locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    anchormap::run_command_line(std::env::args_os().collect())
}
