//! `lode serve`: builds the site into memory, serves it over HTTP, watches the knowledge base,
//! rebuilds on change and makes open pages reload, or show the diagnostics as an overlay.
//!
//! - `rebuild.rs` — the one seam to the pipeline ([`rebuild::Rebuild`]); nothing else here
//!   knows how a rebuild is done.
//! - `reload.rs` — the last good site and the live state open pages follow.
//! - `http.rs` — requests: safe path resolution, content types, the injected reload client,
//!   the event stream.
//! - `watch.rs` — file watching, debounced and coalesced.

pub mod http;
pub mod rebuild;
pub mod reload;
pub mod watch;

use crate::site::{self, BuildOptions, SetupError};
use rebuild::{Rebuild, RebuildReport, diagnostics_text};
use reload::Shared;
use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The port `lode serve` listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 1111;

/// What `lode serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Knowledge base root, `--base-url` (else the served URL) and `--drafts`; `output` is unused.
    pub build: BuildOptions,
    /// Address to listen on: 127.0.0.1 unless `--bind` says otherwise.
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Open the site in a browser once serving.
    pub open: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            build: BuildOptions::default(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            open: false,
        }
    }
}

/// Why `lode serve` could not start or went on (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Another program listens on the port.
    #[error(
        "lode: {address} is already in use; stop the other server or pick another port with --port"
    )]
    PortInUse {
        /// The address asked for.
        address: SocketAddr,
    },
    /// The address cannot be listened on for another reason.
    #[error("lode: cannot listen on {address}: {source}")]
    Listen {
        /// The address asked for.
        address: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// `lode.yaml` or the root is wrong.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The knowledge base cannot be watched.
    #[error("lode: cannot watch the knowledge base: {0}")]
    Watch(#[from] notify_debouncer_mini::notify::Error),
    /// The async runtime or the server failed.
    #[error("lode: the server failed: {0}")]
    Server(std::io::Error),
}

/// Runs `lode serve` until Ctrl-C: prints `serving at URL` as the first line of stdout, then
/// one line per rebuild (diagnostics go to stderr, and to every open page).
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    site::check_root(&options.build.root)?;
    let root = std::fs::canonicalize(&options.build.root).map_err(|source| SetupError::Io {
        path: options.build.root.clone(),
        source,
    })?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = listen(address)?;
    let local = listener.local_addr().map_err(ServeError::Server)?;
    let url = served_url(local);
    let mut build = options.build.clone();
    build.root = root.clone();
    build.base_url = Some(build.base_url.unwrap_or_else(|| url.clone()));
    // A broken lode.yaml at the start is a usage error, as for `lode build`; later it is shown.
    let config = site::load_config(&crate::discover::DiskFiles::new(&root), &build)?;
    let watcher = watch::Watcher::start(&root, &config.content)?;
    println!("serving at {url}");
    warn_if_visible_to_the_network(options.bind, build.drafts);
    let shared = Arc::new(Shared::default());
    let rebuilder = Rebuild::new(build);
    let publisher = Arc::clone(&shared);
    std::thread::spawn(move || rebuild_on_change(rebuilder, watcher, &root, &publisher));
    if options.open {
        open_browser(&url);
    }
    run_server(listener, shared)
}

fn listen(address: SocketAddr) -> Result<std::net::TcpListener, ServeError> {
    let listener = std::net::TcpListener::bind(address).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            ServeError::PortInUse { address }
        } else {
            ServeError::Listen { address, source }
        }
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Listen { address, source })?;
    Ok(listener)
}

/// The URL people open: the bound address, or 127.0.0.1 when every address was asked for.
fn served_url(local: SocketAddr) -> String {
    let shown = if local.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), local.port())
    } else {
        local
    };
    format!("http://{shown}/")
}

fn warn_if_visible_to_the_network(bind: IpAddr, drafts: bool) {
    if bind.is_loopback() {
        return;
    }
    let drafts = if drafts {
        " drafts included (--drafts)"
    } else {
        " (drafts too, with --drafts)"
    };
    eprintln!(
        "warning: listening on {bind}: other machines on the network can see the site,{drafts}"
    );
}

