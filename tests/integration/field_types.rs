//! One field of every type and every claim form, rendered.

use crate::support::{build, errors, page, snapshot_main};

#[test]
fn every_field_type_and_claim_form_renders() {
    let (outcome, output) = build("field-types");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    let alpha = page(&output, "things/alpha/index.html");
    for expected in [
        "<dd class=\"field-code\">ALPHA</dd>",
        "<dd class=\"field-blurb\">Some <em>inline</em> markdown</dd>",
        "<dd class=\"field-count\">42</dd>",
        "3.8 Mt<sup class=\"cite\"><a href=\"#src-1\"",
        "110 M USD<sup class=\"cite\"><a href=\"#src-2\"",
        "92% <span class=\"claim-note\">(as of <time datetime=\"2023\">2023</time>)</span>",
        "<dd class=\"field-price disputed\"><ul class=\"claims\">",
        "87 USD/kg <span class=\"claim-note\">(ministry estimate)</span>",
        "<time datetime=\"2025-02-24\">24 Feb 2025</time>",
        "<dd class=\"field-active\">yes</dd>",
        "<dd class=\"field-status\">running</dd>",
        "href=\"https://example.org/alpha\"",
        "<a href=\"../../things/beta/\" class=\"ref kind-thing\">Beta</a>",
        "<dd class=\"field-uses\">magnets; catalysts</dd>",
        "<li id=\"src-1\">Survey Office, “<a href=\"../../sources/survey/\">Annual survey</a>”",
        "class=\"hl-",
        "<h2 id=\"overview\">Overview</h2>",
        "<del>strike</del>",
        "type=\"checkbox\"",
        "footnote-definition",
    ] {
        assert!(alpha.contains(expected), "missing {expected}");
    }
    insta::assert_snapshot!("alpha_main", snapshot_main(&alpha));
    let beta = page(&output, "things/beta/index.html");
    insta::assert_snapshot!("beta_main", snapshot_main(&beta));
}

#[test]
fn the_highlight_css_has_light_and_dark_themes() {
    let (_, output) = build("field-types");
    let css = page(&output, "highlight.css");
    assert!(css.contains(".hl-"));
    assert!(css.contains("prefers-color-scheme: dark"));
    assert!(css.contains("[data-theme=dark]"));
}

#[test]
fn internal_urls_are_relative() {
    let (_, output) = build("field-types");
    for path in [
        "index.html",
        "things/index.html",
        "things/alpha/index.html",
        "timeline/index.html",
        "graph/index.html",
        "tags/demo/index.html",
    ] {
        let html = page(&output, path);
        for attribute in ["href=\"/", "src=\"/"] {
            assert!(
                !html.contains(attribute),
                "{path} has a root-absolute URL ({attribute})"
            );
        }
    }
}
