use std::process::ExitCode;

// Publishing allocates and frees many small strings on every thread (the
// pages, mdBook's templates and search index): mimalloc makes the same
// publish about a fifth faster than the system's allocator (benches/publish.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Writing to a closed pipe (`sopbook audit log | head`) ends the program
    // quietly, as other command-line tools do, instead of failing on print.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    ExitCode::from(sopbook::main_with_args(std::env::args_os()))
}
