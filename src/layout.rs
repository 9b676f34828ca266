//! Deterministic force-directed graph layout.
//!
//! The model is close to ForceAtlas2 with "strong gravity":
//!
//! * every node repels every other node with a force `m_i * m_j / d`, where a node's mass is
//!   `1 + degree`, so hubs push their neighbourhood apart and leaves stay near their hub;
//! * every edge pulls its two ends together with a force proportional to its length;
//! * gravity pulls every node toward the origin with a force proportional to its mass and its
//!   distance, which keeps disconnected components (and isolated nodes) from drifting away.
//!
//! Repulsion is approximated with a Barnes–Hut quadtree, so one iteration costs O(n log n + e).
//! Each node moves by its force divided by its mass, capped by a temperature that falls
//! linearly to almost zero over the iterations, so the layout settles instead of oscillating.
//!
//! The result is bit-identical for the same input, and across platforms with IEEE 754 double
//! arithmetic (every target Rust supports well): initial positions come from a seeded
//! splitmix64 generator, every loop runs in a fixed order on one thread, nothing depends on
//! hash-map order or the clock, and the arithmetic uses only `+ - * /` and `sqrt`, which
//! IEEE 754 rounds exactly (no `sin`, `powf` or other library functions whose last bit may
//! differ between platforms).

/// What [`layout`] needs to know about a graph.
#[derive(Debug, Clone, Copy)]
pub struct LayoutInput<'a> {
    /// Number of nodes; nodes are identified by their index `0..node_count`.
    pub node_count: usize,
    /// Undirected edges as pairs of node indices. Self-loops, duplicates (in either direction)
    /// and pairs with an index `>= node_count` are ignored.
    pub edges: &'a [(usize, usize)],
    /// Seed for the initial positions; the same seed gives the same layout.
    pub seed: u64,
    /// Number of simulation steps; see [`default_iterations`].
    pub iterations: usize,
}

/// A position in the plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Horizontal coordinate, growing to the right.
    pub x: f64,
    /// Vertical coordinate, growing downward as in SVG and canvas.
    pub y: f64,
}

/// Side of the square the result is scaled into: every coordinate ends in `[0, BOX]`.
const BOX: f64 = 1000.0;

/// Barnes–Hut opening angle: a cell is treated as one body when `width / distance < THETA`.
const THETA: f64 = 0.9;

/// Gravity relative to `1 / mean mass`. With strong gravity the nodes settle into a disc of
/// roughly uniform mass density `GRAVITY_FACTOR / (π · mean mass)`, so this sets how much room
/// each node gets compared with the length its edges would like.
const GRAVITY_FACTOR: f64 = 0.5;

/// Distances below this count as coincident: the direction between the two points is then
/// meaningless, so a pseudo-random one is used instead.
const MIN_DISTANCE: f64 = 1e-6;

/// Deepest quadtree level. Points that are still in one cell this deep (closer than about
/// 2^-32 of the layout's width) share a leaf rather than splitting the tree forever.
const MAX_DEPTH: u32 = 32;

/// Marks an empty quadtree leaf.
const NO_BODY: u32 = u32::MAX;

/// Number of iterations that gives a settled layout for `node_count` nodes and still runs
/// quickly: 300 for small graphs, falling to 100 at 10,000 nodes, where each iteration costs
/// more and the cooling schedule has less room to matter. Past 10,000 it keeps falling (to 30
/// at 33,000 nodes and more) so the layout's cost stays close to linear in the graph's size: a
/// graph that large is read by zooming in, where local order matters more than global polish.
pub fn default_iterations(node_count: usize) -> usize {
    const MOST: usize = 300;
    const AT_TEN_THOUSAND: usize = 100;
    const FEWEST: usize = 30;
    const FULL_UP_TO: usize = 1000;
    if node_count <= FULL_UP_TO {
        return MOST;
    }
    if node_count > 10_000 {
        return (AT_TEN_THOUSAND * 10_000 / node_count).max(FEWEST);
    }
    // Scale with 1/sqrt(n) between the two bounds; integer arithmetic keeps it exact.
    let scaled = MOST * isqrt(FULL_UP_TO * 1000) / isqrt(node_count.saturating_mul(1000));
    scaled.clamp(AT_TEN_THOUSAND, MOST)
}

