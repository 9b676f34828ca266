//! The local graph of one entry (the entry, its neighbours and the links between them) as an
//! inline SVG element that reads without JavaScript: every node is a real link, every edge
//! carries its relation as a tooltip, and colours come from `static/graph.css` by kind.
//!
//! The output is meant to be pasted into an HTML5 page as is: it uses `href` (not
//! `xlink:href`), needs no namespace declarations, escapes all text, and prints every number
//! with one decimal so the same input always gives the same bytes.

use crate::layout::{LayoutInput, Point, default_iterations, layout};
use crate::text::escape_xml;

/// Iterations for a local graph: a few dozen nodes settle long before the global default, and
/// every entry page draws one, so this is on the build's hot path.
const LOCAL_ITERATIONS: usize = 40;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One node of a local graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgNode {
    /// Entry title, shown as the label (shortened when long) and in full as a tooltip.
    pub title: String,
    /// Entry kind such as `country`; becomes the CSS class `kind-<kind>`.
    pub kind: String,
    /// Link target, already relative to the page the SVG is embedded in.
    pub href: String,
    /// Whether this is the entry whose page shows the graph; it is drawn larger, in the
    /// middle, and marked as the current page.
    pub is_center: bool,
}

/// One relation between two nodes of a local graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgEdge {
    /// Index of the source node in the node list.
    pub from: usize,
    /// Index of the target node in the node list.
    pub to: usize,
    /// Relation name such as `partners`; may be empty.
    pub label: String,
}

/// Size of the drawing in user units (the `viewBox`); the element itself scales to the width
/// of its container.
const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 500.0;

/// Room kept free around the nodes: wide at the sides, where a label centred under a node
/// sticks out by up to half its length, and deeper at the bottom, where labels hang.
const MARGIN_X: f64 = 110.0;
const MARGIN_TOP: f64 = 30.0;
const MARGIN_BOTTOM: f64 = 45.0;

/// Circle radii for the centre node and the others.
const CENTER_RADIUS: f64 = 12.0;
const NODE_RADIUS: f64 = 8.0;

/// Gap between the bottom of a circle and the baseline of its label.
const LABEL_GAP: f64 = 15.0;

/// Labels longer than this many characters are cut and end in "…".
const MAX_LABEL_CHARS: usize = 24;

/// With n nodes, the drawing reaches at most this times √n from the middle (see
/// [`spread_limit`]).
const SPREAD_PER_SQRT_NODE: f64 = 90.0;

/// How much more one axis may be stretched than the other when fitting the drawing to the
/// wide box: enough to use the room, not so much that the picture looks squashed.
const MAX_STRETCH: f64 = 2.0;

/// Renders the local graph as one `<svg>` element, or an empty string when there are no
/// nodes. Edges that point outside `nodes` or from a node to itself are left out; several
/// edges between the same two nodes share one line whose tooltip lists them all. The same
/// input (including `seed`, passed on to the layout) always gives the same bytes.
pub fn local_graph_svg(nodes: &[SvgNode], edges: &[SvgEdge], seed: u64) -> String {
    if nodes.is_empty() {
        return String::new();
    }
    let lines = merge_edges(nodes, edges);
    let positions = place(nodes, &lines, seed);
    let mut svg = String::new();
    open_svg(&mut svg, nodes, &title_id(nodes, seed));
    write_edges(&mut svg, &lines, &positions);
    write_nodes(&mut svg, nodes, &positions);
    svg.push_str("</svg>");
    svg
}

/// One drawn line: a pair of nodes and the tooltips of every edge between them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    a: usize,
    b: usize,
    tooltips: Vec<String>,
}

/// Groups the valid edges by unordered node pair, in order of first appearance, with one
/// tooltip per distinct relation, e.g. "Russia → China: partners".
fn merge_edges(nodes: &[SvgNode], edges: &[SvgEdge]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let valid = edges
        .iter()
        .filter(|e| e.from != e.to && e.from < nodes.len() && e.to < nodes.len());
    for edge in valid {
        let (a, b) = (edge.from.min(edge.to), edge.from.max(edge.to));
        let slot = *index.entry((a, b)).or_insert_with(|| {
            lines.push(Line {
                a,
                b,
                tooltips: Vec::new(),
            });
            lines.len() - 1
        });
        let tooltip = edge_tooltip(&nodes[edge.from], &nodes[edge.to], &edge.label);
        if !lines[slot].tooltips.contains(&tooltip) {
            lines[slot].tooltips.push(tooltip);
        }
    }
    lines
}

