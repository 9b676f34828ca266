//! Timelines and comparisons: events from shuffled files in the right order with the right
//! precision labels; a comparison mixing t, kt and Mt in one display unit; disputed values;
//! and every comparison error at its position.

use crate::support::{build, check, copy_fixture, errors, page};

#[test]
fn events_from_shuffled_files_come_out_in_order_with_precision_labels() {
    let (outcome, output) = build("timeline");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    let timeline = page(&output, "timeline/index.html");
    let dates: Vec<String> = timeline
        .split("\"><time datetime=\"")
        .skip(1)
        .map(|chunk| {
            chunk
                .split('>')
                .nth(1)
                .and_then(|rest| rest.split('<').next())
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(
        dates,
        [
            "Nov 2019",
            "Dec 2021",
            "2022–2023",
            "2023?",
            "2024",
            "c. 2024",
            "Mar 2024",
            "5 Mar 2024",
            "5 Mar 2024"
        ]
    );
    assert!(timeline.contains("Proposed: Deal"));
    let fifth = timeline
        .find("Another on the fifth")
        .expect("event entry on the timeline");
    let other = timeline
        .find("Fifth of March")
        .expect("events: item on the timeline");
    assert!(fifth < other, "ties sort by title");
    let march = "<h4 id=\"y2024-03\" class=\"month\">March 2024</h4>";
    assert!(timeline.contains(march), "grouped by month");
    assert!(
        timeline.contains("<li class=\"event span\""),
        "intervals are marked as spans"
    );
    assert!(
        timeline.contains("<svg class=\"density\""),
        "density overview"
    );
    assert!(
        timeline.contains("<a href=\"#y2024\">"),
        "overview jumps to the year"
    );
}

#[test]
fn entity_and_kind_timelines() {
    let (_, output) = build("timeline");
    let alpha = page(&output, "countries/alpha/index.html");
    for title in [
        "A span",
        "Year only",
        "About 2024",
        "Another on the fifth",
        "Fifth of March",
        "Proposed: Deal",
    ] {
        assert!(alpha.contains(title), "Alpha's timeline shows {title}");
    }
    assert!(!alpha.contains("Maybe 2023"), "only events involving Alpha");
    let kind = page(&output, "countries/index.html");
    assert!(kind.contains("href=\"../countries/timeline/\""));
    let kind_timeline = page(&output, "countries/timeline/index.html");
    assert!(kind_timeline.contains("An early event"));
}

#[test]
fn a_comparison_mixing_t_kt_and_mt_displays_one_unit() {
    let (_, output) = build("timeline");
    let csv = page(&output, "comparisons/reserves/table.csv");
    assert_eq!(
        csv,
        "id,title,Reserves (Mt),Sanctions\nalpha,Alpha,0.0025,none\nbeta,Beta,3.8,sanctioned\ndelta,Delta,3.8 | 28.5,\ngamma,Gamma,0.9,\n"
    );
    let html = page(&output, "comparisons/reserves/index.html");
    assert!(html.contains("<th scope=\"row\">Reserves (Mt)</th>"));
    assert!(html.contains(">0.0025<sup"), "2,500 t is 0.0025 Mt");
    assert!(html.contains(">0.9<sup"), "900 kt is 0.9 Mt");
    assert!(html.contains("<figure class=\"chart\">"));
    let json: serde_json::Value =
        serde_json::from_str(&page(&output, "comparisons/reserves/table.json"))
            .expect("valid JSON");
    assert_eq!(json["columns"][0]["unit"], "Mt");
    assert_eq!(json["rows"][0]["cells"]["reserves"][0]["number"], 0.0025);
}

#[test]
fn disputed_values_show_every_claim_with_its_source() {
    let (_, output) = build("timeline");
    let html = page(&output, "comparisons/two/index.html");
    assert!(html.contains("3.8 <span class=\"claim-note\">(as of <time datetime=\"2024\">2024</time>)</span><sup class=\"cite\"><a href=\"#src-1\""));
    assert!(html.contains("28.5 <span class=\"claim-note\">(government figure)</span><sup class=\"cite\"><a href=\"#src-2\""));
    assert!(
        html.contains(
            "<li id=\"src-2\">Ministry, “<a href=\"../../sources/ministry/\">Ministry</a>”"
        )
    );
    assert!(
        html.contains("comparison-table sortable transposed"),
        "two entries side by side as columns"
    );
}

#[test]
fn comparison_errors_are_reported_at_their_position() {
    let outcome = check("comparison-errors");
    assert_eq!(
        errors(&outcome),
        [
            "content/comparisons/bad-chart.md:3:67 cannot chart `sanctions`: it is not a numeric field",
            "content/comparisons/bad.md:4:35 `nowhere` in `entries` is not the id of any entry",
            "content/comparisons/bad.md:5:12 unknown field `reserve` for a comparison of company, country",
            "content/comparisons/bad.md:5:21 the column `size` mixes units of different dimensions (mass and money)",
            "content/comparisons/bad.md:6:12 `sanctions` is charted but not among `fields`",
        ]
    );
    let unknown = outcome
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("unknown field `reserve`"))
        .expect("reported");
    assert_eq!(unknown.help.as_deref(), Some("did you mean `reserves`?"));
}

/// The `<li class="event"…>` items of a timeline page, in order.
fn event_items(html: &str) -> Vec<String> {
    html.split("<li class=\"event")
        .skip(1)
        .map(|chunk| chunk.split("</li>").next().unwrap_or_default().to_string())
        .collect()
}

/// The entry links of a kind index's table rows, in order.
fn row_links(html: &str) -> Vec<String> {
    html.split("<th scope=\"row\"><a href=\"")
        .skip(1)
        .map(|chunk| chunk.split('"').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn long_lists_are_split_into_numbered_pages_that_lose_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("kb");
    copy_fixture("timeline", &root);
    let config = root.join("lode.yaml");
    let text = std::fs::read_to_string(&config).expect("readable");
    std::fs::write(&config, format!("{text}page_size: 2\n")).expect("writable");
    let options = lode::site::BuildOptions {
        root,
        output: Some(dir.path().join("public")),
        ..Default::default()
    };
    let outcome = lode::site::build(&options).expect("builds");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    let paged = |path: &str| {
        std::fs::read_to_string(dir.path().join("public").join(path))
            .unwrap_or_else(|error| panic!("{path}: {error}"))
    };
    let (_, whole) = build("timeline");

    // The timeline: the same events in the same order, two per page, over five pages.
    let mut events = Vec::new();
    for number in 1..=5 {
        let path = if number == 1 {
            "timeline/index.html".to_string()
        } else {
            format!("timeline/page/{number}/index.html")
        };
        let html = paged(&path);
        assert!(html.contains(&format!("Page {number} of 5")), "{path}");
        let items = event_items(&html);
        assert!(items.len() <= 2, "{path}: {} events", items.len());
        events.extend(items.into_iter().map(|item| {
            // Links are relative, so they differ by depth; compare what follows them.
            item.replace("../../../", "../")
        }));
    }
    assert!(!dir.path().join("public/timeline/page/6").exists());
    assert_eq!(events, event_items(&page(&whole, "timeline/index.html")));

    // Each density bar links to the page holding its year's first event.
    let third = paged("timeline/page/3/index.html");
    assert!(
        third.contains("<a href=\"../../../timeline/#y2019\">"),
        "{third}"
    );
    assert!(third.contains("<a href=\"../../../timeline/page/2/#y2022\">"));
    assert!(
        third.contains("<a href=\"#y2024\">"),
        "a bar of this page stays on it"
    );
    assert!(third.contains("rel=\"prev\""));
    assert!(third.contains("href=\"../../../timeline/page/3/\" aria-current=\"page\""));

    // A kind index: every entry once, in the same order, and the rows all link to entries.
    let first = paged("countries/index.html");
    let second = paged("countries/page/2/index.html");
    assert!(first.contains("<a href=\"../countries/page/2/\" rel=\"next\">Next</a>"));
    assert!(second.contains("<h1>Countries (page 2 of 2)</h1>"));
    let mut rows = row_links(&first);
    rows.extend(
        row_links(&second)
            .into_iter()
            .map(|link| link.replacen("../../../", "../", 1)),
    );
    assert_eq!(rows, row_links(&page(&whole, "countries/index.html")));
}
