//! Long lists split into numbered pages: page paths, titles and the pager between them.

use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use serde::Serialize;

/// Where a page of a list split into numbered pages sits, and links to the others.
#[derive(Debug, Serialize, PartialEq)]
pub(super) struct Pager {
    /// 1-based.
    current: usize,
    /// Number of pages.
    total: usize,
    /// URL of the previous page, or empty on the first.
    previous: String,
    /// URL of the next page, or empty on the last.
    next: String,
    /// The first, the last and the pages near the current one, with gaps between.
    links: Vec<PagerLink>,
}

/// One numbered link of a [`Pager`], or a gap (`…`).
#[derive(Debug, Serialize, PartialEq)]
pub(super) struct PagerLink {
    number: usize,
    url: String,
    current: bool,
    gap: bool,
}

impl Pager {
    /// The pager of page `current` of `total` pages of the list at `base`; `None` when the
    /// list fits on one page.
    pub(super) fn new(base: &str, root: &str, current: usize, total: usize) -> Option<Pager> {
        if total <= 1 {
            return None;
        }
        let url = |number: usize| format!("{root}{}", page_path(base, number));
        let mut links = Vec::new();
        let mut last_shown = 0;
        for number in 1..=total {
            let near = number.abs_diff(current) <= 2;
            if !(number == 1 || number == total || near) {
                continue;
            }
            if number > last_shown + 1 {
                links.push(PagerLink {
                    number: 0,
                    url: String::new(),
                    current: false,
                    gap: true,
                });
            }
            links.push(PagerLink {
                number,
                url: url(number),
                current: number == current,
                gap: false,
            });
            last_shown = number;
        }
        Some(Pager {
            current,
            total,
            previous: if current > 1 {
                url(current - 1)
            } else {
                String::new()
            },
            next: if current < total {
                url(current + 1)
            } else {
                String::new()
            },
            links,
        })
    }
}

/// Renders every page of a split list in parallel (`render_page` gets the 1-based number and
/// the page's items); the first error in page order, so the report does not depend on timing.
pub(super) fn each_page<T: Sync>(
    pages: &[T],
    render_page: impl Fn(usize, &T) -> Result<(), Diagnostic> + Sync,
) -> Result<(), Diagnostic> {
    let results: Vec<Result<(), Diagnostic>> = pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| render_page(index + 1, page))
        .collect();
    results.into_iter().collect()
}

/// The path of page `number` of the list at `base`: `base` itself, then `base`page/2/, …
pub(super) fn page_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// `items` in pages of `size`; always at least one page, so an empty list still has one.
pub(super) fn pages_of(items: &[usize], size: usize) -> Vec<&[usize]> {
    if items.is_empty() {
        return vec![items];
    }
    items.chunks(size.max(1)).collect()
}

/// `title`, with "(page N of M)" past the first page of a split list.
pub(super) fn paged_title(title: &str, number: usize, total: usize) -> String {
    if number <= 1 {
        title.to_string()
    } else {
        format!("{title} (page {number} of {total})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_shows_the_ends_and_the_pages_near_the_current_one() {
        let pager = Pager::new("timeline/", "../../../", 6, 20).expect("20 pages");
        let shown: Vec<String> = pager
            .links
            .iter()
            .map(|link| match (link.gap, link.current) {
                (true, _) => "…".to_string(),
                (false, true) => format!("[{}]", link.number),
                (false, false) => link.number.to_string(),
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "[6]", "7", "8", "…", "20"]);
        assert_eq!(pager.previous, "../../../timeline/page/5/");
        assert_eq!(pager.next, "../../../timeline/page/7/");
        assert_eq!(pager.links[0].url, "../../../timeline/");
        assert!(Pager::new("timeline/", "../", 1, 1).is_none());
    }

    #[test]
    fn an_empty_list_still_has_one_page() {
        assert_eq!(pages_of(&[], 500), vec![&[] as &[usize]]);
        assert_eq!(pages_of(&[1, 2, 3], 2), vec![&[1, 2][..], &[3][..]]);
        assert_eq!(page_path("countries/", 1), "countries/");
        assert_eq!(page_path("countries/", 3), "countries/page/3/");
        assert_eq!(paged_title("Countries", 2, 3), "Countries (page 2 of 3)");
    }
}