/// "From → To: label", or "From → To" when the label is empty.
fn edge_tooltip(from: &SvgNode, to: &SvgNode, label: &str) -> String {
    let label = label.trim();
    if label.is_empty() {
        format!("{} → {}", from.title, to.title)
    } else {
        format!("{} → {}: {}", from.title, to.title, label)
    }
}

/// Positions in viewBox units: the force layout, shifted so the centre node (the first one
/// marked, if any) sits in the middle, and scaled to fill the box inside the margins.
fn place(nodes: &[SvgNode], lines: &[Line], seed: u64) -> Vec<Point> {
    let pairs: Vec<(usize, usize)> = lines.iter().map(|l| (l.a, l.b)).collect();
    let raw = layout(&LayoutInput {
        node_count: nodes.len(),
        edges: &pairs,
        seed,
        iterations: LOCAL_ITERATIONS.min(default_iterations(nodes.len())),
    });
    let anchor = match nodes.iter().position(|n| n.is_center) {
        Some(c) => raw[c],
        None => middle_of(&raw),
    };
    fit(&raw, anchor, spread_limit(nodes.len()))
}

/// How far (in viewBox units) nodes may reach from the middle: a few nodes stay close
/// together instead of being flung into the corners of the box.
fn spread_limit(node_count: usize) -> f64 {
    SPREAD_PER_SQRT_NODE * (node_count as f64).sqrt()
}

/// The centre of the bounding box of `points` (which is not empty).
fn middle_of(points: &[Point]) -> Point {
    let (mut min, mut max) = (points[0], points[0]);
    for p in points {
        min.x = min.x.min(p.x);
        min.y = min.y.min(p.y);
        max.x = max.x.max(p.x);
        max.y = max.y.max(p.y);
    }
    Point {
        x: (min.x + max.x) / 2.0,
        y: (min.y + max.y) / 2.0,
    }
}

/// Maps `points` so that `anchor` lands in the middle of the drawing area and the point
/// farthest from it (along each axis) touches the area's edge, or reaches `limit` from the
/// middle if that is nearer.
fn fit(points: &[Point], anchor: Point, limit: f64) -> Vec<Point> {
    let area_w = WIDTH / 2.0 - MARGIN_X;
    let area_h = (HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / 2.0;
    let middle = Point {
        x: WIDTH / 2.0,
        y: MARGIN_TOP + area_h,
    };
    let (half_w, half_h) = (area_w.min(limit), area_h.min(limit));
    let reach_x = points
        .iter()
        .map(|p| (p.x - anchor.x).abs())
        .fold(0.0, f64::max);
    let reach_y = points
        .iter()
        .map(|p| (p.y - anchor.y).abs())
        .fold(0.0, f64::max);
    let (sx, sy) = axis_scales(half_w, reach_x, half_h, reach_y);
    points
        .iter()
        .map(|p| Point {
            x: middle.x + (p.x - anchor.x) * sx,
            y: middle.y + (p.y - anchor.y) * sy,
        })
        .collect()
}

/// Scale factors for the two axes: each fills its half-extent, but neither may exceed
/// [`MAX_STRETCH`] times the other. An axis with (almost) no spread follows the other, so a
/// row of nodes is not blown up from rounding noise.
fn axis_scales(half_w: f64, reach_x: f64, half_h: f64, reach_y: f64) -> (f64, f64) {
    const TINY: f64 = 1e-9;
    let fill = |half: f64, reach: f64| (reach > TINY).then(|| half / reach);
    match (fill(half_w, reach_x), fill(half_h, reach_y)) {
        (Some(sx), Some(sy)) => (sx.min(MAX_STRETCH * sy), sy.min(MAX_STRETCH * sx)),
        (Some(sx), None) => (sx, sx),
        (None, Some(sy)) => (sy, sy),
        (None, None) => (1.0, 1.0),
    }
}

/// The `id` of the graph's `<title>`, `local-graph-` and 16 hex digits of a hash of the
/// input: stable for the same input, and different for different graphs, so that several
/// graphs on one page do not share an id.
fn title_id(nodes: &[SvgNode], seed: u64) -> String {
    // FNV-1a: a few lines, and the same everywhere (std's hasher makes no such promise).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(&seed.to_le_bytes());
    for node in nodes {
        // The separators keep ("ab", "c") and ("a", "bc") apart.
        feed(node.title.as_bytes());
        feed(&[0]);
        feed(node.href.as_bytes());
        feed(&[0]);
    }
    format!("local-graph-{hash:016x}")
}

/// Writes the opening `<svg>` tag and its `<title>` with id `id`.
fn open_svg(svg: &mut String, nodes: &[SvgNode], id: &str) {
    let name = match nodes.iter().find(|n| n.is_center) {
        Some(center) => format!("Local graph of {}", center.title),
        None => "Local graph".to_string(),
    };
    // role="group", not "img": an img's children are hidden from assistive technology, and
    // these children are links that must stay reachable.
    let _ = write!(
        svg,
        "<svg class=\"local-graph\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"group\" \
         aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        num(WIDTH),
        num(HEIGHT),
        escape_xml(&name)
    );
}

/// Writes the edges, under the nodes. The presentation attributes on the group are a
/// fallback for pages without the stylesheet; CSS overrides them.
fn write_edges(svg: &mut String, lines: &[Line], pos: &[Point]) {
    if lines.is_empty() {
        return;
    }
    svg.push_str("<g class=\"graph-edges\" stroke=\"#8c8c8c\" stroke-width=\"1.5\">");
    for line in lines {
        let (a, b) = (pos[line.a], pos[line.b]);
        let _ = write!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{}</title></line>",
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y),
            escape_xml(&line.tooltips.join("; "))
        );
    }
    svg.push_str("</g>");
}

