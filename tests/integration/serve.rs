//! `lode serve` as a child process on a free port: edits are served and announced, errors show
//! the overlay's data and their fix removes it, traversal is refused, builds carry no client.

use crate::support;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// The server process, killed when dropped.
struct Server {
    child: Child,
    lines: Receiver<String>,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lode"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("lode starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            lines,
            port: 0,
        };
        let first = server.next_line();
        let port = first
            .strip_prefix("serving at http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("first line names the URL: {first}"));
        server.port = port;
        server
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(WAIT)
            .expect("a line from lode serve")
    }

    /// Raw HTTP/1.1 GET (no client crate: they normalise `..` away): status and body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        (status, response)
    }

    /// An open event stream.
    fn events(&self) -> BufReader<TcpStream> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET /__lode/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        BufReader::new(stream)
    }
}

/// The next event of `name` on the stream: its `data` as JSON.
fn next_event(stream: &mut BufReader<TcpStream>, name: &str) -> serde_json::Value {
    let deadline = Instant::now() + WAIT;
    let mut current = String::new();
    while Instant::now() < deadline {
        let mut line = String::new();
        stream
            .read_line(&mut line)
            .expect("event stream stays open");
        let line = line.trim_end();
        if let Some(event) = line.strip_prefix("event: ") {
            current = event.to_string();
        } else if let Some(data) = line.strip_prefix("data: ")
            && current == name
        {
            return serde_json::from_str(data).expect("event data is JSON");
        }
    }
    panic!("no `{name}` event in time");
}

fn copy_fixture(name: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let source = support::fixture(name);
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.unwrap();
        let target = copy
            .path()
            .join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    copy
}

fn wait_for_line(server: &Server, starts_with: &str) -> String {
    loop {
        let line = server.next_line();
        if line.starts_with(starts_with) {
            return line;
        }
    }
}

#[test]
fn serve_reloads_on_edits_shows_errors_and_refuses_traversal() {
    let root = copy_fixture("pages");
    let server = Server::start(root.path());
    wait_for_line(&server, "built ");
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("content-type: text/html; charset=utf-8"));
    assert!(
        home.contains("/__lode/lode-serve.js"),
        "the client is injected"
    );

    for path in [
        "/../lode.yaml",
        "/%2e%2e/lode.yaml",
        "/regions/..%2f..%2flode.yaml",
        "/..%5clode.yaml",
        "//etc/passwd",
        "/C:/Windows/win.ini",
    ] {
        assert_eq!(server.get(path).0, 400, "{path}");
    }
    assert_eq!(server.get("/regions").0, 301);
    assert_eq!(server.get("/no/such/page/").0, 404);

    let mut events = server.events();
    let first = next_event(&mut events, "reload");

    let west = root.path().join("content/regions/west.md");
    let text = std::fs::read_to_string(&west).unwrap();
    std::fs::write(&west, text.replace("smallest", "tiniest of all")).unwrap();
    let line = wait_for_line(&server, "rebuilt ");
    assert!(line.contains("content/regions/west.md"), "{line}");
    let second = next_event(&mut events, "reload");
    assert_ne!(first["version"], second["version"]);
    assert!(server.get("/regions/west/").1.contains("tiniest of all"));

    std::fs::write(&west, text.replace("status: open", "status: [open")).unwrap();
    wait_for_line(&server, "build failed");
    let broken = next_event(&mut events, "diagnostics");
    let overlay = broken["text"].as_str().unwrap().to_string();
    let check = Command::new(env!("CARGO_BIN_EXE_lode"))
        .args(["check", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    let check_text = String::from_utf8_lossy(&check.stderr);
    assert!(overlay.contains("regions/west.md"), "{overlay}");
    assert!(check_text.starts_with(&overlay), "overlay = lode check");
    assert!(
        server.get("/regions/west/").1.contains("tiniest of all"),
        "the last good site is still served"
    );

    std::fs::write(&west, text).unwrap();
    wait_for_line(&server, "rebuilt ");
    let fixed = next_event(&mut events, "reload");
    assert_ne!(fixed["version"], second["version"]);
}

#[test]
fn built_output_carries_no_reload_client() {
    let (_outcome, output) = support::build("pages");
    for entry in walkdir::WalkDir::new(output.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__lode"),
                "{}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_port_in_use_is_a_clear_error_with_exit_code_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_lode"))
        .args(["serve", "--port", &port, "--root"])
        .arg(support::fixture("pages"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already in use"), "{stderr}");
}

#[test]
fn a_thousand_files_changed_at_once_give_one_rebuild() {
    let root = copy_fixture("pages");
    let server = Server::start(root.path());
    wait_for_line(&server, "built ");
    // As a `git checkout` would: a thousand new entries written as fast as the disk takes them.
    let folder = root.path().join("content/regions");
    for number in 0..1000 {
        std::fs::write(
            folder.join(format!("added-{number:04}.md")),
            format!("---\ntitle: Added {number}\nneighbours: [north]\n---\nAn added region.\n"),
        )
        .expect("writes");
    }
    // On a quiet machine the thousand files (and their folder) come in one batch; on a loaded
    // one, writing them can take longer than the watcher's quiet period, and a second or third
    // batch follows (or the watcher, overwhelmed, reports the folder). Never a rebuild per file.
    let every_page_served = |server: &Server| {
        (0..1000)
            .step_by(111)
            .chain([999])
            .all(|number| server.get(&format!("/regions/added-{number:04}/")).0 == 200)
    };
    let mut rebuilds = Vec::new();
    while rebuilds.len() < 10 {
        rebuilds.push(wait_for_line(&server, "rebuilt "));
        if every_page_served(&server) {
            break;
        }
    }
    assert!(every_page_served(&server), "{rebuilds:#?}");
    assert!(
        rebuilds.len() <= 3,
        "batches, not a rebuild per file: {rebuilds:#?}"
    );
    // No further rebuild follows: the next line, if any, comes only after a new edit.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        server.lines.try_recv().is_err(),
        "a second rebuild was announced"
    );
    let (status, page) = server.get("/regions/added-0999/");
    assert_eq!(status, 200, "{page}");
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let root = copy_fixture("pages");
    let mut server = Server::start(root.path());
    wait_for_line(&server, "built ");
    let _events = server.events();
    // SIGINT, what Ctrl-C sends; an open event stream must not keep the server alive.
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert_eq!(wait_for_line(&server, "stopped"), "stopped");
    let exit = server.child.wait().expect("the server exits");
    assert!(exit.success(), "{exit:?}");
}
