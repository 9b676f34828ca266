//! An entry's `events:`, the dated happenings the timeline shows: each a mapping with a
//! `date`, a `title`, the entries it concerns (`refs`) and the `source` that reports it.

use super::{EntryValidation, child, key};
use crate::diagnostics::Code;
use crate::model::EntryEvent;
use crate::yaml_position::{CompactPath, PathSegment};
use serde_yaml::{Mapping, Value as Yaml};

/// The keys an event may have.
const EVENT_KEYS: [&str; 4] = ["date", "title", "refs", "source"];

impl EntryValidation<'_> {
    /// The entry's events (empty if unset); events with errors are reported and left out.
    pub(super) fn events(&mut self, front: &Mapping) -> Vec<EntryEvent> {
        let items = match front.get("events") {
            None | Some(Yaml::Null) => return Vec::new(),
            Some(Yaml::Sequence(items)) => items,
            Some(_) => {
                let diagnostic = self.error_at(Code::WrongType, &[key("events")], "`events` must be a list").help("write `events:` then items like `- { date: 2025-02-24, title: What happened, source: some-source }`");
                self.diagnostics.push(diagnostic);
                return Vec::new();
            }
        };
        let mut events = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = vec![key("events"), PathSegment::Index(index)];
            if let Some(event) = self.event(item, path) {
                events.push(event);
            }
        }
        events
    }

    /// One event; every problem in it is reported before giving up on it.
    fn event(&mut self, item: &Yaml, path: Vec<PathSegment>) -> Option<EntryEvent> {
        let Yaml::Mapping(mapping) = item else {
            let diagnostic = self
                .error_at(Code::InvalidEvent, &path, "an event must be a mapping")
                .help("write `- { date: 2025-02-24, title: What happened, source: some-source }`");
            return self.reject(diagnostic);
        };
        self.check_mapping_keys(mapping, &path, &EVENT_KEYS, "an event");
        let date = match mapping.get("date") {
            Some(value) => self.date(value, &child(&path, "date")),
            None => {
                let diagnostic = self
                    .error_at(Code::InvalidEvent, &path, "this event has no `date`")
                    .help("add `date: 2025-02-24` (or 2025-02, or 2025)");
                self.reject(diagnostic)
            }
        };
        let title = match mapping
            .get("title")
            .and_then(|title| self.written_text(title, &child(&path, "title")))
        {
            Some(title) => Some(title),
            None => {
                let diagnostic = self
                    .error_at(Code::InvalidEvent, &path, "this event has no `title`")
                    .help("add `title: What happened`");
                self.reject(diagnostic)
            }
        };
        let refs = match mapping.get("refs") {
            Some(value) => self.reference_list(value, &child(&path, "refs"), "refs"),
            None => Vec::new(),
        };
        let source = match mapping.get("source") {
            Some(value) => self.reference(value, child(&path, "source"), "source"),
            None => {
                self.missing_source(&path, "this event cites no source");
                None
            }
        };
        Some(EntryEvent {
            date: date?,
            title: title?,
            refs,
            source,
            path: CompactPath::new(&path),
        })
    }
}
