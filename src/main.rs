//! The `spleval` command line: parse the arguments, run the subcommand
//! (each lives in `spleval::cli`), map errors to exit codes.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use spleval::cli;

#[derive(Parser)]
#[command(
    name = "spleval",
    version,
    about = "Run Splunk SPL detections (security_content YAML) over JSON events, no Splunk server needed",
    after_help = "Exit codes: 0 success (zero results included), 1 runtime or input error, 2 usage, parse or macro error."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a detection YAML's search (or --spl) over events
    Run(Box<cli::run::RunArgs>),
    /// Merge shards' partial results (`run --partial`) into what one run over all their events prints
    #[command(
        long_about = "Merge partial results written by `spleval run --partial` (one per shard of the \
events) into exactly what `spleval run` over all the shards' events prints, in any --format run \
supports.\n\n\
The search (RULE or --spl, and the macros) must be the one the partials were written with: each \
partial's header carries the expanded search, and a partial of another search, of another \
format version, or with a malformed line is refused (naming the file and line). Partials are \
merged in the order of their header's inputs (then their file names), whatever order they are \
given in, so results that depend on event order (first, last, list, ties) are those of one run \
over the inputs in that order. Give the same --now and --tz as the shards.\n\n\
--explain says where the search splits: at a leading tstats or at its first stats (shards ship \
each group's states), or, when a command before it cannot run per shard, after the streaming \
commands (shards ship rows, before a plain dedup only the first N of each combination, and the \
merge runs the rest)."
    )]
    Merge(Box<cli::merge::MergeArgs>),
    /// Print the SPL with every macro expanded
    Expand(cli::search::SearchArgs),
    /// Load, expand, parse and (unless --parse-only) plan every detection under PATHS
    Check(cli::check::CheckArgs),
    /// Run detections' own tests against local attack data
    Test(cli::test::TestArgs),
    /// Run every runnable detection under a rules folder over events, reading them once
    #[command(
        long_about = "Run every runnable detection under DIR/detections (macros and lookups from DIR, \
deprecated and removed detections left out) over the events, reading the input once.\n\n\
Results are labelled by detection, sorted by detection name: table: one table per detection \
with a heading `== NAME (N results)`; json: one object per line, `detection` first, then the \
result's fields; csv: one header row, `detection` then the union of every detection's fields; \
findings: one finding per result (detection, rendered message, risk score, risk and threat \
objects, ATT&CK, stories, the result); ocsf: the same as OCSF Detection Finding records. \
Detections without results print nothing; --summary FILE writes every detection's count (0 \
included) and why each skipped one cannot run; --report FILE writes an HTML report of the \
findings (then results go to stdout only with --format). At the end a summary goes to stderr: detections \
loaded / runnable / not runnable (by reason), events read, detections with results, the \
detections that failed while running (with their errors), time.\n\n\
Detections with subsearches run them first, together in one more pass over the input; \
searches that read no events (| makeresults, | inputlookup, | rest) are not run.\n\n\
Exit status: 0 when every detection that could run ran (failures at run time are listed, \
not fatal); 1 with --strict when any failed; non-zero when the rules or the input cannot be \
read."
    )]
    Hunt(Box<cli::hunt::HuntArgs>),
    /// Print the parsed AST (as SPL, or --json)
    Parse {
        #[command(flatten)]
        search: cli::search::SearchArgs,
        /// Print the AST as JSON (with spans) instead of SPL
        #[arg(long)]
        json: bool,
    },
    /// Interactive SPL over loaded events, with meta-commands (.help lists them)
    #[command(
        long_about = "Interactive SPL over loaded events. Each input is SPL run over the loaded events \
(results as a table, or the --format / .format chosen, then the count and time), or a \
meta-command: .load .clear .rules .macro .macros .expand .fields .format .explain .run \
.save-macro .help .quit. Input continues on the next line while it ends with '|' or a \
bracket, quote or backtick is open.\n\nOn a terminal: history (in \
$XDG_DATA_HOME/spleval/history, else ~/.local/share/spleval/history), Tab completion of \
commands, eval functions, macros, fields and paths, and syntax hints. Otherwise lines are \
read from stdin without prompts; the exit code is then 1 if any input failed."
    )]
    Repl(Box<cli::repl::ReplArgs>),
    /// List, show or check macros
    Macro {
        #[command(subcommand)]
        cmd: cli::macros::MacroCmd,
    },
    /// Try a new definition of a detection's `*_filter` macro: which results it removes and keeps
    Filter(Box<cli::filter::FilterArgs>),
}

/// Whether file descriptor 1 was closed when the process started, looked at
/// before the Rust runtime points a closed one at /dev/null.
#[cfg(target_os = "linux")]
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs from `.init_array`, before the Rust runtime's own start-up.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static LOOK_AT_STDOUT: extern "C" fn() = {
    extern "C" fn look() {
        // SAFETY: fcntl(F_GETFD) only queries the descriptor's flags.
        if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    look
};

fn main() -> ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes
    // away (`spleval run … | head`), instead of panicking on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A closed standard output (`>&-`): the Rust runtime reopens it on
    // /dev/null before `main`, so results would vanish with exit 0. Say so.
    #[cfg(target_os = "linux")]
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("error: standard output is closed: there is nowhere to write results");
        return ExitCode::from(1);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.cmd {
        Cmd::Run(a) => cli::run::exec(*a),
        Cmd::Merge(a) => cli::merge::exec(*a),
        Cmd::Expand(a) => cli::search::expand(a),
        Cmd::Check(a) => cli::check::exec(a),
        Cmd::Test(a) => cli::test::exec(a),
        Cmd::Hunt(a) => cli::hunt::exec(*a),
        Cmd::Parse { search, json } => cli::search::parse(search, json),
        Cmd::Repl(a) => cli::repl::exec(*a),
        Cmd::Macro { cmd } => cli::macros::exec(cmd),
        Cmd::Filter(a) => cli::filter::exec(*a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.msg.is_empty() {
                cli::report(&e);
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// The allocator: events are maps of many small strings, built and dropped
/// on every core; mimalloc's per-thread heaps serve that faster than glibc's
/// (measured in README, "Dependencies").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
