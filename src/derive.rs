//! Stage 5, **derive**: read-only views of the graph — backlinks and inverse relations, related
//! entries, timelines, tag lists, comparison tables (built by [`crate::comparison`]) and the
//! global layout. Derive reports nothing: whatever could be wrong was checked by link.
//!
//! Everything here is computed once per build and shared by every page (render borrows it), so
//! no page carries a copy of site-wide data. Nothing is quadratic in the number of entries.

use crate::comparison::ComparisonTable;
use crate::edtf::Edtf;
use crate::key::Key;
use crate::layout::{self, LayoutInput, Point};
use crate::link::{Graph, Relation};
use crate::model::{Entry, Value};
use crate::schema::PAGE_KIND;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A link from another entry's body; its sentence is read from the body when rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    /// The entry whose body links here.
    pub from: usize,
    /// Which of that entry's body links (an index into [`Graph::body_links`]`[from]`); its
    /// `backlink_sentence` is the sentence shown.
    pub link: usize,
}

/// Entries pointing at this one through a field, under that field's `inverse` label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InverseRelation {
    /// The label (`Companies headquartered here`).
    pub label: String,
    /// The entries, sorted by title.
    pub entries: Vec<usize>,
}

/// One event on a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// When.
    pub date: Edtf,
    /// What happened.
    pub title: String,
    /// The entry that declares the event (its page is the event's link).
    pub entry: usize,
    /// Every entry involved, the declaring one first.
    pub involves: Vec<usize>,
    /// The source entry, if cited.
    pub source: Option<usize>,
    /// For dates marked `timeline:` in a schema: the label (`Proposed`).
    pub label: Option<String>,
}

/// Everything derived from the graph.
#[derive(Debug, Default)]
pub struct Derived {
    /// Per entry: body links from other entries.
    pub backlinks: Vec<Vec<Backlink>>,
    /// Per entry: inverse relations.
    pub inverse: Vec<Vec<InverseRelation>>,
    /// Per entry: related entries, best first.
    pub related: Vec<Vec<usize>>,
    /// Per entry: undirected neighbours (sorted), for local graphs.
    pub neighbours: Vec<Vec<usize>>,
    /// Per entry: indexes into `graph.edges` of the edges touching it, so a page finds its
    /// edges without scanning all of them.
    pub edges_by_node: Vec<Vec<usize>>,
    /// All events, in timeline order.
    pub timeline: Vec<TimelineEvent>,
    /// Per entry: indexes into `timeline` of the events involving it.
    pub entry_events: Vec<Vec<usize>>,
    /// Tag → entries (sorted by title).
    pub tags: BTreeMap<String, Vec<usize>>,
    /// Kind → entries (sorted by title).
    pub kinds: BTreeMap<String, Vec<usize>>,
    /// Every entry, in title order (ties by id).
    pub title_order: Vec<usize>,
    /// Comparison tables by entry index.
    pub comparisons: BTreeMap<usize, ComparisonTable>,
    /// Global graph positions, one per entry.
    pub layout: Vec<Point>,
}

/// Number of related entries shown per page.
pub const RELATED_LIMIT: usize = 6;
/// Neighbours of a hub considered when ranking related entries; keeps the work linear.
const RELATED_FANOUT: usize = 64;

/// Derives every view. Derive reports nothing: what could be wrong was checked by link.
pub fn derive(graph: &Graph) -> Derived {
    derive_reusing_layout(graph, &mut None)
}

/// A global layout remembered between builds: the hash of what it was computed from (the
/// number of nodes and the undirected edges), and the positions.
pub type RememberedLayout = Option<(u64, Vec<Point>)>;

/// What derive remembers between builds: the whole of the last build's views under
/// [`derive_key`], and the global layout under the graph's shape.
#[derive(Default)]
pub struct DeriveMemo {
    derived: Option<(u64, Arc<Derived>)>,
    layout: RememberedLayout,
}

