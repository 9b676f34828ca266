//! What the server shows and what open pages are told: the last good site (swapped whole
//! after each good rebuild) and the live state every page's reload client follows over
//! server-sent events.

use axum::body::Bytes;
use axum::response::sse::Event;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use tokio::sync::watch;

/// One good build of the site, as served: files by path, and the version pages carry.
#[derive(Debug, Default)]
pub struct ServedSite {
    /// Every file by path (`countries/russia/index.html`).
    pub files: BTreeMap<String, Bytes>,
    /// Changes whenever the files do; 0 before the first good build.
    pub version: u64,
}

/// What every open page should show: the current version, and the problems of the last
/// rebuild when it failed.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    /// The version of the site being served.
    pub version: u64,
    /// The diagnostics text of the last rebuild when it failed (as `lode check` prints it).
    pub problems: Option<Arc<str>>,
    /// Set once when the server stops: event streams end so that shutdown does not wait.
    pub closing: bool,
}

/// The state shared by the rebuild thread (which publishes) and the server (which reads).
pub struct Shared {
    site: RwLock<Arc<ServedSite>>,
    live: watch::Sender<LiveState>,
}

/// What publishing a rebuild changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Files added, removed or with other bytes than before.
    pub files_changed: usize,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            site: RwLock::new(Arc::new(ServedSite::default())),
            live: watch::Sender::new(LiveState::default()),
        }
    }
}

impl Shared {
    /// The site being served now (the last good one).
    pub fn site(&self) -> Arc<ServedSite> {
        // A poisoned lock only means a publisher panicked after swapping: the value is whole.
        let guard = self
            .site
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&guard)
    }

    /// The live state now.
    pub fn live(&self) -> LiveState {
        self.live.borrow().clone()
    }

    /// A receiver of every change of the live state (it sees the current state first).
    pub fn subscribe(&self) -> watch::Receiver<LiveState> {
        self.live.subscribe()
    }

    /// Serves `files` from now on (a good rebuild): a new version when any file differs, and
    /// the overlay goes away.
    pub fn publish_good(&self, files: BTreeMap<String, Bytes>) -> Published {
        let current = self.site();
        let files_changed = count_changed(&current.files, &files);
        let mut version = current.version;
        if files_changed > 0 || version == 0 {
            version = next_version(current.version);
            let mut guard = self
                .site
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *guard = Arc::new(ServedSite { files, version });
        }
        self.live.send_modify(|live| {
            live.version = version;
            live.problems = None;
        });
        Published { files_changed }
    }

    /// Keeps serving the last good site, and shows `problems` on every open page.
    pub fn publish_failed(&self, problems: String) {
        self.live
            .send_modify(|live| live.problems = Some(problems.into()));
    }

    /// Ends every event stream (the server is stopping).
    pub fn close(&self) {
        self.live.send_modify(|live| live.closing = true);
    }
}

/// The server-sent event a page's client gets for `state`: `diagnostics` with the text while
/// the build is broken, else `reload` with the version (the client reloads when it differs
/// from its page's).
pub fn event_for(state: &LiveState) -> Event {
    match &state.problems {
        Some(text) => Event::default().event("diagnostics").data(
            serde_json::json!({ "version": state.version.to_string(), "text": &**text })
                .to_string(),
        ),
        None => Event::default()
            .event("reload")
            .data(serde_json::json!({ "version": state.version.to_string() }).to_string()),
    }
}

/// Versions come from the clock, so a page left open across a restart of `lode serve` still
/// sees a new version; strictly increasing all the same.
fn next_version(previous: u64) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    now.max(previous + 1)
}

fn count_changed(old: &BTreeMap<String, Bytes>, new: &BTreeMap<String, Bytes>) -> usize {
    // A reused page shares its bytes with the last build: same pointer, no comparison needed.
    let same = |old: &Bytes, new: &Bytes| {
        (old.as_ptr() == new.as_ptr() && old.len() == new.len()) || old[..] == new[..]
    };
    let changed_or_added = new
        .iter()
        .filter(|(path, bytes)| old.get(*path).is_none_or(|old| !same(old, bytes)))
        .count();
    let removed = old.keys().filter(|path| !new.contains_key(*path)).count();
    changed_or_added + removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, Bytes> {
        pairs
            .iter()
            .map(|(path, text)| (path.to_string(), Bytes::from(text.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn a_good_build_that_changes_nothing_keeps_the_version_and_clears_problems() {
        let shared = Shared::default();
        shared.publish_good(files(&[("index.html", "a")]));
        let first = shared.live().version;
        assert!(first > 0);
        shared.publish_failed("error: broken".to_string());
        assert_eq!(shared.site().version, first, "the last good site stays");
        assert!(shared.live().problems.is_some());
        let published = shared.publish_good(files(&[("index.html", "a")]));
        assert_eq!(published.files_changed, 0);
        assert_eq!(shared.live().version, first);
        assert!(shared.live().problems.is_none());
    }

    #[test]
    fn changed_added_and_removed_files_count_and_bump_the_version() {
        let shared = Shared::default();
        shared.publish_good(files(&[("a.html", "1"), ("b.html", "1")]));
        let first = shared.live().version;
        let published = shared.publish_good(files(&[("a.html", "2"), ("c.html", "1")]));
        assert_eq!(published.files_changed, 3);
        assert!(shared.live().version > first);
        assert_eq!(&shared.site().files["a.html"][..], b"2");
    }
}
