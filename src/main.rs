//! The `lode` command line: parses arguments and hands over to the library.

use clap::{Parser, Subcommand, ValueEnum};
use lode::diagnostics::{count, formats};
use lode::site::{self, BuildOptions, Outcome, SetupError};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// A static-site generator for typed, sourced knowledge bases.
#[derive(Parser)]
#[command(name = "lode", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        #[command(flatten)]
        common: CommonArgs,
        /// Output folder (default: `output` in lode.yaml, i.e. `public`).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print the time of each pipeline stage.
        #[arg(long)]
        timings: bool,
        /// A clean build: ignore and leave alone the build cache in `.lode-cache/` (by default
        /// a build with nothing changed stops at once, and pages whose inputs are unchanged are
        /// not rendered again).
        #[arg(long)]
        no_cache: bool,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check everything a build checks; write nothing. Exit 1 on content errors.
    Check {
        #[command(flatten)]
        common: CommonArgs,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print the time of each pipeline stage.
        #[arg(long)]
        timings: bool,
    },
    /// Build the site into memory, serve it with live reload and rebuild on every change.
    Serve {
        #[command(flatten)]
        common: CommonArgs,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = lode::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; anything but a loopback address shows the site to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
    },
    /// Scaffold a new entry of KIND (not yet available).
    New {
        /// The kind.
        kind: String,
        /// The title.
        title: String,
    },
    /// Create a new knowledge base from the built-in theme (not yet available).
    Init {
        /// Where.
        dir: PathBuf,
    },
    /// Print the JSON Schema of every kind (not yet available).
    Schema,
}

#[derive(clap::Args)]
struct CommonArgs {
    /// Knowledge base root (the folder with lode.yaml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Base URL of the published site (overrides lode.yaml).
    #[arg(long)]
    base_url: Option<String>,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// rustc-style text on stderr.
    Human,
    /// JSON Lines on stdout: one object per diagnostic.
    Json,
    /// GitHub Actions workflow commands on stdout, shown inline on pull requests.
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            common,
            output,
            timings,
            no_cache,
            format,
        } => {
            let mut options = options(common, output);
            options.use_cache = !no_cache;
            finish(site::build(&options), format, &options, timings, true)
        }
        Command::Check {
            common,
            format,
            timings,
        } => {
            let options = options(common, None);
            finish(site::check(&options), format, &options, timings, false)
        }
        Command::Serve {
            common,
            port,
            bind,
            open,
        } => serve(common, port, bind, open),
        Command::New { .. } | Command::Init { .. } | Command::Schema => {
            eprintln!("lode: this command is not yet available");
            ExitCode::from(2)
        }
    }
}

fn serve(common: CommonArgs, port: u16, bind: std::net::IpAddr, open: bool) -> ExitCode {
    let options = lode::serve::ServeOptions {
        build: options(common, None),
        bind,
        port,
        open,
    };
    match lode::serve::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

fn options(common: CommonArgs, output: Option<PathBuf>) -> BuildOptions {
    BuildOptions {
        root: common.root,
        output,
        base_url: common.base_url,
        drafts: common.drafts,
        use_cache: false,
    }
}

fn finish(
    result: Result<Outcome, SetupError>,
    format: Format,
    options: &BuildOptions,
    timings: bool,
    is_build: bool,
) -> ExitCode {
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if format == Format::Json {
        for diagnostic in &outcome.diagnostics {
            println!("{}", formats::json_line(diagnostic));
        }
    } else if format == Format::Github {
        let prefix = github_path_prefix(&options.root);
        for diagnostic in &outcome.diagnostics {
            println!("{}", formats::github_command(diagnostic, &prefix));
        }
    } else {
        let colour = std::io::stderr().is_terminal();
        for diagnostic in &outcome.diagnostics {
            eprintln!("{}\n", diagnostic.render(colour));
        }
        let (errors, warnings) = count(&outcome.diagnostics);
        let output = outcome
            .output
            .as_deref()
            .map(|path| path.display().to_string())
            .unwrap_or_default();
        if let Some(warnings) = outcome.nothing_changed {
            eprintln!(
                "nothing changed since the last build of {} entries into {output}; its {warnings} warning(s) are not repeated (`lode check` lists them)",
                outcome.entry_count,
            );
        } else if is_build && errors == 0 {
            let written = outcome.written.clone().unwrap_or_default();
            let kept = if written.kept > 0 {
                format!(", {} of yours kept", written.kept)
            } else {
                String::new()
            };
            eprintln!(
                "built {} entries into {output}: {} files written, {} unchanged, {} removed{kept}; {warnings} warning(s)",
                outcome.entry_count, written.written, written.unchanged, written.removed
            );
        } else if errors == 0 {
            eprintln!(
                "checked {} entries: no errors, {warnings} warning(s)",
                outcome.entry_count
            );
        } else {
            let verb = if is_build {
                "build failed (nothing written)"
            } else {
                "check failed"
            };
            eprintln!("{verb}: {errors} error(s), {warnings} warning(s)");
        }
    }
    if timings {
        eprint!("{}", outcome.timings.report());
    }
    if outcome.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where the knowledge base root is, as GitHub's annotations need paths from the repository's
/// root: the `--root` given, when it is relative (a workflow runs from the repository's root).
fn github_path_prefix(root: &std::path::Path) -> String {
    if root.is_absolute() || root == std::path::Path::new(".") {
        return String::new();
    }
    root.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}