/// [`derive()`], remembering between builds: when nothing derive reads changed (a body edit
/// that keeps the body's link targets), the last build's views themselves come back, shared;
/// otherwise they are derived again, reusing the global layout if the graph's shape is the
/// one it was computed for. Both are pure functions of their keys, so neither changes a byte.
pub fn derive_remembering(graph: &Graph, memo: &mut DeriveMemo) -> Arc<Derived> {
    let key = derive_key(graph);
    if let Some((remembered, derived)) = &memo.derived
        && *remembered == key
    {
        return Arc::clone(derived);
    }
    let derived = Arc::new(derive_reusing_layout(graph, &mut memo.layout));
    memo.derived = Some((key, Arc::clone(&derived)));
    derived
}

/// The hash of everything derive reads: what validation read besides each file
/// ([`Graph::inputs_key`]), and of every entry, in order, its file and front matter (an entry
/// is a function of these and that key) and the target of each body link; the edges follow
/// from those, and are hashed too, for safety at small cost. Bodies, headings and backlink
/// sentences are not read by derive and are not in the key.
pub fn derive_key(graph: &Graph) -> u64 {
    use rayon::prelude::*;
    let per_entry: Vec<u64> = graph
        .entries
        .par_iter()
        .zip(&graph.body_links)
        .map(|(entry, links)| {
            let mut key = Key::new();
            // The text up to the body: front matter and fences (entries keep no more).
            let head = entry.source.text.get(..entry.source.body_start);
            key.text(&entry.source.path)
                .text(&entry.source.content_path)
                .text(head.unwrap_or_default())
                .number(links.len() as u64);
            for link in links.iter() {
                key.number(link.target as u64);
            }
            key.finish()
        })
        .collect();
    let mut edges = Key::new();
    for edge in &graph.edges {
        edges
            .number(edge.from as u64)
            .number(edge.to as u64)
            .number(u64::from(matches!(edge.relation, Relation::Field(_))))
            .text(edge.relation.name());
    }
    let shared = Key::new()
        .number(graph.inputs_key)
        .number(edges.finish())
        .finish();
    crate::key::of_keys(shared, &per_entry)
}

/// [`derive()`], reusing `remembered`'s layout when the graph's shape is the one it was computed
/// for (a body or title edit leaves the shape alone), and remembering this build's layout in
/// it. The layout is a pure function of that shape, so reusing it changes no byte.
pub fn derive_reusing_layout(graph: &Graph, remembered: &mut RememberedLayout) -> Derived {
    let neighbours = neighbours(graph);
    let shape = layout_shape(graph.entries.len(), &neighbours);
    let reusable = remembered
        .take()
        .filter(|(key, _)| *key == shape.key)
        .map(|(_, layout)| layout);
    // The global layout is the single largest piece of work here and needs nothing else, so
    // it runs beside the rest.
    let (layout, mut derived) = rayon::join(
        || reusable.unwrap_or_else(|| global_layout(graph.entries.len(), &shape.edges)),
        || derive_views(graph, &neighbours),
    );
    *remembered = Some((shape.key, layout.clone()));
    derived.layout = layout;
    derived.neighbours = neighbours;
    derived
}

/// What the global layout is computed from, and its hash.
struct LayoutShape {
    edges: Vec<(usize, usize)>,
    key: u64,
}

fn layout_shape(node_count: usize, neighbours: &[Vec<usize>]) -> LayoutShape {
    let mut edges = Vec::new();
    for (from, list) in neighbours.iter().enumerate() {
        edges.extend(list.iter().filter(|&&to| to > from).map(|&to| (from, to)));
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&(node_count as u64).to_le_bytes());
    for (from, to) in &edges {
        hasher.update(&(*from as u64).to_le_bytes());
        hasher.update(&(*to as u64).to_le_bytes());
    }
    LayoutShape {
        edges,
        key: hasher.digest(),
    }
}

