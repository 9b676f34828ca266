//! Timelines: the site's, and each kind's, in date order and split into pages.

use super::pager::{Pager, each_page, page_path, paged_title, pages_of};
use super::renderer::Renderer;
use super::root_prefix;
use super::views;
use crate::diagnostics::Diagnostic;
use serde::Serialize;
use std::collections::BTreeSet;

impl Renderer<'_> {
    pub(super) fn timelines(&self) -> Result<(), Diagnostic> {
        let all: Vec<usize> = (0..self.input.derived.timeline.len()).collect();
        self.timeline_pages("timeline/", "Timeline", &all)
    }

    /// The timeline of the events at `positions`, at `base` and, past one page, `base`page/2/…
    pub(super) fn timeline_pages(
        &self,
        base: &str,
        title: &str,
        positions: &[usize],
    ) -> Result<(), Diagnostic> {
        let pages = pages_of(positions, self.page_size());
        let years = self.year_starts(&pages);
        each_page(&pages, |number, events| {
            let path = page_path(base, number);
            let root = root_prefix(&path);
            let density = views::density_view(&years, |page_number| {
                if page_number == number {
                    String::new()
                } else {
                    format!("{root}{}", page_path(base, page_number))
                }
            });
            self.timeline_page(
                &path,
                &paged_title(title, number, pages.len()),
                events,
                positions.len(),
                density,
                Pager::new(base, &root, number, pages.len()),
            )
        })
    }

    /// Each year of the events in `pages`, its number of events and the page its first event
    /// is on: the density strip shown on every page of a timeline.
    fn year_starts(&self, pages: &[&[usize]]) -> Vec<views::YearBar> {
        let timeline = &self.input.derived.timeline;
        let mut years: Vec<views::YearBar> = Vec::new();
        for (index, events) in pages.iter().enumerate() {
            for &position in events.iter() {
                let year = views::year_label(&timeline[position]);
                match years.last_mut() {
                    Some(bar) if bar.year == year => bar.count += 1,
                    _ => years.push(views::YearBar {
                        year,
                        count: 1,
                        page: index + 1,
                    }),
                }
            }
        }
        years
    }

    fn timeline_page(
        &self,
        path: &str,
        title: &str,
        positions: &[usize],
        total_count: usize,
        density: Option<views::DensityView>,
        pager: Option<Pager>,
    ) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let root = root_prefix(path);
        let events = views::events_for(graph, self.input.derived, positions, &root);
        let mut kinds: BTreeSet<String> = BTreeSet::new();
        let mut tags: BTreeSet<String> = BTreeSet::new();
        for event in &events {
            kinds.extend(event.kinds.split_whitespace().map(str::to_string));
            tags.extend(event.tags.split_whitespace().map(str::to_string));
        }
        let view = TimelineView {
            groups: views::group_by_year(events),
            density,
            kinds: kinds.into_iter().collect(),
            tags: tags.into_iter().collect(),
            count: total_count,
            pager,
        };
        self.page(
            "timeline.html",
            path,
            title,
            "Events in date order, each with its source.",
            view,
        )
    }
}

#[derive(Serialize)]
struct TimelineView {
    groups: Vec<views::YearGroup>,
    density: Option<views::DensityView>,
    kinds: Vec<String>,
    tags: Vec<String>,
    count: usize,
    pager: Option<Pager>,
}