/// Lays out the graph and returns one point per node, in node order, inside the square
/// `[0, 1000] x [0, 1000]`: the drawing is centred and scaled (keeping its aspect ratio) so
/// that its longer side spans the whole square.
pub fn layout(input: &LayoutInput) -> Vec<Point> {
    let n = input.node_count;
    if n == 0 {
        return Vec::new();
    }
    let edges = clean_edges(n, input.edges);
    let mass = masses(n, &edges);
    let mut sim = Simulation::new(&mass, &edges, input.seed);
    for step in 0..input.iterations {
        sim.step(step, input.iterations);
    }
    normalise(&sim.pos)
}

/// Integer square root (floor), exact for every `usize`.
fn isqrt(v: usize) -> usize {
    if v < 2 {
        return v;
    }
    // Newton's method from an upper bound; decreases monotonically to the floor root.
    let mut x = v;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + v / x) / 2;
    }
    x
}

/// Drops self-loops, out-of-range pairs and duplicates, and orders each pair `(low, high)`.
/// The result is sorted, so it does not depend on the order edges were given in.
fn clean_edges(n: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut clean: Vec<(usize, usize)> = edges
        .iter()
        .filter(|&&(a, b)| a != b && a < n && b < n)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    clean.sort_unstable();
    clean.dedup();
    clean
}

/// Mass of each node: one plus its degree, so that hubs repel harder and move more slowly.
fn masses(n: usize, edges: &[(usize, usize)]) -> Vec<f64> {
    let mut degree = vec![0usize; n];
    for &(a, b) in edges {
        degree[a] += 1;
        degree[b] += 1;
    }
    degree.into_iter().map(|d| (d + 1) as f64).collect()
}

/// The splitmix64 generator: tiny, fast, and good enough to scatter starting points.
#[derive(Debug, Clone)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 pseudo-random bits.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Uniform in `[-1, 1)`, from the top 53 bits so every value is exactly representable.
    fn next_signed_unit(&mut self) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        2.0 * unit - 1.0
    }
}

/// The splitmix64 output function; also used as a hash to derive jitter from indices.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A pseudo-random direction (not normalised, length between 0.1 and 1.5) for pushing apart
/// two points that sit on top of each other. Depends only on `key`.
fn jitter(key: JitterKey) -> (f64, f64) {
    let mut rng = SplitMix64::new(key.seed ^ mix64(key.node as u64) ^ mix64(!(key.step as u64)));
    loop {
        let (x, y) = (rng.next_signed_unit(), rng.next_signed_unit());
        let len2 = x * x + y * y;
        // Too short a vector would give almost no push; reject and draw again.
        if len2 > 0.01 {
            return (x, y);
        }
    }
}

/// Graphs with at least this many nodes compute repulsion on every core.
const PARALLEL_REPULSION_FROM: usize = 1024;

/// The running state of one layout: positions and what the forces need.
struct Simulation<'a> {
    pos: Vec<Point>,
    mass: &'a [f64],
    edges: &'a [(usize, usize)],
    seed: u64,
    /// Strength of gravity, chosen from the mean mass (see [`GRAVITY_FACTOR`]).
    gravity: f64,
    /// Expected radius of the settled layout; sets the starting temperature.
    radius: f64,
    /// Per-node acceleration, reused between steps to avoid allocating.
    accel: Vec<Point>,
    tree: QuadTree,
}

impl<'a> Simulation<'a> {
    /// Sets up the forces for the graph and scatters the nodes (see [`initial_positions`]).
    fn new(mass: &'a [f64], edges: &'a [(usize, usize)], seed: u64) -> Self {
        let n = mass.len();
        let total: f64 = mass.iter().sum();
        let mean = total / n as f64;
        let gravity = GRAVITY_FACTOR / mean;
        // Repulsion (strength 1) and gravity balance in a disc of area `total / density`
        // with density `gravity / π`, so its radius is sqrt(total / gravity).
        let radius = (total / gravity).sqrt();
        let pos = initial_positions(n, radius, seed);
        Simulation {
            pos,
            mass,
            edges,
            seed,
            gravity,
            radius,
            accel: vec![Point { x: 0.0, y: 0.0 }; n],
            tree: QuadTree::default(),
        }
    }

