//! The HTTP side of `lode serve`: the site from memory, the reload client and its event stream.
//!
//! Nothing is read from disk at request time: a request path is decoded once, checked segment
//! by segment, and looked up in the served map. So `..`, encoded slashes, backslashes, drive
//! prefixes and symbolic links cannot lead out of the site, and there are no folder listings.

use super::reload::{LiveState, Shared, event_for};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::convert::Infallible;
use std::sync::Arc;

/// Where the reload client listens for events.
pub const EVENTS_PATH: &str = "/__lode/events";
/// Where the reload client's script is served.
pub const CLIENT_PATH: &str = "/__lode/lode-serve.js";

/// The reload client and its overlay (added to HTML responses while serving, never built).
const CLIENT_SCRIPT: &str = include_str!("lode-serve.js");
/// What a page shows before the first good build (the overlay comes on top when it failed).
const WAITING_PAGE: &str = include_str!("waiting.html");

/// The server's routes: the event stream, the client script, and the site for everything else.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(CLIENT_PATH, get(client_script))
        .fallback(site_file)
        .with_state(shared)
}

/// What a request path names in the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The file at this key of the served map.
    File(String),
    /// A folder asked without its final `/`: redirect there (keeps relative links right).
    Redirect(String),
    /// Nothing at this address.
    NotFound,
    /// A path that tries to leave the site or cannot name a file of it.
    BadRequest,
}

