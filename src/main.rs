fn main() -> std::process::ExitCode {
    forklab::cli::main()
}