    /// One iteration: compute all forces from the current positions, then move every node.
    fn step(&mut self, step: usize, iterations: usize) {
        self.tree.build(&self.pos, self.mass);
        let (tree, pos, mass, seed) = (&self.tree, &self.pos, self.mass, self.seed);
        let repulsion = |i: usize| {
            let key = JitterKey {
                seed,
                node: i,
                step,
            };
            tree.repulsion(i, pos[i], mass[i], key)
        };
        // Each node's repulsion depends only on the tree and its own position, so computing
        // them in parallel gives the same numbers in any order; small graphs (a page's local
        // graph) stay on one thread, where splitting would cost more than it saves.
        if pos.len() >= PARALLEL_REPULSION_FROM {
            use rayon::prelude::*;
            self.accel
                .par_iter_mut()
                .enumerate()
                .with_min_len(256)
                .for_each(|(i, accel)| *accel = repulsion(i));
        } else {
            for (i, accel) in self.accel.iter_mut().enumerate() {
                *accel = repulsion(i);
            }
        }
        self.add_springs();
        self.add_gravity();
        let temperature = self.temperature(step, iterations);
        self.apply(temperature);
    }

    /// Linear springs along edges. Dividing by the mass turns force into acceleration, so a
    /// hub is pulled toward the mean of its neighbours rather than flung by their sum.
    fn add_springs(&mut self) {
        for &(a, b) in self.edges {
            let dx = self.pos[b].x - self.pos[a].x;
            let dy = self.pos[b].y - self.pos[a].y;
            let (ma, mb) = (self.mass[a], self.mass[b]);
            self.accel[a].x += dx / ma;
            self.accel[a].y += dy / ma;
            self.accel[b].x -= dx / mb;
            self.accel[b].y -= dy / mb;
        }
    }

    /// Gravity toward the origin, proportional to the distance: the force on a node grows
    /// with its mass, so its acceleration does not depend on it.
    fn add_gravity(&mut self) {
        for (a, p) in self.accel.iter_mut().zip(&self.pos) {
            a.x -= self.gravity * p.x;
            a.y -= self.gravity * p.y;
        }
    }

    /// Largest distance a node may move in this step: a fifth of the layout's radius at the
    /// start, so the initial tangle can unfold, falling linearly to a thousandth of that.
    fn temperature(&self, step: usize, iterations: usize) -> f64 {
        let start = 0.2 * self.radius;
        let end = 0.001 * start;
        let progress = step as f64 / iterations as f64;
        start + (end - start) * progress
    }

    /// Moves every node by its acceleration, capped at `temperature`.
    fn apply(&mut self, temperature: f64) {
        for (p, a) in self.pos.iter_mut().zip(&self.accel) {
            let len2 = a.x * a.x + a.y * a.y;
            let scale = if len2 > temperature * temperature {
                temperature / len2.sqrt()
            } else {
                1.0
            };
            p.x += a.x * scale;
            p.y += a.y * scale;
        }
    }
}

/// Starting positions: uniform in a disc of the expected final radius, so the first steps
/// neither explode nor collapse the drawing.
fn initial_positions(n: usize, radius: f64, seed: u64) -> Vec<Point> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            loop {
                let (x, y) = (rng.next_signed_unit(), rng.next_signed_unit());
                // Rejection sampling keeps the disc uniform without trigonometry.
                if x * x + y * y <= 1.0 {
                    return Point {
                        x: x * radius,
                        y: y * radius,
                    };
                }
            }
        })
        .collect()
}

/// Scales and centres the points into the square `[0, BOX]²`, keeping the aspect ratio.
fn normalise(pos: &[Point]) -> Vec<Point> {
    let (min, max) = bounds(pos);
    let (width, height) = (max.x - min.x, max.y - min.y);
    let span = width.max(height);
    let middle = Point {
        x: BOX / 2.0,
        y: BOX / 2.0,
    };
    if !(span > 0.0 && span.is_finite()) {
        // One node, or all nodes in one spot: nothing to scale, so put them in the middle.
        return vec![middle; pos.len()];
    }
    let scale = BOX / span;
    let offset_x = (BOX - width * scale) / 2.0;
    let offset_y = (BOX - height * scale) / 2.0;
    pos.iter()
        .map(|p| Point {
            // Clamping absorbs the last-bit rounding that could land a hair outside the box.
            x: ((p.x - min.x) * scale + offset_x).clamp(0.0, BOX),
            y: ((p.y - min.y) * scale + offset_y).clamp(0.0, BOX),
        })
        .collect()
}