/// Resolves the raw (still percent-encoded) `path` of a request against the site, whose files
/// `exists` tells. Each `/`-separated segment is decoded once; a segment that decodes to `.`,
/// `..`, or holds `/`, `\`, `:` (drive prefixes, alternate streams) or NUL, an empty segment
/// anywhere but at the end, and bytes that are not UTF-8 are refused.
pub fn resolve(path: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let Some(relative) = path.strip_prefix('/') else {
        return Resolved::BadRequest;
    };
    let raw_segments: Vec<&str> = relative.split('/').collect();
    let mut segments = Vec::with_capacity(raw_segments.len());
    for (index, raw) in raw_segments.iter().enumerate() {
        let is_last = index + 1 == raw_segments.len();
        match decode_segment(raw) {
            Some(segment) if segment.is_empty() && !is_last => return Resolved::BadRequest,
            Some(segment) => segments.push(segment),
            None => return Resolved::BadRequest,
        }
    }
    let key = segments.join("/");
    if key.is_empty() || key.ends_with('/') {
        let index = format!("{key}index.html");
        return if exists(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if exists(&key) {
        Resolved::File(key)
    } else if exists(&format!("{key}/index.html")) {
        Resolved::Redirect(format!("{path}/"))
    } else {
        Resolved::NotFound
    }
}

/// One path segment, percent-decoded; `None` when it is not a plain file or folder name.
fn decode_segment(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let refused = decoded == "." || decoded == ".." || decoded.contains(['/', '\\', ':', '\0']);
    if refused {
        None
    } else {
        Some(decoded.into_owned())
    }
}

/// The `Content-Type` of a site file, from its extension; text types say UTF-8.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "json" | "javascript" | "xml" | "atom+xml" | "svg+xml"
        )
        || mime
            .suffix()
            .is_some_and(|suffix| suffix == "xml" || suffix == "json");
    if is_text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// `html` with the reload client's script before its last `</body>` (or at the end): a page
/// served by `lode serve` follows rebuilds; the built bytes themselves never carry it.
pub fn inject_client(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{CLIENT_PATH}\" data-version=\"{version}\" defer></script>\n");
    let at = last_body_close(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn last_body_close(html: &[u8]) -> Option<usize> {
    let needle = b"</body>";
    (0..=html.len().checked_sub(needle.len())?)
        .rev()
        .find(|&at| html[at..at + needle.len()].eq_ignore_ascii_case(needle))
}

async fn site_file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    let site = shared.site();
    if site.version == 0 {
        return waiting_page();
    }
    match resolve(uri.path(), |key| site.files.contains_key(key)) {
        Resolved::File(key) => file_response(StatusCode::OK, &key, &site.files[&key], site.version),
        Resolved::Redirect(location) => redirect(&location, uri.query()),
        Resolved::BadRequest => plain(StatusCode::BAD_REQUEST, "bad request path\n"),
        Resolved::NotFound => match site.files.get("404.html") {
            Some(page) => file_response(StatusCode::NOT_FOUND, "404.html", page, site.version),
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        },
    }
}

fn file_response(status: StatusCode, key: &str, bytes: &Bytes, version: u64) -> Response {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        Body::from(inject_client(bytes, version))
    } else {
        Body::from(bytes.clone())
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn waiting_page() -> Response {
    let body = inject_client(WAITING_PAGE.as_bytes(), 0);
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn redirect(location: &str, query: Option<&str>) -> Response {
    let target = match query {
        Some(query) => format!("{location}?{query}"),
        None => location.to_string(),
    };
    match HeaderValue::from_str(&target) {
        Ok(value) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response(),
        Err(_) => plain(StatusCode::BAD_REQUEST, "bad request path\n"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn client_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        CLIENT_SCRIPT,
    )
        .into_response()
}

/// The live state as server-sent events: the current state at once (a page opened while the
/// build is broken shows the overlay straight away), then every change, until shutdown.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold(
        (shared.subscribe(), true),
        |(mut receiver, is_first)| async move {
            if !is_first && receiver.changed().await.is_err() {
                return None;
            }
            let state: LiveState = receiver.borrow_and_update().clone();
            if state.closing {
                return None;
            }
            Some((Ok(event_for(&state)), (receiver, false)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> Resolved {
        let files = [
            "index.html",
            "countries/index.html",
            "countries/russia/index.html",
            "style.css",
            "a b.txt",
        ];
        resolve(path, |key| files.contains(&key))
    }

    #[test]
    fn folders_files_and_redirects_resolve() {
        assert_eq!(site("/"), Resolved::File("index.html".into()));
        assert_eq!(site("/style.css"), Resolved::File("style.css".into()));
        assert_eq!(site("/a%20b.txt"), Resolved::File("a b.txt".into()));
        assert_eq!(
            site("/countries/russia/"),
            Resolved::File("countries/russia/index.html".into())
        );
        assert_eq!(
            site("/countries/russia"),
            Resolved::Redirect("/countries/russia/".into())
        );
        assert_eq!(site("/nowhere/"), Resolved::NotFound);
        assert_eq!(site("/nowhere"), Resolved::NotFound);
    }

    #[test]
    fn paths_that_try_to_leave_the_site_are_refused() {
        for path in [
            "/../etc/passwd",
            "/countries/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/countries/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/..%2fetc%2fpasswd",
            "/..%5cetc%5cpasswd",
            "/..\\etc\\passwd",
            "/./index.html",
            "//etc/passwd",
            "/countries//russia/",
            "/C:/Windows/win.ini",
            "/c%3a/Windows/win.ini",
            "/index.html%00.css",
            "/%ff%fe",
            "etc/passwd",
        ] {
            assert_eq!(site(path), Resolved::BadRequest, "{path}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("lode.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("search.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("atom.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("logo.png"), "image/png");
        assert_eq!(content_type("no-extension"), "application/octet-stream");
    }

    #[test]
    fn the_client_goes_before_the_last_closing_body_tag() {
        let page = inject_client(b"<html><body><p>x</p></BODY></html>", 7);
        let page = String::from_utf8(page).unwrap();
        assert_eq!(
            page,
            "<html><body><p>x</p><script src=\"/__lode/lode-serve.js\" data-version=\"7\" defer></script>\n</BODY></html>"
        );
        let bare = String::from_utf8(inject_client(b"<p>x</p>", 1)).unwrap();
        assert!(bare.starts_with("<p>x</p><script"));
    }
}