/// Everything but the layout.
fn derive_views(graph: &Graph, neighbours: &[Vec<usize>]) -> Derived {
    let (title_order, by_title) = sorted_by_title(graph);
    let mut derived = Derived {
        backlinks: backlinks(graph),
        inverse: inverse_relations(graph, &by_title),
        related: related(graph, neighbours, &by_title),
        tags: group_by(graph, &by_title, |entry| entry.tags.clone()),
        kinds: group_by(graph, &by_title, |entry| vec![entry.kind.clone()]),
        edges_by_node: edges_by_node(graph),
        title_order,
        ..Derived::default()
    };
    derived.timeline = timeline(graph);
    derived.entry_events = entry_events(graph, &derived.timeline);
    derived.comparisons = crate::comparison::build_tables(graph, &derived.kinds);
    derived
}

/// Entries in title order (ties by id), and each entry's rank in that order, so later lists
/// sort without comparing strings again.
fn sorted_by_title(graph: &Graph) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..graph.entries.len()).collect();
    // Keys computed once per entry, not once per comparison.
    order.sort_by_cached_key(|&index| title_key(&graph.entries[index]));
    let mut rank = vec![0; order.len()];
    for (position, &index) in order.iter().enumerate() {
        rank[index] = position;
    }
    (order, rank)
}

fn title_key(entry: &Entry) -> (String, &str) {
    (entry.title.to_lowercase(), entry.id.as_str())
}

fn group_by(
    graph: &Graph,
    rank: &[usize],
    keys: impl Fn(&Entry) -> Vec<String>,
) -> BTreeMap<String, Vec<usize>> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, entry) in graph.entries.iter().enumerate() {
        for key in keys(entry) {
            groups.entry(key).or_default().push(index);
        }
    }
    for members in groups.values_mut() {
        members.sort_by_key(|&index| rank[index]);
    }
    groups
}

fn backlinks(graph: &Graph) -> Vec<Vec<Backlink>> {
    let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); graph.entries.len()];
    for (from, links) in graph.body_links.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for (position, link) in links.iter().enumerate() {
            // One backlink per (source, target) pair: the first mention.
            if link.target != from && seen.insert(link.target) {
                backlinks[link.target].push(Backlink {
                    from,
                    link: position,
                });
            }
        }
    }
    backlinks
}

fn inverse_relations(graph: &Graph, rank: &[usize]) -> Vec<Vec<InverseRelation>> {
    let mut inverse: Vec<BTreeMap<String, BTreeSet<(usize, usize)>>> =
        vec![BTreeMap::new(); graph.entries.len()];
    for edge in &graph.edges {
        let Relation::Field(field) = &edge.relation else {
            continue;
        };
        let from = &graph.entries[edge.from];
        let Some(schema) = graph
            .schemas
            .kinds
            .get(&from.kind)
            .and_then(|kind| kind.field(field))
        else {
            continue;
        };
        let label = schema
            .inverse
            .clone()
            .unwrap_or_else(|| format!("{} of", schema.label));
        inverse[edge.to]
            .entry(label)
            .or_default()
            .insert((rank[edge.from], edge.from));
    }
    inverse
        .into_iter()
        .map(|labels| {
            labels
                .into_iter()
                .map(|(label, entries)| InverseRelation {
                    label,
                    entries: entries.into_iter().map(|(_, index)| index).collect(),
                })
                .collect()
        })
        .collect()
}

fn edges_by_node(graph: &Graph) -> Vec<Vec<usize>> {
    let mut by_node: Vec<Vec<usize>> = vec![Vec::new(); graph.entries.len()];
    for (position, edge) in graph.edges.iter().enumerate() {
        by_node[edge.from].push(position);
        if edge.to != edge.from {
            by_node[edge.to].push(position);
        }
    }
    by_node
}

fn neighbours(graph: &Graph) -> Vec<Vec<usize>> {
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); graph.entries.len()];
    for edge in &graph.edges {
        neighbours[edge.from].push(edge.to);
        neighbours[edge.to].push(edge.from);
    }
    for list in &mut neighbours {
        list.sort_unstable();
        list.dedup();
    }
    neighbours
}