/// One square of the quadtree while it is being built.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// Centre of the square.
    cx: f64,
    cy: f64,
    /// Half the side of the square.
    half: f64,
    /// Total mass of the bodies inside.
    mass: f64,
    /// Mass-weighted sum of the positions of the bodies inside.
    sum_x: f64,
    sum_y: f64,
    /// Index of the first of four consecutive children, or 0 for a leaf (the root is cell 0,
    /// so it is never anybody's child).
    children: u32,
    /// The body in a leaf, or [`NO_BODY`]. A leaf at [`MAX_DEPTH`] may hold several bodies;
    /// this is then the first, and `mass` and the sums cover them all.
    body: u32,
}

impl Cell {
    fn new(cx: f64, cy: f64, half: f64) -> Self {
        Cell {
            cx,
            cy,
            half,
            mass: 0.0,
            sum_x: 0.0,
            sum_y: 0.0,
            children: 0,
            body: NO_BODY,
        }
    }

    /// Which of the four children `p` falls into: bit 0 is east, bit 1 is south.
    fn quadrant(&self, p: Point) -> u32 {
        u32::from(p.x >= self.cx) | (u32::from(p.y >= self.cy) << 1)
    }

    /// Counts a body of mass `m` at `p` as inside this cell.
    fn add_mass(&mut self, p: Point, m: f64) {
        self.mass += m;
        self.sum_x += m * p.x;
        self.sum_y += m * p.y;
    }
}

/// A non-empty cell in the layout used for force queries: depth-first order, where a cell's
/// subtree is the run of cells after it up to `skip`. Walking it needs no stack and reads
/// memory front to back.
#[derive(Debug, Clone, Copy)]
struct Packed {
    /// Centre of mass.
    x: f64,
    y: f64,
    mass: f64,
    /// Centre of the square.
    cx: f64,
    cy: f64,
    /// Squared distance from the centre beyond which the cell counts as far: (side / θ)².
    far2: f64,
    /// Index of the first cell after this one's subtree.
    skip: u32,
    /// Whether this is a leaf (its bodies are then not in any further cell).
    leaf: bool,
}

impl Packed {
    /// The Barnes–Hut test: the cell can stand in for its bodies when its side is less than
    /// θ times its distance from `p`. Measuring from the square's centre rather than the
    /// centre of mass means that a point inside the square (at most side/√2 from the centre)
    /// never passes for θ < √2, so a body can never be lumped in with itself.
    fn far_from(&self, p: Point) -> bool {
        let dx = p.x - self.cx;
        let dy = p.y - self.cy;
        self.far2 < dx * dx + dy * dy
    }
}

/// A Barnes–Hut quadtree over the current positions, rebuilt every step. All vectors keep
/// their capacity between steps.
#[derive(Debug, Default)]
struct QuadTree {
    /// The tree as built, children of a cell in four consecutive slots.
    cells: Vec<Cell>,
    /// The built leaf that holds each body.
    leaf_of: Vec<u32>,
    /// The non-empty cells in depth-first order (see [`Packed`]).
    packed: Vec<Packed>,
    /// The packed index of each built cell (only meaningful for non-empty ones).
    packed_index: Vec<u32>,
}

impl QuadTree {
    /// Rebuilds the tree for `pos`, inserting bodies in index order so the shape of the tree
    /// (and with it the order of every floating-point sum) is deterministic.
    fn build(&mut self, pos: &[Point], mass: &[f64]) {
        self.cells.clear();
        self.leaf_of.clear();
        self.leaf_of.resize(pos.len(), 0);
        self.cells.push(bounding_cell(pos));
        for (i, (&p, &m)) in pos.iter().zip(mass).enumerate() {
            self.insert(i as u32, p, m, pos, mass);
        }
        self.pack();
    }