/// Writes every node as a link holding a tooltip, a circle and a label.
fn write_nodes(svg: &mut String, nodes: &[SvgNode], pos: &[Point]) {
    svg.push_str("<g class=\"graph-nodes\" font-size=\"13\" text-anchor=\"middle\">");
    for (node, p) in nodes.iter().zip(pos) {
        write_node(svg, node, *p);
    }
    svg.push_str("</g>");
}

/// Writes one node: `<a class="graph-node kind-…" href="…">` around its parts.
fn write_node(svg: &mut String, node: &SvgNode, p: Point) {
    let radius = if node.is_center {
        CENTER_RADIUS
    } else {
        NODE_RADIUS
    };
    let (center_class, current) = if node.is_center {
        (" graph-center", " aria-current=\"page\"")
    } else {
        ("", "")
    };
    let kind = node.kind.trim();
    let tooltip = if kind.is_empty() {
        node.title.clone()
    } else {
        format!("{} ({})", node.title, kind)
    };
    let _ = write!(
        svg,
        "<a class=\"graph-node kind-{}{center_class}\" href=\"{}\"{current}>\
         <title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>\
         <text x=\"{}\" y=\"{}\">{}</text></a>",
        kind_class(kind),
        escape_xml(&node.href),
        escape_xml(&tooltip),
        num(p.x),
        num(p.y),
        num(radius),
        num(p.x),
        num(p.y + radius + LABEL_GAP),
        escape_xml(&truncate(&node.title, MAX_LABEL_CHARS))
    );
}

/// A kind as a safe CSS class suffix: lowercase ASCII letters, digits and `-`, anything else
/// turned into `-`; `other` when nothing is left.
fn kind_class(kind: &str) -> String {
    let class: String = kind
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-') => c,
            _ => '-',
        })
        .collect();
    if class.is_empty() {
        "other".to_string()
    } else {
        class
    }
}

/// `text` cut to at most `max` characters, the ellipsis included.
fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    crate::text::truncate(text, max.saturating_sub(1))
}