/// Entries sharing neighbours, weighted so a shared hub (a source cited everywhere) counts less
/// than a shared specific neighbour (Adamic–Adar). Hubs are sampled to a fixed fan-out so the
/// cost stays linear in the number of edges.
fn related(graph: &Graph, neighbours: &[Vec<usize>], rank: &[usize]) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    let count = graph.entries.len();
    (0..count)
        .into_par_iter()
        // One dense score table per batch of entries (at most 64 batches), reset after each
        // entry through the list of slots it touched: no allocation per entry, and memory
        // bounded by 64 tables however rayon splits the work.
        .with_min_len(count / 64 + 1)
        .map_init(
            || (vec![0.0_f64; count], Vec::new()),
            |(scores, touched), index| {
                let mut add = |candidate: usize, amount: f64| {
                    if scores[candidate] == 0.0 {
                        touched.push(candidate);
                    }
                    scores[candidate] += amount;
                };
                // A hub (a source cited everywhere) looks at a bounded sample of its neighbours.
                for &neighbour in neighbours[index].iter().take(RELATED_FANOUT * 4) {
                    let weight = 1.0 / ((neighbours[neighbour].len() as f64) + 1.0).ln().max(0.5);
                    // Direct neighbours count too, so small graphs still get suggestions.
                    add(neighbour, 0.5);
                    for &second in neighbours[neighbour].iter().take(RELATED_FANOUT) {
                        if second != index {
                            add(second, weight);
                        }
                    }
                }
                let mut ranked: Vec<(usize, f64)> = touched
                    .iter()
                    .map(|&candidate| (candidate, scores[candidate]))
                    .filter(|&(candidate, _)| graph.entries[candidate].kind != PAGE_KIND)
                    .collect();
                for &candidate in touched.iter() {
                    scores[candidate] = 0.0;
                }
                touched.clear();
                // Best score first, ties in title order: a total order, so the result is the
                // same whatever order candidates were found in.
                let order = |a: &(usize, f64), b: &(usize, f64)| {
                    b.1.total_cmp(&a.1).then_with(|| rank[a.0].cmp(&rank[b.0]))
                };
                if ranked.len() > RELATED_LIMIT {
                    ranked.select_nth_unstable_by(RELATED_LIMIT, order);
                    ranked.truncate(RELATED_LIMIT);
                }
                ranked.sort_by(order);
                // A fresh, small vector: collecting in place would keep `ranked`'s (possibly
                // large) buffer alive for every entry.
                let mut best = Vec::with_capacity(ranked.len());
                best.extend(ranked.iter().map(|&(candidate, _)| candidate));
                best
            },
        )
        .collect()
}

/// Events from `events:` lists, from date fields marked `timeline:`, and from `event` entries
/// (whose schema marks `date` with `timeline:`). Sorted by date, then title, then entry id.
fn timeline(graph: &Graph) -> Vec<TimelineEvent> {
    let mut events = Vec::new();
    for (index, entry) in graph.entries.iter().enumerate() {
        let resolve = |id: &str| graph.by_id.get(id).copied();
        for event in &entry.events {
            let mut involves = vec![index];
            involves.extend(
                event
                    .refs
                    .iter()
                    .filter_map(|reference| resolve(&reference.target)),
            );
            dedup_keep_order(&mut involves);
            events.push(TimelineEvent {
                date: event.date,
                title: event.title.clone(),
                entry: index,
                involves,
                source: event
                    .source
                    .as_ref()
                    .and_then(|source| resolve(&source.target)),
                label: None,
            });
        }
        let Some(kind) = graph.schemas.kinds.get(&entry.kind) else {
            continue;
        };
        for field in kind.fields.iter().filter(|field| field.timeline.is_some()) {
            let dates: Vec<(Edtf, Option<usize>)> = if field.name == "date" {
                entry.date.iter().map(|date| (*date, None)).collect()
            } else {
                match entry.field(&field.name) {
                    Some(value) => value
                        .values()
                        .into_iter()
                        .filter_map(|(value, claim)| match value {
                            Value::Date(date) => Some((
                                *date,
                                claim
                                    .and_then(|claim| claim.source.as_ref())
                                    .and_then(|source| resolve(&source.target)),
                            )),
                            _ => None,
                        })
                        .collect(),
                    None => Vec::new(),
                }
            };
            let label = field.timeline.clone();
            for (date, claim_source) in dates {
                let mut involves = vec![index];
                involves.extend(field_refs(graph, entry));
                dedup_keep_order(&mut involves);
                let is_event_entry = field.name == "date";
                events.push(TimelineEvent {
                    date,
                    title: if is_event_entry {
                        entry.title.clone()
                    } else {
                        format!("{}: {}", label.clone().unwrap_or_default(), entry.title)
                    },
                    entry: index,
                    involves,
                    source: claim_source.or_else(|| {
                        entry
                            .sources
                            .first()
                            .and_then(|source| resolve(&source.target))
                    }),
                    label: label.clone(),
                });
            }
        }
    }
    events.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| graph.entries[a.entry].id.cmp(&graph.entries[b.entry].id))
    });
    events
}