fn open_browser(url: &str) {
    if let Err(error) = open::that_detached(url) {
        eprintln!("warning: cannot open a browser ({error}); open {url} yourself");
    }
}

/// The server on the current thread until Ctrl-C; open event streams end first, so stopping
/// does not wait for pages that stay open.
fn run_server(listener: std::net::TcpListener, shared: Arc<Shared>) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(ServeError::Server)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Server)?;
        let closing = Arc::clone(&shared);
        axum::serve(listener, http::router(shared))
            .with_graceful_shutdown(async move {
                // If Ctrl-C cannot be listened for, the server runs until the process is killed.
                if tokio::signal::ctrl_c().await.is_ok() {
                    closing.close();
                }
            })
            .await
            .map_err(ServeError::Server)
    })?;
    println!("stopped");
    Ok(())
}

/// The rebuild thread: the first build, then one rebuild per batch of changes, each published
/// to the server and announced in one line.
fn rebuild_on_change(
    mut rebuilder: Rebuild,
    mut watcher: watch::Watcher,
    root: &Path,
    shared: &Shared,
) {
    let mut started = SystemTime::now();
    let report = rebuilder.rebuild(&[]);
    announce(&report, shared, "built", &[], root);
    while let Some(batch) = watcher.next_changes() {
        match batch {
            Ok(changed) => {
                let changed = changed_since(changed, started);
                if changed.is_empty() {
                    continue;
                }
                started = SystemTime::now();
                let report = rebuilder.rebuild(&changed);
                announce(&report, shared, "rebuilt", &changed, root);
            }
            Err(error) => eprintln!("lode: watching failed: {error}"),
        }
    }
}

/// The paths of `changed` that were modified (or removed) since `since`: the watcher also
/// reports files merely read, as every rebuild reads them, and those must not rebuild again.
fn changed_since(changed: Vec<PathBuf>, since: SystemTime) -> Vec<PathBuf> {
    changed
        .into_iter()
        .filter(
            |path| match std::fs::metadata(path).and_then(|meta| meta.modified()) {
                Ok(modified) => modified >= since,
                // Removed (or unreadable): a rebuild says what became of it.
                Err(_) => true,
            },
        )
        .collect()
}

/// Publishes `report` and prints its line: `rebuilt 412 pages in 380 ms (content/countries/russia.md):
/// 4 files changed`, or the diagnostics and `build failed: …`.
fn announce(report: &RebuildReport, shared: &Shared, verb: &str, changed: &[PathBuf], root: &Path) {
    let colour = std::io::stderr().is_terminal();
    let because = changed_summary(changed, root);
    let milliseconds = report.elapsed.as_millis();
    let (errors, warnings) = report.error_and_warning_counts();
    eprint!("{}", shown_diagnostics(report, colour));
    match (report.problems_text(), &report.files) {
        (None, Some(files)) => {
            let published = shared.publish_good(files.clone());
            println!(
                "{verb} {} pages in {milliseconds} ms{because}: {} files changed, {warnings} warning(s)",
                report.pages_rendered, published.files_changed
            );
        }
        (problems, _) => {
            shared.publish_failed(problems.unwrap_or_default());
            println!(
                "build failed in {milliseconds} ms{because}: {errors} error(s), {warnings} warning(s); still serving the last good site"
            );
        }
    }
}

/// What the terminal shows of a report's problems: every diagnostic, or the setup error.
fn shown_diagnostics(report: &RebuildReport, colour: bool) -> String {
    match &report.setup_error {
        Some(error) => format!("{error}\n"),
        None => diagnostics_text(&report.diagnostics, colour),
    }
}

/// ` (content/countries/russia.md)`, ` (content/a.md, content/b.md and 998 more)`, or nothing for the first build.
fn changed_summary(changed: &[PathBuf], root: &Path) -> String {
    if changed.is_empty() {
        return String::new();
    }
    let names: Vec<String> = changed
        .iter()
        .take(2)
        .map(|path| relative_display(path, root))
        .collect();
    let more = changed.len().saturating_sub(names.len());
    if more == 0 {
        format!(" ({})", names.join(", "))
    } else {
        format!(" ({} and {more} more)", names.join(", "))
    }
}

fn relative_display(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}
