//! The `anchormap` binary: the command line of the library, with its exit status.

/// mimalloc: the parallel join allocates rows on one thread and frees them on another, where
/// glibc's allocator serialises on its arena locks. Built without transparent huge pages (see
/// Cargo.toml): a national geocode peaks at 155 MB rather than 190 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    anchormap::run_command_line(std::env::args_os().collect())
}