/// Entries named by the ref fields of an entry, in field order.
fn field_refs<'g>(graph: &'g Graph, entry: &'g Entry) -> impl Iterator<Item = usize> + 'g {
    entry.fields.iter().flat_map(move |field| {
        field
            .value
            .values()
            .into_iter()
            .flat_map(move |(value, _)| match value {
                Value::Refs(references) => references
                    .iter()
                    .filter_map(|reference| graph.by_id.get(&reference.target).copied())
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
    })
}

fn dedup_keep_order(items: &mut Vec<usize>) {
    let mut seen = BTreeSet::new();
    items.retain(|item| seen.insert(*item));
}

fn entry_events(graph: &Graph, timeline: &[TimelineEvent]) -> Vec<Vec<usize>> {
    let mut per_entry = vec![Vec::new(); graph.entries.len()];
    for (position, event) in timeline.iter().enumerate() {
        for &entry in &event.involves {
            per_entry[entry].push(position);
        }
    }
    per_entry
}

/// The global layout: every entry, seeded by the number of entries so the same graph always
/// gets the same picture.
fn global_layout(node_count: usize, edges: &[(usize, usize)]) -> Vec<Point> {
    layout::layout(&LayoutInput {
        node_count,
        edges,
        seed: 0x10de,
        iterations: layout::default_iterations(node_count),
    })
}

/// The nodes of an entry's local graph: itself, its direct neighbours (most connected first),
/// then second-hop neighbours, at most `limit` in all.
pub fn local_neighbourhood(index: usize, neighbours: &[Vec<usize>], limit: usize) -> Vec<usize> {
    let mut chosen = vec![index];
    let mut first: Vec<usize> = neighbours[index].clone();
    first.sort_by_key(|&node| (std::cmp::Reverse(neighbours[node].len()), node));
    for node in first.iter().copied() {
        if chosen.len() >= limit {
            return chosen;
        }
        chosen.push(node);
    }
    let mut second: BTreeSet<(std::cmp::Reverse<usize>, usize)> = BTreeSet::new();
    // Expand only the first-hop nodes that were kept: a hub has thousands of neighbours, and
    // walking all of them for every page would make the build quadratic.
    for &node in first.iter().take(limit) {
        for &next in neighbours[node].iter().take(RELATED_FANOUT) {
            if !chosen.contains(&next) {
                second.insert((std::cmp::Reverse(neighbours[next].len()), next));
            }
        }
    }
    for (_, node) in second {
        if chosen.len() >= limit {
            break;
        }
        chosen.push(node);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_neighbourhood_is_capped_and_starts_with_the_centre() {
        let neighbours = vec![vec![1, 2, 3], vec![0, 4], vec![0], vec![0], vec![1]];
        let chosen = local_neighbourhood(0, &neighbours, 10);
        assert_eq!(chosen[0], 0);
        assert_eq!(chosen.len(), 5);
        assert_eq!(local_neighbourhood(0, &neighbours, 2).len(), 2);
    }
}