    /// Adds body `i` at `p` with mass `m`, splitting leaves as needed.
    fn insert(&mut self, i: u32, p: Point, m: f64, pos: &[Point], mass: &[f64]) {
        let mut c = 0usize;
        let mut depth = 0;
        loop {
            let cell = self.cells[c];
            if cell.children != 0 {
                self.cells[c].add_mass(p, m);
                c = (cell.children + cell.quadrant(p)) as usize;
                depth += 1;
            } else if cell.body == NO_BODY || depth >= MAX_DEPTH {
                // An empty leaf takes the body; a full leaf at the bottom shares itself.
                if cell.body == NO_BODY {
                    self.cells[c].body = i;
                }
                self.cells[c].add_mass(p, m);
                self.leaf_of[i as usize] = c as u32;
                return;
            } else {
                let other = cell.body as usize;
                self.split(c, other, pos[other], mass[other]);
                // Loop again: the cell is now internal and `i` descends into a child.
            }
        }
    }

    /// Turns leaf `c`, which holds only body `other`, into an internal cell with four
    /// children, and moves `other` into the right one. The cell keeps `other`'s mass.
    fn split(&mut self, c: usize, other: usize, p: Point, m: f64) {
        let cell = self.cells[c];
        let first = self.cells.len();
        let quarter = cell.half / 2.0;
        for q in 0..4 {
            let east = if q & 1 == 1 { quarter } else { -quarter };
            let south = if q & 2 == 2 { quarter } else { -quarter };
            self.cells
                .push(Cell::new(cell.cx + east, cell.cy + south, quarter));
        }
        let child = first + cell.quadrant(p) as usize;
        self.cells[child].body = other as u32;
        self.cells[child].add_mass(p, m);
        self.leaf_of[other] = child as u32;
        self.cells[c].children = first as u32;
        self.cells[c].body = NO_BODY;
    }

    /// Fills `packed` from `cells`: depth first, empty cells left out, sums turned into
    /// centres of mass.
    fn pack(&mut self) {
        self.packed.clear();
        self.packed_index.clear();
        self.packed_index.resize(self.cells.len(), 0);
        self.pack_cell(0);
    }

    /// Appends cell `c` and its non-empty descendants to `packed`. Recursion depth is at
    /// most [`MAX_DEPTH`].
    fn pack_cell(&mut self, c: usize) {
        let cell = self.cells[c];
        let k = self.packed.len();
        self.packed_index[c] = k as u32;
        self.packed.push(Packed {
            x: cell.sum_x / cell.mass,
            y: cell.sum_y / cell.mass,
            mass: cell.mass,
            cx: cell.cx,
            cy: cell.cy,
            far2: (2.0 * cell.half / THETA) * (2.0 * cell.half / THETA),
            skip: 0,
            leaf: cell.children == 0,
        });
        if cell.children != 0 {
            for q in 0..4 {
                let child = cell.children as usize + q;
                if self.cells[child].mass > 0.0 {
                    self.pack_cell(child);
                }
            }
        }
        self.packed[k].skip = self.packed.len() as u32;
    }

    /// The packed leaf that holds body `i`. Every body has one: its leaf holds its mass, so
    /// it is never left out of the packed tree.
    fn packed_leaf(&self, i: usize) -> usize {
        self.packed_index[self.leaf_of[i] as usize] as usize
    }

    /// Acceleration of body `i` (mass `m_i`, at `p`) from the repulsion of all other
    /// bodies: the sum of `m_j * (p - p_j) / |p - p_j|²`, far groups of bodies taken as one.
    fn repulsion(&self, i: usize, p: Point, m_i: f64, key: JitterKey) -> Point {
        let own_leaf = self.packed_leaf(i);
        let mut acc = Point { x: 0.0, y: 0.0 };
        let mut k = 0;
        while k < self.packed.len() {
            let cell = &self.packed[k];
            if cell.leaf {
                let source = if k == own_leaf {
                    without_self(cell, p, m_i)
                } else {
                    Some((cell.mass, cell.x, cell.y))
                };
                if let Some((m, x, y)) = source {
                    push_away(&mut acc, p, m, x, y, key);
                }
                k = cell.skip as usize;
            } else if cell.far_from(p) {
                push_away(&mut acc, p, cell.mass, cell.x, cell.y, key);
                k = cell.skip as usize;
            } else {
                // Open the cell: its first child comes right after it.
                k += 1;
            }
        }
        acc
    }
}