/// A coordinate with exactly one decimal. Never scientific notation, never "-0.0", and
/// "0.0" for anything not finite so a bad number cannot break the markup.
fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0.0".to_string();
    }
    let text = format!("{value:.1}");
    if text == "-0.0" {
        "0.0".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(title: &str, kind: &str, href: &str, is_center: bool) -> SvgNode {
        SvgNode {
            title: title.to_string(),
            kind: kind.to_string(),
            href: href.to_string(),
            is_center,
        }
    }

    fn edge(from: usize, to: usize, label: &str) -> SvgEdge {
        SvgEdge {
            from,
            to,
            label: label.to_string(),
        }
    }

    fn sample() -> (Vec<SvgNode>, Vec<SvgEdge>) {
        let nodes = vec![
            node("Russia", "country", "./", true),
            node("China", "country", "../china/", false),
            node("Neodymium", "mineral", "../../minerals/neodymium/", false),
            node("Rosatom", "company", "../../companies/rosatom/", false),
            node(
                "Arctic Council",
                "organisation",
                "../../organisations/arctic/",
                false,
            ),
        ];
        let edges = vec![
            edge(0, 1, "partners"),
            edge(0, 2, "produces"),
            edge(3, 0, "based in"),
            edge(0, 4, "member of"),
            edge(1, 2, "produces"),
        ];
        (nodes, edges)
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// Every number in the attributes: finite, one decimal, no exponent.
    fn numbers(svg: &str) -> Vec<String> {
        let mut found = Vec::new();
        for attr in [
            " x=\"", " y=\"", " x1=\"", " y1=\"", " x2=\"", " y2=\"", " cx=\"", " cy=\"", " r=\"",
        ] {
            for piece in svg.split(attr).skip(1) {
                found.push(piece.split('"').next().unwrap().to_string());
            }
        }
        found
    }

    #[test]
    fn empty_input_gives_an_empty_string() {
        assert_eq!(local_graph_svg(&[], &[edge(0, 1, "x")], 1), "");
    }

    #[test]
    fn one_link_and_circle_per_node() {
        let (nodes, edges) = sample();
        let svg = local_graph_svg(&nodes, &edges, 7);
        assert_eq!(count(&svg, "<a "), nodes.len());
        assert_eq!(count(&svg, "</a>"), nodes.len());
        assert_eq!(count(&svg, "<circle "), nodes.len());
        assert_eq!(count(&svg, "<line "), edges.len());
        for n in &nodes {
            assert!(svg.contains(&format!("href=\"{}\"", n.href)));
        }
    }

    #[test]
    fn root_element_is_labelled_svg() {
        let (nodes, edges) = sample();
        let svg = local_graph_svg(&nodes, &edges, 7);
        assert!(svg.starts_with("<svg class=\"local-graph\" viewBox=\"0 0 800.0 500.0\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("width=\"100%\""));
        let id = title_id(&nodes, 7);
        assert!(id.starts_with("local-graph-") && id.len() == "local-graph-".len() + 16);
        assert!(svg.contains(&format!("aria-labelledby=\"{id}\"")));
        assert!(svg.contains(&format!("<title id=\"{id}\">Local graph of Russia</title>")));
        assert!(!svg.contains("xlink"));
        assert!(!svg.contains('\n'));
    }

    #[test]
    fn title_ids_differ_between_graphs() {
        let (nodes, _) = sample();
        assert_eq!(title_id(&nodes, 1), title_id(&nodes, 1));
        assert_ne!(title_id(&nodes, 1), title_id(&nodes, 2));
        assert_ne!(title_id(&nodes, 1), title_id(&nodes[1..], 1));
    }

    #[test]
    fn same_input_gives_same_bytes() {
        let (nodes, edges) = sample();
        assert_eq!(
            local_graph_svg(&nodes, &edges, 3),
            local_graph_svg(&nodes, &edges, 3)
        );
    }

    #[test]
    fn kinds_become_classes_and_the_centre_is_marked() {
        let (nodes, edges) = sample();
        let svg = local_graph_svg(&nodes, &edges, 7);
        assert!(svg.contains(
            "<a class=\"graph-node kind-country graph-center\" href=\"./\" aria-current=\"page\">"
        ));
        assert!(svg.contains("class=\"graph-node kind-mineral\""));
        assert_eq!(count(&svg, "aria-current"), 1);
        assert_eq!(kind_class("Big Event!"), "big-event-");
        assert_eq!(kind_class(""), "other");
    }

    #[test]
    fn centre_node_is_in_the_middle() {
        let (nodes, edges) = sample();
        let svg = local_graph_svg(&nodes, &edges, 7);
        let middle_y = MARGIN_TOP + (HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / 2.0;
        let expected = format!("cx=\"{}\" cy=\"{}\" r=\"12.0\"", num(400.0), num(middle_y));
        assert!(svg.contains(&expected), "{svg}");
    }

    #[test]
    fn all_text_is_escaped() {
        let nodes = vec![
            node(
                "A & B <i>\"quoted\"</i> it's",
                "co<untry",
                "x/?a=1&b='2'\"",
                true,
            ),
            node("Plain", "person", "../p/", false),
        ];
        let edges = vec![edge(0, 1, "<owns> & 'runs'")];
        let svg = local_graph_svg(&nodes, &edges, 1);
        assert!(svg.contains("A &amp; B &lt;i&gt;&quot;quoted&quot;&lt;/i&gt; it&#39;s"));
        assert!(svg.contains("href=\"x/?a=1&amp;b=&#39;2&#39;&quot;\""));
        assert!(svg.contains("&lt;owns&gt; &amp; &#39;runs&#39;"));
        assert!(svg.contains("kind-co-untry"));
        assert!(!svg.contains("<i>") && !svg.contains("<owns>"));
        assert_eq!(escape_xml("a\u{1}b\tc"), "a b\tc");
    }

    #[test]
    fn long_titles_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("Short title", 24), "Short title");
        let long = "Democratic Republic of the Congo";
        let cut = truncate(long, 24);
        assert_eq!(cut, "Democratic Republic of…");
        assert!(cut.chars().count() <= 24);
        assert_eq!(truncate("ÄÖÜäöüßÄÖÜäöüßÄÖÜäöüßÄÖÜäöüß", 5), "ÄÖÜä…");
        let nodes = vec![node(long, "country", "./", true)];
        let svg = local_graph_svg(&nodes, &[], 1);
        assert!(svg.contains(">Democratic Republic of…</text>"));
        assert!(svg.contains(&format!("<title>{long} (country)</title>")));
    }

    #[test]
    fn parallel_edges_share_one_line_and_bad_edges_are_dropped() {
        let nodes = vec![
            node("Russia", "country", "./", true),
            node("China", "country", "../china/", false),
        ];
        let edges = vec![
            edge(0, 1, "partners"),
            edge(1, 0, "buys from"),
            edge(0, 1, "partners"),
            edge(0, 0, "self"),
            edge(0, 9, "missing"),
            edge(1, 0, ""),
        ];
        let svg = local_graph_svg(&nodes, &edges, 1);
        assert_eq!(count(&svg, "<line "), 1);
        assert!(svg.contains(
            "<title>Russia → China: partners; China → Russia: buys from; China → Russia</title>"
        ));
    }

    #[test]
    fn numbers_have_one_decimal_and_stay_in_the_view_box() {
        let (nodes, edges) = sample();
        for svg in [
            local_graph_svg(&nodes, &edges, 9),
            local_graph_svg(&nodes[..1], &[], 9),
            local_graph_svg(&nodes[..2], &edges[..1], 9),
        ] {
            for n in numbers(&svg) {
                let value: f64 = n.parse().unwrap();
                assert!(
                    n.contains('.') && n.split('.').nth(1).unwrap().len() == 1,
                    "{n}"
                );
                assert!(!n.contains('e') && n != "-0.0", "{n}");
                assert!((0.0..=WIDTH).contains(&value), "{n}");
            }
        }
        assert_eq!(num(-0.01), "0.0");
        assert_eq!(num(1e-7), "0.0");
        assert_eq!(num(f64::NAN), "0.0");
        assert_eq!(num(12.345), "12.3");
    }

    #[test]
    fn graph_without_a_centre_is_still_drawn() {
        let (mut nodes, edges) = sample();
        for n in &mut nodes {
            n.is_center = false;
        }
        let svg = local_graph_svg(&nodes, &edges, 2);
        assert!(svg.contains(">Local graph</title>"));
        assert_eq!(count(&svg, "<a "), nodes.len());
        assert!(!svg.contains("aria-current"));
    }
}