/// What the rest of a leaf that holds body `p` (mass `m_i`) weighs and where its centre is;
/// `None` when the body is alone in it, which is the usual case. Leaves hold more than one
/// body only when bodies nearly coincide.
fn without_self(cell: &Packed, p: Point, m_i: f64) -> Option<(f64, f64, f64)> {
    // Masses are whole numbers, so this subtraction is exact.
    let rest = cell.mass - m_i;
    if rest <= 0.0 {
        return None;
    }
    let x = (cell.x * cell.mass - m_i * p.x) / rest;
    let y = (cell.y * cell.mass - m_i * p.y) / rest;
    Some((rest, x, y))
}

/// What decides the direction used to separate coincident points: seed, node and step.
#[derive(Debug, Clone, Copy)]
struct JitterKey {
    seed: u64,
    node: usize,
    step: usize,
}

/// Adds the repulsion of mass `m` at `(x, y)` on a body at `p` to `acc`. Coincident points
/// get a pseudo-random direction from `key` instead of the undefined one.
fn push_away(acc: &mut Point, p: Point, m: f64, x: f64, y: f64, key: JitterKey) {
    let mut dx = p.x - x;
    let mut dy = p.y - y;
    let mut d2 = dx * dx + dy * dy;
    if d2 < MIN_DISTANCE * MIN_DISTANCE {
        let (jx, jy) = jitter(key);
        dx = jx * MIN_DISTANCE;
        dy = jy * MIN_DISTANCE;
        d2 = dx * dx + dy * dy;
    }
    let strength = m / d2;
    acc.x += strength * dx;
    acc.y += strength * dy;
}

/// The root cell: the smallest square around all points, slightly enlarged so that points on
/// its border are strictly inside and rounding cannot push one out.
fn bounding_cell(pos: &[Point]) -> Cell {
    let (min, max) = bounds(pos);
    let half = ((max.x - min.x).max(max.y - min.y) / 2.0).max(MIN_DISTANCE) * 1.01;
    Cell::new((min.x + max.x) / 2.0, (min.y + max.y) / 2.0, half)
}

/// The lower-left and upper-right corners of the smallest rectangle around `pos`.
fn bounds(pos: &[Point]) -> (Point, Point) {
    let mut min = Point {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Point {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in pos {
        min.x = min.x.min(p.x);
        min.y = min.y.min(p.y);
        max.x = max.x.max(p.x);
        max.y = max.y.max(p.y);
    }
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generates a graph of `groups` communities: most edges stay inside a community, the
    /// rest join random nodes, like entries that mostly cite their own topic.
    fn community_graph(n: usize, e: usize, groups: usize, seed: u64) -> Vec<(usize, usize)> {
        let mut rng = SplitMix64::new(seed);
        let size = n.div_ceil(groups);
        let mut below = |k: usize| (rng.next_u64() % k as u64) as usize;
        (0..e)
            .map(|_| {
                let a = below(n);
                let b = if below(10) < 8 {
                    ((a / size) * size + below(size)).min(n - 1)
                } else {
                    below(n)
                };
                (a, b)
            })
            .collect()
    }

    fn run(n: usize, edges: &[(usize, usize)], seed: u64) -> Vec<Point> {
        layout(&LayoutInput {
            node_count: n,
            edges,
            seed,
            iterations: default_iterations(n),
        })
    }

    fn distance(a: Point, b: Point) -> f64 {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).sqrt()
    }

    fn assert_sane(points: &[Point]) {
        for p in points {
            assert!(p.x.is_finite() && p.y.is_finite(), "not finite: {p:?}");
            assert!((0.0..=BOX).contains(&p.x), "x outside the box: {p:?}");
            assert!((0.0..=BOX).contains(&p.y), "y outside the box: {p:?}");
        }
    }

    fn bits(points: &[Point]) -> Vec<(u64, u64)> {
        points
            .iter()
            .map(|p| (p.x.to_bits(), p.y.to_bits()))
            .collect()
    }

    #[test]
    fn empty_graph_gives_no_points() {
        assert!(run(0, &[], 1).is_empty());
    }

    #[test]
    fn single_node_sits_in_the_middle() {
        assert_eq!(run(1, &[(0, 0)], 1), vec![Point { x: 500.0, y: 500.0 }]);
    }

    #[test]
    fn two_nodes_span_the_box_horizontally_or_vertically() {
        for edges in [&[][..], &[(0, 1)][..]] {
            let p = run(2, edges, 3);
            assert_sane(&p);
            // The longer side of the drawing spans the whole box.
            let span = (p[0].x - p[1].x).abs().max((p[0].y - p[1].y).abs());
            assert!((span - BOX).abs() < 1e-9, "span {span}");
        }
    }

    #[test]
    fn same_input_gives_bit_identical_output() {
        let edges = community_graph(300, 900, 6, 11);
        assert_eq!(bits(&run(300, &edges, 5)), bits(&run(300, &edges, 5)));
    }

    #[test]
    fn a_large_layout_is_the_same_on_one_thread_and_on_four() {
        // Past PARALLEL_REPULSION_FROM nodes repulsion runs in parallel; the numbers must not
        // depend on how the work was split.
        let n = PARALLEL_REPULSION_FROM + 500;
        let edges = community_graph(n, 3 * n, 12, 7);
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool")
                .install(|| bits(&run(n, &edges, 9)))
        };
        assert_eq!(on(1), on(4));
    }

    #[test]
    fn seed_changes_the_layout() {
        let edges = community_graph(50, 100, 3, 11);
        assert_ne!(bits(&run(50, &edges, 1)), bits(&run(50, &edges, 2)));
    }

    #[test]
    fn edge_order_and_direction_do_not_matter() {
        let edges = community_graph(80, 200, 4, 2);
        let mut shuffled: Vec<(usize, usize)> = edges.iter().rev().map(|&(a, b)| (b, a)).collect();
        shuffled.rotate_left(37);
        assert_eq!(bits(&run(80, &edges, 9)), bits(&run(80, &shuffled, 9)));
    }

    #[test]
    fn self_loops_duplicates_and_bad_indices_are_ignored() {
        let clean = [(0, 1), (1, 2), (2, 3)];
        let messy = [
            (0, 1),
            (1, 0),
            (0, 1),
            (2, 2),
            (1, 2),
            (3, 2),
            (0, 99),
            (99, 99),
        ];
        assert_eq!(bits(&run(5, &clean, 4)), bits(&run(5, &messy, 4)));
    }

    #[test]
    fn connected_nodes_end_closer_than_random_pairs() {
        let n = 400;
        let edges = community_graph(n, 1200, 8, 7);
        let p = run(n, &edges, 1);
        let linked: f64 = edges
            .iter()
            .map(|&(a, b)| distance(p[a], p[b]))
            .sum::<f64>()
            / edges.len() as f64;
        let mut rng = SplitMix64::new(99);
        let pairs = 5000;
        let random: f64 = (0..pairs)
            .map(|_| {
                let a = (rng.next_u64() % n as u64) as usize;
                let b = (rng.next_u64() % n as u64) as usize;
                distance(p[a], p[b])
            })
            .sum::<f64>()
            / pairs as f64;
        assert!(
            linked < 0.5 * random,
            "linked {linked:.1} vs random {random:.1}"
        );
    }

    #[test]
    fn no_nan_and_all_inside_the_box() {
        let mut edges = community_graph(200, 500, 5, 3);
        edges.extend([(7, 7), (8, 9), (9, 8), (8, 9), (0, 1000)]);
        for iterations in [0, 1, 2, 50] {
            let p = layout(&LayoutInput {
                node_count: 230, // the last 30 nodes are isolated
                edges: &edges,
                seed: 42,
                iterations,
            });
            assert_eq!(p.len(), 230);
            assert_sane(&p);
        }
    }

    #[test]
    fn disconnected_components_stay_together() {
        // Two cliques of ten, a pair and ten isolated nodes: gravity must keep every part in
        // view, so none of them shrinks to a dot after normalisation.
        let mut edges = Vec::new();
        for base in [0, 10] {
            for a in base..base + 10 {
                edges.extend((a + 1..base + 10).map(|b| (a, b)));
            }
        }
        edges.push((20, 21));
        let p = run(32, &edges, 8);
        assert_sane(&p);
        for part in [0..10, 10..20] {
            let diameter = part
                .clone()
                .flat_map(|a| part.clone().map(move |b| (a, b)))
                .map(|(a, b)| distance(p[a], p[b]))
                .fold(0.0, f64::max);
            assert!(
                diameter > 60.0,
                "component {part:?} collapsed to {diameter:.1}"
            );
        }
        assert!(distance(p[20], p[21]) > 20.0);
    }

    #[test]
    fn coincident_points_are_pushed_apart() {
        let pos = vec![Point { x: 3.0, y: 3.0 }; 6];
        let mass = vec![1.0; 6];
        let mut tree = QuadTree::default();
        tree.build(&pos, &mass);
        for i in 0..6 {
            let key = JitterKey {
                seed: 1,
                node: i,
                step: 0,
            };
            let a = tree.repulsion(i, pos[i], mass[i], key);
            assert!(a.x.is_finite() && a.y.is_finite());
            assert!(a.x != 0.0 || a.y != 0.0, "node {i} feels no push");
        }
    }

    #[test]
    fn barnes_hut_is_close_to_the_exact_sum() {
        let n = 500;
        let mut rng = SplitMix64::new(5);
        let pos: Vec<Point> = (0..n)
            .map(|_| Point {
                x: 100.0 * rng.next_signed_unit(),
                y: 100.0 * rng.next_signed_unit(),
            })
            .collect();
        let mass: Vec<f64> = (0..n).map(|i| (1 + i % 4) as f64).collect();
        let mut tree = QuadTree::default();
        tree.build(&pos, &mass);
        // Compare errors with the typical force: relative to its own force, a node near the
        // middle, where pushes from all sides nearly cancel, would look badly off.
        let (mut error, mut magnitude) = (0.0, 0.0);
        for i in 0..n {
            let mut exact = Point { x: 0.0, y: 0.0 };
            let key = JitterKey {
                seed: 0,
                node: i,
                step: 0,
            };
            for j in (0..n).filter(|&j| j != i) {
                push_away(&mut exact, pos[i], mass[j], pos[j].x, pos[j].y, key);
            }
            let approx = tree.repulsion(i, pos[i], mass[i], key);
            error += distance(exact, approx);
            magnitude += distance(exact, Point { x: 0.0, y: 0.0 });
        }
        assert!(
            error < 0.03 * magnitude,
            "mean error {error} vs mean force {magnitude}"
        );
    }

    #[test]
    fn default_iterations_fall_with_size_within_bounds() {
        assert_eq!(default_iterations(0), 300);
        assert_eq!(default_iterations(1000), 300);
        assert_eq!(default_iterations(10_000), 100);
        assert_eq!(default_iterations(20_000), 50);
        assert_eq!(default_iterations(100_000), 30);
        assert_eq!(default_iterations(usize::MAX), 30);
        let mut last = usize::MAX;
        for n in (0..20_000).step_by(250) {
            let it = default_iterations(n);
            assert!(it <= last && (30..=300).contains(&it));
            last = it;
        }
    }

    #[test]
    fn isqrt_is_the_floor_root() {
        for v in 0..2000usize {
            let r = isqrt(v);
            assert!(r * r <= v && (r + 1) * (r + 1) > v, "isqrt({v}) = {r}");
        }
        assert_eq!(isqrt(usize::MAX), (1usize << (usize::BITS / 2)) - 1);
    }

    /// Times the performance target: 10,000 nodes and 40,000 edges with the default number
    /// of iterations. Run with
    /// `cargo test --release -- --ignored --nocapture large_graph_timing`.
    #[test]
    #[ignore]
    fn large_graph_timing() {
        let (n, e) = (10_000, 40_000);
        let edges = community_graph(n, e, 100, 3);
        let started = std::time::Instant::now();
        let p = run(n, &edges, 1);
        let elapsed = started.elapsed();
        println!(
            "layout of {n} nodes and {e} edges, {} iterations: {elapsed:?}",
            default_iterations(n)
        );
        assert_sane(&p);
    }
}
