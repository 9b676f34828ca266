/*
 * lode: the global graph page.
 *
 * Draws graph.json (nodes with positions baked in by the site generator, and edges) on
 * <canvas id="graph-canvas">, with pan (drag, arrow keys), zoom (wheel, pinch, +/- buttons
 * and keys), hover titles, click to open an entry, kind filters and a title search that
 * zooms to the match and its neighbours. Plain JavaScript, no libraries, no build step.
 *
 * The plain list of entries on the page stays the way in for readers without JavaScript or
 * without a pointer; when the data cannot be loaded a short note says so and the list is all
 * there is.
 */
(function () {
  "use strict";

  /** Coordinates in graph.json lie in this square. */
  const WORLD = 1000;
  /** Free space around the drawing when it is fitted into the canvas, in CSS pixels. */
  const FIT_PADDING = 24;
  /** Zoom limits, relative to the fitted view. */
  const MIN_ZOOM = 0.5;
  const MAX_ZOOM = 80;
  /** Factor for one press of a zoom button or key. */
  const ZOOM_STEP = 1.6;
  /** Pixels the view moves for one arrow key press. */
  const PAN_STEP = 60;
  /** A press that moves less than this (CSS pixels) is a click, not a drag. */
  const CLICK_SLOP = 4;
  /** Screen area (square CSS pixels) per label: bounds how many labels are drawn. */
  const LABEL_AREA = 8000;
  /** Font and line height of canvas labels. */
  const LABEL_FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
  const LABEL_HEIGHT = 15;
  /** Labels longer than this are cut and end in "…" (as in the SVG local graphs). */
  const MAX_LABEL_CHARS = 24;
  /** Largest node size relative to a node without links (hubs are drawn larger). */
  const MAX_SIZE_FACTOR = 2.2;
  /** Pointer distance (CSS pixels) within which a node counts as hovered. */
  const HIT_SLOP = 5;
  /** Cells per side of the grid that finds the node under the pointer. */
  const GRID = 64;
  /** Delay before typing in the search box moves the view, in milliseconds. */
  const SEARCH_DELAY = 250;
  /** How long the view must hold still before a large graph is redrawn sharply (ms). */
  const SETTLE_MS = 120;
  /** Graphs with more nodes plus edges than this draw through an offscreen cache. */
  const CACHE_THRESHOLD = 3000;
  /** Duration of animated view changes, in milliseconds. */
  const ANIMATION_MS = 300;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  /** Finds the page's elements and loads the data; does nothing on other pages. */
  function init() {
    const view = document.getElementById("graph-view");
    const canvas = document.getElementById("graph-canvas");
    if (!view || !(canvas instanceof HTMLCanvasElement) || !canvas.getContext("2d")) {
      return;
    }
    const form = document.getElementById("graph-controls");
    // Browsers refuse fetch() on file:// pages and log an error for it; skip the attempt.
    if (window.location.protocol === "file:") {
      showFailure(view, canvas, form, "it cannot be loaded from a file on disk");
      return;
    }
    const url = view.dataset.graphUrl || "graph.json";
    fetch(url)
      .then((response) => {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then((json) => {
        const graph = parseGraph(json);
        if (graph.n === 0) {
          showFailure(view, canvas, form, "there are no entries to draw");
          return;
        }
        new GraphViewer(view, canvas, form, graph);
      })
      .catch((error) => {
        showFailure(view, canvas, form, "it could not be loaded (" + error.message + ")");
      });
  }

  /** Hides the canvas and controls and says why; the entry list below stays. */
  function showFailure(view, canvas, form, reason) {
    canvas.hidden = true;
    if (form) {
      form.hidden = true;
    }
    const note = document.createElement("p");
    note.className = "graph-note";
    note.setAttribute("role", "status");
    note.textContent =
      "The interactive graph is not available here: " +
      reason +
      ". The list below links every entry.";
    view.insertBefore(note, view.firstChild);
  }

  /**
   * Turns graph.json into flat typed arrays. Bad records are tolerated: a node without
   * coordinates sits in the middle, an edge whose ends are missing or equal is dropped.
   * Edge ends may be node indices or node ids.
   */
  function parseGraph(json) {
    const rawNodes = json && Array.isArray(json.nodes) ? json.nodes : [];
    const rawEdges = json && Array.isArray(json.edges) ? json.edges : [];
    const n = rawNodes.length;
    const graph = {
      n: n,
      x: new Float64Array(n),
      y: new Float64Array(n),
      kind: new Uint16Array(n),
      kindNames: [],
      title: new Array(n),
      lowerTitle: new Array(n),
      url: new Array(n),
      degree: new Uint32Array(n),
      edgeCount: 0,
      edgeA: null,
      edgeB: null,
      adjStart: null,
      adjList: null,
    };
    const kindIndex = new Map();
    const idIndex = new Map();
    rawNodes.forEach((node, i) => {
      const record = node && typeof node === "object" ? node : {};
      graph.x[i] = finiteOr(record.x, WORLD / 2);
      graph.y[i] = finiteOr(record.y, WORLD / 2);
      const kind = typeof record.kind === "string" && record.kind ? record.kind : "default";
      if (!kindIndex.has(kind)) {
        kindIndex.set(kind, graph.kindNames.length);
        graph.kindNames.push(kind);
      }
      graph.kind[i] = kindIndex.get(kind);
      const title = record.title != null ? String(record.title) : String(record.id || i);
      graph.title[i] = title;
      graph.lowerTitle[i] = title.toLowerCase();
      graph.url[i] = typeof record.url === "string" ? record.url : "";
      if (record.id != null) {
        idIndex.set(String(record.id), i);
      }
    });
    const endpoint = (value) => {
      if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < n) {
        return value;
      }
      if (typeof value === "string" && idIndex.has(value)) {
        return idIndex.get(value);
      }
      return -1;
    };
    const a = [];
    const b = [];
    rawEdges.forEach((edge) => {
      if (!edge || typeof edge !== "object") {
        return;
      }
      const s = endpoint(edge.source);
      const t = endpoint(edge.target);
      if (s >= 0 && t >= 0 && s !== t) {
        a.push(s);
        b.push(t);
        graph.degree[s] += 1;
        graph.degree[t] += 1;
      }
    });
    graph.edgeCount = a.length;
    graph.edgeA = Uint32Array.from(a);
    graph.edgeB = Uint32Array.from(b);
    buildAdjacency(graph);
    return graph;
  }

  /** `value` if it is a finite number, else `fallback`. */
  function finiteOr(value, fallback) {
    return typeof value === "number" && Number.isFinite(value) ? value : fallback;
  }

  /** Neighbour lists in compressed form: node i's neighbours are adjList[adjStart[i]..adjStart[i+1]]. */
  function buildAdjacency(graph) {
    const start = new Uint32Array(graph.n + 1);
    for (let i = 0; i < graph.n; i++) {
      start[i + 1] = start[i] + graph.degree[i];
    }
    const fill = start.slice(0, graph.n);
    const list = new Uint32Array(start[graph.n]);
    for (let e = 0; e < graph.edgeCount; e++) {
      const s = graph.edgeA[e];
      const t = graph.edgeB[e];
      list[fill[s]++] = t;
      list[fill[t]++] = s;
    }
    graph.adjStart = start;
    graph.adjList = list;
  }

  /** `text` cut to MAX_LABEL_CHARS characters, ending in "…" when cut. */
  function shorten(text) {
    const chars = Array.from(text.trim());
    if (chars.length <= MAX_LABEL_CHARS) {
      return chars.join("");
    }
    return chars.slice(0, MAX_LABEL_CHARS - 1).join("").trimEnd() + "…";
  }

  /** Finds the node nearest to a point quickly, by bucketing nodes into a GRID x GRID grid. */
  class HitGrid {
    constructor(graph) {
      this.graph = graph;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (let i = 0; i < graph.n; i++) {
        minX = Math.min(minX, graph.x[i]);
        minY = Math.min(minY, graph.y[i]);
        maxX = Math.max(maxX, graph.x[i]);
        maxY = Math.max(maxY, graph.y[i]);
      }
      this.minX = minX;
      this.minY = minY;
      this.maxX = maxX;
      this.maxY = maxY;
      this.cell = Math.max(maxX - minX, maxY - minY, 1) / GRID + 1e-9;
      const cellOf = new Uint32Array(graph.n);
      const start = new Uint32Array(GRID * GRID + 1);
      for (let i = 0; i < graph.n; i++) {
        cellOf[i] = this.cellIndex(graph.x[i], graph.y[i]);
        start[cellOf[i] + 1] += 1;
      }
      for (let c = 0; c < GRID * GRID; c++) {
        start[c + 1] += start[c];
      }
      const fill = start.slice(0, GRID * GRID);
      this.items = new Uint32Array(graph.n);
      for (let i = 0; i < graph.n; i++) {
        this.items[fill[cellOf[i]]++] = i;
      }
      this.start = start;
    }

    column(x) {
      return Math.min(GRID - 1, Math.max(0, Math.floor((x - this.minX) / this.cell)));
    }

    row(y) {
      return Math.min(GRID - 1, Math.max(0, Math.floor((y - this.minY) / this.cell)));
    }

    cellIndex(x, y) {
      return this.row(y) * GRID + this.column(x);
    }

    /**
     * The node nearest to (x, y) in world units for which `accept(i, distance)` holds, or -1.
     * `reach` bounds the search radius.
     */
    nearest(x, y, reach, accept) {
      let best = -1;
      let bestD = Infinity;
      for (let row = this.row(y - reach); row <= this.row(y + reach); row++) {
        for (let col = this.column(x - reach); col <= this.column(x + reach); col++) {
          const c = row * GRID + col;
          for (let k = this.start[c]; k < this.start[c + 1]; k++) {
            const i = this.items[k];
            const d = Math.hypot(this.graph.x[i] - x, this.graph.y[i] - y);
            if (d < bestD && accept(i, d)) {
              best = i;
              bestD = d;
            }
          }
        }
      }
      return best;
    }
  }

  /** The interactive view: state, drawing and input handling. */
  class GraphViewer {
    constructor(view, canvas, form, graph) {
      this.view = view;
      this.canvas = canvas;
      this.form = form;
      this.graph = graph;
      this.ctx = canvas.getContext("2d");
      this.grid = new HitGrid(graph);
      this.byKind = this.groupByKind();
      this.sizeFactor = this.nodeSizes();
      // Label candidates, best linked first; texts and widths are filled in when first needed.
      this.labelOrder = Uint32Array.from(graph.title.keys()).sort(
        (a, b) => graph.degree[b] - graph.degree[a] || a - b
      );
      this.labelText = new Array(graph.n);
      this.labelWidth = new Float32Array(graph.n).fill(-1);
      this.baseRadius = Math.min(5, Math.max(1.5, 6 * Math.sqrt(300 / Math.max(graph.n, 1))));
      this.hiddenKinds = new Uint8Array(graph.kindNames.length);
      this.colors = [];
      this.edgeColor = "#888";
      this.labelColor = "#000";
      this.backgroundColor = "#fff";
      this.highlightColor = "#0987a0";
      // View transform: screen = world * scale + offset, in CSS pixels.
      this.scale = 1;
      this.offsetX = 0;
      this.offsetY = 0;
      this.fitScale = 1;
      this.width = 0;
      this.height = 0;
      this.dpr = 0;
      this.hasSize = false;
      // Screen positions of all nodes for the current frame.
      this.sx = new Float32Array(graph.n);
      this.sy = new Float32Array(graph.n);
      this.hovered = -1;
      this.selected = -1;
      this.marked = new Uint8Array(graph.n);
      this.pointers = new Map();
      this.drag = null;
      this.pinch = null;
      this.frame = 0;
      this.animation = 0;
      this.animationTarget = null;
      this.searchTimer = 0;
      this.settleTimer = 0;
      this.cache =
        graph.n + graph.edgeCount > CACHE_THRESHOLD ? document.createElement("canvas") : null;
      this.cacheValid = false;
      this.cacheView = null;
      this.lastView = null;
      this.lastViewChange = 0;
      this.setUpDom();
      this.readColors();
      this.readFilters();
      this.bindEvents();
      this.resize();
    }

    /** Node indices grouped by kind, so each kind is filled with one path and one colour. */
    groupByKind() {
      const groups = this.graph.kindNames.map(() => []);
      for (let i = 0; i < this.graph.n; i++) {
        groups[this.graph.kind[i]].push(i);
      }
      return groups.map((list) => Uint32Array.from(list));
    }

    /** Relative node sizes: hubs are drawn somewhat larger. */
    nodeSizes() {
      const sizes = new Float32Array(this.graph.n);
      for (let i = 0; i < this.graph.n; i++) {
        sizes[i] = Math.min(MAX_SIZE_FACTOR, 0.8 + 0.2 * Math.log2(1 + this.graph.degree[i]));
      }
      return sizes;
    }

    /** Adds the zoom buttons, tooltip and search status, and labels the canvas. */
    setUpDom() {
      const canvas = this.canvas;
      canvas.tabIndex = 0;
      canvas.setAttribute("role", "img");
      canvas.setAttribute(
        "aria-label",
        "Graph of " +
          this.graph.n +
          " entries and " +
          this.graph.edgeCount +
          " links. Drag or use the arrow keys to move, the wheel or + and - to zoom, " +
          "0 to show everything, Enter to open the highlighted entry. " +
          "The list below links every entry."
      );
      const zoom = document.createElement("div");
      zoom.className = "graph-zoom";
      zoom.setAttribute("role", "group");
      zoom.setAttribute("aria-label", "Zoom");
      zoom.append(
        this.button("+", "Zoom in", () => this.zoomBy(ZOOM_STEP)),
        this.button("\u2212", "Zoom out", () => this.zoomBy(1 / ZOOM_STEP)),
        this.button("\u2922", "Show the whole graph", () => this.fit(true))
      );
      canvas.insertAdjacentElement("afterend", zoom);
      this.zoomBox = zoom;
      this.tooltip = document.createElement("div");
      this.tooltip.className = "graph-tooltip";
      this.tooltip.setAttribute("aria-hidden", "true");
      this.tooltip.hidden = true;
      this.view.append(this.tooltip);
      this.status = document.createElement("p");
      this.status.className = "graph-status";
      this.status.setAttribute("role", "status");
      (this.form || this.view).append(this.status);
      this.search = document.getElementById("graph-search");
    }

    button(text, label, action) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      return b;
    }

    /** Reads the palette from CSS custom properties (they change with the colour scheme). */
    readColors() {
      const style = window.getComputedStyle(this.view);
      const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
      const fallbackKind = read("--kind-default", "#718096");
      this.colors = this.graph.kindNames.map((kind) => read("--kind-" + kind, fallbackKind));
      this.edgeColor = read("--graph-edge", "#8c8c8c");
      this.labelColor = read("--graph-label", "#1a202c");
      this.backgroundColor = read("--graph-bg", "#ffffff");
      this.highlightColor = read("--graph-highlight", "#0987a0");
    }

    /** Hidden kinds from the checkboxes; kinds without a checkbox are always shown. */
    readFilters() {
      this.hiddenKinds.fill(0);
      if (!this.form) {
        return;
      }
      const boxes = this.form.querySelectorAll('input[type="checkbox"][name="kind"]');
      boxes.forEach((box) => {
        const k = this.graph.kindNames.indexOf(box.value);
        if (k >= 0 && !box.checked) {
          this.hiddenKinds[k] = 1;
        }
      });
      if (this.selected >= 0 && !this.isVisible(this.selected)) {
        this.status.textContent = this.graph.title[this.selected] + " is hidden by the filters.";
        this.select(-1);
      }
    }

    isVisible(i) {
      return this.hiddenKinds[this.graph.kind[i]] === 0;
    }

    bindEvents() {
      const canvas = this.canvas;
      canvas.addEventListener("pointerdown", (e) => this.onPointerDown(e));
      canvas.addEventListener("pointermove", (e) => this.onPointerMove(e));
      canvas.addEventListener("pointerup", (e) => this.onPointerUp(e));
      canvas.addEventListener("pointercancel", (e) => this.onPointerCancel(e));
      canvas.addEventListener("pointerleave", () => this.setHovered(-1, 0, 0));
      canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
      canvas.addEventListener("keydown", (e) => this.onKey(e));
      if (window.ResizeObserver) {
        new ResizeObserver(() => this.resize()).observe(canvas);
      } else {
        window.addEventListener("resize", () => this.resize());
      }
      this.watchColorScheme();
      if (this.form) {
        this.form.addEventListener("submit", (e) => {
          e.preventDefault();
          this.runSearch();
        });
        this.form.addEventListener("change", (e) => {
          if (e.target && e.target.name === "kind") {
            this.readFilters();
            this.invalidate();
          }
        });
      }
      if (this.search) {
        this.search.addEventListener("input", () => {
          window.clearTimeout(this.searchTimer);
          this.searchTimer = window.setTimeout(() => this.runSearch(), SEARCH_DELAY);
        });
        this.search.addEventListener("keydown", (e) => {
          if (e.key === "Escape" && this.search.value) {
            e.preventDefault();
            this.search.value = "";
            this.runSearch();
          }
        });
      }
    }

    /** Redraws with new colours when the system scheme or the page's theme changes. */
    watchColorScheme() {
      const refresh = () => {
        this.readColors();
        this.invalidate();
      };
      const query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
      if (query && query.addEventListener) {
        query.addEventListener("change", refresh);
      }
      if (window.MutationObserver) {
        const observer = new MutationObserver(refresh);
        const options = { attributes: true, attributeFilter: ["data-theme", "class", "style"] };
        observer.observe(document.documentElement, options);
        if (document.body) {
          observer.observe(document.body, options);
        }
      }
    }

    // ---- View transform ----

    /** Matches the canvas's backing store to its CSS size and the device pixel ratio. */
    resize() {
      const rect = this.canvas.getBoundingClientRect();
      const width = Math.max(1, Math.round(rect.width));
      const height = Math.max(1, Math.round(rect.height));
      const dpr = window.devicePixelRatio || 1;
      if (width === this.width && height === this.height && dpr === this.dpr) {
        return;
      }
      const centre = this.hasSize ? this.toWorld(this.width / 2, this.height / 2) : null;
      this.width = width;
      this.height = height;
      this.dpr = dpr;
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      if (this.cache) {
        this.cache.width = this.canvas.width;
        this.cache.height = this.canvas.height;
        this.cacheValid = false;
      }
      this.fitScale = this.computeFitScale();
      // Keep the zoom buttons on the canvas even if the view holds more above it.
      this.zoomBox.style.top = this.canvas.offsetTop + 8 + "px";
      if (centre) {
        // Keep the same point in the middle, so resizing does not lose the reader's place.
        this.offsetX = width / 2 - centre.x * this.scale;
        this.offsetY = height / 2 - centre.y * this.scale;
      } else {
        this.fit(false);
      }
      this.hasSize = true;
      this.requestDraw();
    }

    /** The scale at which the whole graph just fits the canvas. */
    computeFitScale() {
      const g = this.grid;
      const roomX = Math.max(1, this.width - 2 * FIT_PADDING);
      const roomY = Math.max(1, this.height - 2 * FIT_PADDING);
      return Math.min(roomX / Math.max(g.maxX - g.minX, 1), roomY / Math.max(g.maxY - g.minY, 1));
    }

    /** Shows the whole graph. */
    fit(animate) {
      const g = this.grid;
      const scale = this.fitScale;
      const offsetX = this.width / 2 - ((g.minX + g.maxX) / 2) * scale;
      const offsetY = this.height / 2 - ((g.minY + g.maxY) / 2) * scale;
      this.moveTo(scale, offsetX, offsetY, animate);
    }

    toWorld(px, py) {
      return { x: (px - this.offsetX) / this.scale, y: (py - this.offsetY) / this.scale };
    }

    clampScale(scale) {
      return Math.min(this.fitScale * MAX_ZOOM, Math.max(this.fitScale * MIN_ZOOM, scale));
    }

    /** Zooms by `factor` keeping the point (px, py) (default: the centre) in place. */
    zoomBy(factor, px, py, animate) {
      const x = px === undefined ? this.width / 2 : px;
      const y = py === undefined ? this.height / 2 : py;
      const target = this.animation ? this.animationTarget : null;
      const scale0 = target ? target.scale : this.scale;
      const offX0 = target ? target.offsetX : this.offsetX;
      const offY0 = target ? target.offsetY : this.offsetY;
      const scale = this.clampScale(scale0 * factor);
      const ratio = scale / scale0;
      this.moveTo(scale, x - (x - offX0) * ratio, y - (y - offY0) * ratio, animate !== false);
    }

    panBy(dx, dy) {
      this.stopAnimation();
      this.offsetX += dx;
      this.offsetY += dy;
      this.requestDraw();
    }

    /** Sets the view, either at once or eased over ANIMATION_MS. */
    moveTo(scale, offsetX, offsetY, animate) {
      this.stopAnimation();
      const reduce =
        window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (!animate || reduce || !this.hasSize) {
        this.scale = scale;
        this.offsetX = offsetX;
        this.offsetY = offsetY;
        this.requestDraw();
        return;
      }
      const from = { scale: this.scale, offsetX: this.offsetX, offsetY: this.offsetY };
      const to = { scale: scale, offsetX: offsetX, offsetY: offsetY };
      this.animationTarget = to;
      const started = performance.now();
      const tick = (now) => {
        const t = Math.min(1, (now - started) / ANIMATION_MS);
        const ease = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
        this.interpolateView(from, to, ease);
        this.draw();
        this.animation = t < 1 ? window.requestAnimationFrame(tick) : 0;
      };
      this.animation = window.requestAnimationFrame(tick);
    }

    /**
     * The view between `from` and `to` at `t` in [0, 1]. The scale moves geometrically, and
     * the offsets follow so that the world point at the centre moves in a straight line.
     */
    interpolateView(from, to, t) {
      const cx = this.width / 2;
      const cy = this.height / 2;
      const a = { x: (cx - from.offsetX) / from.scale, y: (cy - from.offsetY) / from.scale };
      const b = { x: (cx - to.offsetX) / to.scale, y: (cy - to.offsetY) / to.scale };
      this.scale = from.scale * Math.pow(to.scale / from.scale, t);
      this.offsetX = cx - (a.x + (b.x - a.x) * t) * this.scale;
      this.offsetY = cy - (a.y + (b.y - a.y) * t) * this.scale;
    }

    stopAnimation() {
      if (this.animation) {
        window.cancelAnimationFrame(this.animation);
        this.animation = 0;
        const to = this.animationTarget;
        this.scale = to.scale;
        this.offsetX = to.offsetX;
        this.offsetY = to.offsetY;
      }
    }

    // ---- Drawing ----
    //
    // A frame has two layers. The base layer holds every visible edge and node; for large
    // graphs it is drawn into an offscreen canvas (the cache) and, while the view is moving,
    // only that bitmap is shifted and scaled, which costs next to nothing. Once the view has
    // been still for SETTLE_MS the base layer is drawn afresh at full sharpness. The overlay
    // (highlighted neighbourhood, rings, labels) is small and drawn anew every frame.

    requestDraw() {
      if (!this.frame && !this.animation) {
        this.frame = window.requestAnimationFrame(() => {
          this.frame = 0;
          this.draw();
        });
      }
    }

    /** Marks the base layer as out of date (filters, colours or selection changed). */
    invalidate() {
      this.cacheValid = false;
      this.requestDraw();
    }

    draw() {
      if ((window.devicePixelRatio || 1) !== this.dpr) {
        this.resize();
      }
      const now = performance.now();
      const view = { scale: this.scale, offsetX: this.offsetX, offsetY: this.offsetY };
      if (!sameView(view, this.lastView)) {
        this.lastView = view;
        this.lastViewChange = now;
      }
      const ctx = this.ctx;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.project();
      if (this.cache) {
        this.drawFromCache(view, now);
      } else {
        ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        this.drawBase(ctx);
      }
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      this.drawOverlay(ctx);
    }

    /** Copies the cached base layer, redrawing it first if it is out of date and may be. */
    drawFromCache(view, now) {
      const settled = now - this.lastViewChange >= SETTLE_MS;
      if (!this.cacheValid || (settled && !sameView(view, this.cacheView))) {
        const cacheCtx = this.cache.getContext("2d");
        cacheCtx.setTransform(1, 0, 0, 1, 0, 0);
        cacheCtx.clearRect(0, 0, this.cache.width, this.cache.height);
        cacheCtx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        this.drawBase(cacheCtx);
        this.cacheView = view;
        this.cacheValid = true;
      }
      const from = this.cacheView;
      const ratio = view.scale / from.scale;
      const dx = (view.offsetX - from.offsetX * ratio) * this.dpr;
      const dy = (view.offsetY - from.offsetY * ratio) * this.dpr;
      this.ctx.drawImage(this.cache, dx, dy, this.cache.width * ratio, this.cache.height * ratio);
      if (!sameView(view, from)) {
        // Come back for a sharp redraw once the view holds still.
        window.clearTimeout(this.settleTimer);
        this.settleTimer = window.setTimeout(() => this.requestDraw(), SETTLE_MS + 10);
      }
    }

    /** Every visible edge and node; faded while a neighbourhood is highlighted. */
    drawBase(ctx) {
      const alpha = this.selected >= 0 ? 0.2 : 1;
      this.drawEdges(ctx, alpha);
      this.drawNodes(ctx, false, alpha);
    }

    /** The highlighted neighbourhood, the rings and the labels. */
    drawOverlay(ctx) {
      if (this.selected >= 0) {
        this.drawSelectedEdges(ctx);
        this.drawNodes(ctx, true, 1);
      }
      this.ringNode(ctx, this.selected, 3);
      this.ringNode(ctx, this.hovered, 2);
      this.drawLabels(ctx);
    }

    /** Screen positions of all nodes for this frame. */
    project() {
      const g = this.graph;
      for (let i = 0; i < g.n; i++) {
        this.sx[i] = g.x[i] * this.scale + this.offsetX;
        this.sy[i] = g.y[i] * this.scale + this.offsetY;
      }
    }

    onScreen(x, y, margin) {
      return x > -margin && y > -margin && x < this.width + margin && y < this.height + margin;
    }

    /** Node radius in CSS pixels at the current zoom, before the per-node size factor. */
    baseRadiusNow() {
      const zoom = this.scale / this.fitScale;
      return Math.min(9, this.baseRadius * Math.sqrt(Math.max(zoom, 0.25)));
    }

    /** Radius of node `i` in CSS pixels at the current zoom. */
    radius(i) {
      return this.baseRadiusNow() * this.sizeFactor[i];
    }

    /** Strokes every edge between visible nodes whose line may cross the screen, as one path. */
    drawEdges(ctx, alpha) {
      const g = this.graph;
      const w = this.width;
      const h = this.height;
      ctx.beginPath();
      let count = 0;
      for (let e = 0; e < g.edgeCount; e++) {
        const a = g.edgeA[e];
        const b = g.edgeB[e];
        if (!this.isVisible(a) || !this.isVisible(b)) {
          continue;
        }
        const ax = this.sx[a];
        const ay = this.sy[a];
        const bx = this.sx[b];
        const by = this.sy[b];
        // Both ends beyond the same side: the line cannot cross the screen.
        if ((ax < 0 && bx < 0) || (ay < 0 && by < 0) || (ax > w && bx > w) || (ay > h && by > h)) {
          continue;
        }
        ctx.moveTo(ax, ay);
        ctx.lineTo(bx, by);
        count++;
      }
      // Many lines on screen: thinner and fainter, so the picture does not turn solid.
      ctx.strokeStyle = this.edgeColor;
      ctx.lineWidth = count > 5000 ? 0.5 : 1;
      ctx.globalAlpha = alpha * Math.min(0.8, Math.max(0.15, 40 / Math.sqrt(count + 1)));
      ctx.stroke();
      ctx.globalAlpha = 1;
    }

    /** The selected node's edges to visible neighbours, in the highlight colour. */
    drawSelectedEdges(ctx) {
      const g = this.graph;
      const s = this.selected;
      ctx.beginPath();
      for (let k = g.adjStart[s]; k < g.adjStart[s + 1]; k++) {
        const t = g.adjList[k];
        if (this.isVisible(t)) {
          ctx.moveTo(this.sx[s], this.sy[s]);
          ctx.lineTo(this.sx[t], this.sy[t]);
        }
      }
      ctx.strokeStyle = this.highlightColor;
      ctx.lineWidth = 2;
      ctx.stroke();
    }

    /** Fills the nodes, one path per kind; with `marked`, only the highlighted ones. */
    drawNodes(ctx, marked, alpha) {
      const base = this.baseRadiusNow();
      ctx.globalAlpha = alpha;
      for (let k = 0; k < this.byKind.length; k++) {
        if (this.hiddenKinds[k]) {
          continue;
        }
        const list = this.byKind[k];
        ctx.beginPath();
        for (let j = 0; j < list.length; j++) {
          const i = list[j];
          if (marked && !this.marked[i]) {
            continue;
          }
          const r = base * this.sizeFactor[i];
          const x = this.sx[i];
          const y = this.sy[i];
          if (!this.onScreen(x, y, r)) {
            continue;
          }
          if (r < 2) {
            // Tiny dots: squares look the same and are much cheaper than arcs.
            ctx.rect(x - r, y - r, 2 * r, 2 * r);
          } else {
            ctx.moveTo(x + r, y);
            ctx.arc(x, y, r, 0, 2 * Math.PI);
          }
        }
        ctx.fillStyle = this.colors[k];
        ctx.fill();
      }
      ctx.globalAlpha = 1;
    }

    /** Draws a ring in the highlight colour around node `i` (if it is shown). */
    ringNode(ctx, i, width) {
      if (i < 0 || !this.isVisible(i)) {
        return;
      }
      ctx.beginPath();
      ctx.arc(this.sx[i], this.sy[i], Math.max(this.radius(i), 3) + width, 0, 2 * Math.PI);
      ctx.strokeStyle = this.highlightColor;
      ctx.lineWidth = width;
      ctx.stroke();
    }

    /**
     * Labels that do not overlap: first the selected node and its neighbours, then the other
     * nodes on screen from the best linked down, until the screen holds about one label per
     * LABEL_AREA square pixels. Zooming in therefore reveals more and more labels.
     */
    drawLabels(ctx) {
      ctx.font = LABEL_FONT;
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.backgroundColor;
      ctx.fillStyle = this.labelColor;
      const boxes = new BoxGrid(this.width, this.height);
      // With a highlighted neighbourhood, fewer other labels compete with it.
      const share = this.selected >= 0 ? 3 : 1;
      const budget = Math.max(12, Math.floor((this.width * this.height) / LABEL_AREA / share));
      let placed = 0;
      const g = this.graph;
      if (this.selected >= 0) {
        this.placeLabel(ctx, boxes, this.selected);
        for (let k = g.adjStart[this.selected]; k < g.adjStart[this.selected + 1]; k++) {
          this.placeLabel(ctx, boxes, g.adjList[k]);
        }
      }
      ctx.globalAlpha = this.selected >= 0 ? 0.35 : 1;
      for (let k = 0; k < g.n && placed < budget; k++) {
        const i = this.labelOrder[k];
        if (!this.marked[i] && this.placeLabel(ctx, boxes, i)) {
          placed++;
        }
      }
      ctx.globalAlpha = 1;
    }

    /** Draws node `i`'s label under it unless it is hidden, off screen or would overlap. */
    placeLabel(ctx, boxes, i) {
      if (!this.isVisible(i)) {
        return false;
      }
      const x = this.sx[i];
      const y = this.sy[i] + this.radius(i) + 3;
      if (!this.onScreen(x, y, 0)) {
        return false;
      }
      if (this.labelWidth[i] < 0) {
        this.labelText[i] = shorten(this.graph.title[i]);
        this.labelWidth[i] = ctx.measureText(this.labelText[i]).width;
      }
      const half = this.labelWidth[i] / 2 + 2;
      if (!boxes.add(x - half, y, x + half, y + LABEL_HEIGHT)) {
        return false;
      }
      ctx.strokeText(this.labelText[i], x, y);
      ctx.fillText(this.labelText[i], x, y);
      return true;
    }

    // ---- Pointer and keyboard input ----

    localPoint(e) {
      const rect = this.canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }

    /** The visible node under the canvas point (px, py), or -1. */
    nodeAt(px, py) {
      const world = this.toWorld(px, py);
      // The largest node's radius, plus the slop, bounds how far to look.
      const reach = (this.baseRadiusNow() * MAX_SIZE_FACTOR + HIT_SLOP) / this.scale;
      return this.grid.nearest(world.x, world.y, reach, (i, d) => {
        return this.isVisible(i) && d * this.scale <= this.radius(i) + HIT_SLOP;
      });
    }

    onPointerDown(e) {
      if (e.pointerType === "mouse" && e.button !== 0 && e.button !== 1) {
        return;
      }
      this.stopAnimation();
      const p = this.localPoint(e);
      this.pointers.set(e.pointerId, p);
      try {
        this.canvas.setPointerCapture(e.pointerId);
      } catch (_) {
        // Capture can fail for a pointer that is already gone; dragging still works.
      }
      if (this.pointers.size === 1) {
        this.drag = { start: p, last: p, moved: false, button: e.button };
      } else if (this.pointers.size === 2) {
        this.drag = null;
        this.pinch = this.pinchState();
      }
    }

    pinchState() {
      const [a, b] = Array.from(this.pointers.values());
      return {
        distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
        mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
      };
    }

    onPointerMove(e) {
      const p = this.localPoint(e);
      if (!this.pointers.has(e.pointerId)) {
        if (e.pointerType === "mouse") {
          this.setHovered(this.nodeAt(p.x, p.y), p.x, p.y);
        }
        return;
      }
      this.pointers.set(e.pointerId, p);
      if (this.pinch && this.pointers.size === 2) {
        const next = this.pinchState();
        this.panBy(next.mid.x - this.pinch.mid.x, next.mid.y - this.pinch.mid.y);
        this.zoomBy(next.distance / this.pinch.distance, next.mid.x, next.mid.y, false);
        this.pinch = next;
        return;
      }
      const drag = this.drag;
      if (!drag) {
        return;
      }
      if (!drag.moved && Math.hypot(p.x - drag.start.x, p.y - drag.start.y) > CLICK_SLOP) {
        drag.moved = true;
        this.canvas.classList.add("is-dragging");
        this.setHovered(-1, 0, 0);
      }
      if (drag.moved) {
        this.panBy(p.x - drag.last.x, p.y - drag.last.y);
        drag.last = p;
      }
    }

    onPointerUp(e) {
      if (!this.pointers.has(e.pointerId)) {
        return;
      }
      this.pointers.delete(e.pointerId);
      const drag = this.drag;
      this.canvas.classList.remove("is-dragging");
      if (this.pointers.size === 0) {
        this.pinch = null;
        this.drag = null;
      }
      if (drag && !drag.moved) {
        const p = this.localPoint(e);
        const i = this.nodeAt(p.x, p.y);
        if (i >= 0) {
          this.open(i, drag.button === 1 || e.ctrlKey || e.metaKey);
        }
      }
    }

    onPointerCancel(e) {
      this.pointers.delete(e.pointerId);
      this.pinch = null;
      this.drag = null;
      this.canvas.classList.remove("is-dragging");
    }

    onWheel(e) {
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.height : 1;
      const delta = Math.max(-200, Math.min(200, e.deltaY * unit));
      const p = this.localPoint(e);
      this.zoomBy(Math.exp(-delta * 0.002), p.x, p.y, false);
    }

    onKey(e) {
      if (e.altKey || e.ctrlKey || e.metaKey) {
        return;
      }
      const actions = {
        ArrowLeft: () => this.panBy(PAN_STEP, 0),
        ArrowRight: () => this.panBy(-PAN_STEP, 0),
        ArrowUp: () => this.panBy(0, PAN_STEP),
        ArrowDown: () => this.panBy(0, -PAN_STEP),
        "+": () => this.zoomBy(ZOOM_STEP),
        "=": () => this.zoomBy(ZOOM_STEP),
        "-": () => this.zoomBy(1 / ZOOM_STEP),
        _: () => this.zoomBy(1 / ZOOM_STEP),
        0: () => this.fit(true),
        Enter: () => {
          if (this.selected >= 0) {
            this.open(this.selected, false);
          }
        },
      };
      const action = actions[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    }

    setHovered(i, px, py) {
      this.canvas.classList.toggle("is-pointing", i >= 0);
      if (i !== this.hovered) {
        this.hovered = i;
        this.requestDraw();
      }
      const tip = this.tooltip;
      if (i < 0) {
        tip.hidden = true;
        return;
      }
      tip.textContent = this.graph.title[i];
      tip.hidden = false;
      // Place the tip beside the pointer, flipped to the left near the right edge.
      const left = this.canvas.offsetLeft + px + 14;
      const top = this.canvas.offsetTop + py + 14;
      tip.style.left = left + "px";
      tip.style.top = top + "px";
      if (px + 14 + tip.offsetWidth > this.width) {
        tip.style.left = Math.max(0, left - tip.offsetWidth - 28) + "px";
      }
    }

    href(i) {
      return "../" + this.graph.url[i];
    }

    open(i, newTab) {
      const href = this.href(i);
      if (newTab) {
        window.open(href, "_blank", "noopener");
      } else {
        window.location.assign(href);
      }
    }

    // ---- Search ----

    /**
     * The best visible match for `query`: titles starting with it first (exact matches, then
     * shorter titles, then better linked ones), then titles containing it (earlier matches
     * first). -1 when nothing matches.
     */
    findBest(query) {
      const g = this.graph;
      let best = -1;
      let bestKey = null;
      for (let i = 0; i < g.n; i++) {
        if (!this.isVisible(i)) {
          continue;
        }
        const at = g.lowerTitle[i].indexOf(query);
        if (at < 0) {
          continue;
        }
        // Smaller is better, compared element by element.
        const key = [at === 0 ? 0 : 1, at, g.title[i].length, -g.degree[i], i];
        if (bestKey === null || lessThan(key, bestKey)) {
          best = i;
          bestKey = key;
        }
      }
      return best;
    }

    /** Highlights and frames the best match for the search box, or clears the highlight. */
    runSearch() {
      window.clearTimeout(this.searchTimer);
      const query = this.search ? this.search.value.trim().toLowerCase() : "";
      if (!query) {
        this.select(-1);
        this.status.textContent = "";
        return;
      }
      const i = this.findBest(query);
      this.select(i);
      if (i < 0) {
        this.status.textContent = "No shown entry matches \u201c" + query + "\u201d.";
        return;
      }
      this.zoomToSelection();
      this.describeSelection();
    }

    /** Highlights node `i` and its neighbours (none when `i` is -1). */
    select(i) {
      this.selected = i;
      this.marked.fill(0);
      if (i >= 0) {
        this.marked[i] = 1;
        const g = this.graph;
        for (let k = g.adjStart[i]; k < g.adjStart[i + 1]; k++) {
          this.marked[g.adjList[k]] = 1;
        }
      }
      this.invalidate();
    }

    /** Centres the view on the selected node, zoomed so its visible neighbours fit around it. */
    zoomToSelection() {
      const g = this.graph;
      const s = this.selected;
      let reachX = 0;
      let reachY = 0;
      for (let k = g.adjStart[s]; k < g.adjStart[s + 1]; k++) {
        const t = g.adjList[k];
        if (this.isVisible(t)) {
          reachX = Math.max(reachX, Math.abs(g.x[t] - g.x[s]));
          reachY = Math.max(reachY, Math.abs(g.y[t] - g.y[s]));
        }
      }
      const roomX = Math.max(1, this.width / 2 - 2 * FIT_PADDING);
      const roomY = Math.max(1, this.height / 2 - 2 * FIT_PADDING);
      const fits = Math.min(roomX / Math.max(reachX, 1e-6), roomY / Math.max(reachY, 1e-6));
      // Not closer than a quarter of the maximum zoom: a lone node should not fill the view.
      const scale = Math.min(this.clampScale(fits), this.fitScale * MAX_ZOOM * 0.25);
      const offsetX = this.width / 2 - g.x[s] * scale;
      const offsetY = this.height / 2 - g.y[s] * scale;
      this.moveTo(scale, offsetX, offsetY, true);
    }

    /** Puts the match, with a link to it, in the live status line. */
    describeSelection() {
      const i = this.selected;
      const g = this.graph;
      // Count distinct neighbours: two entries may be linked more than once.
      let neighbours = -1;
      for (let k = 0; k < g.n; k++) {
        neighbours += this.marked[k];
      }
      const link = document.createElement("a");
      link.href = this.href(i);
      link.textContent = g.title[i];
      const kind = g.kindNames[g.kind[i]];
      this.status.replaceChildren(
        "Showing ",
        link,
        " (" + kind + ") and " + neighbours + (neighbours === 1 ? " linked entry." : " linked entries.")
      );
    }
  }

  /** Rectangles already taken on screen, bucketed by a coarse grid so checks stay cheap. */
  class BoxGrid {
    constructor(width, height) {
      this.size = 64;
      this.cols = Math.max(1, Math.ceil(width / this.size));
      this.rows = Math.max(1, Math.ceil(height / this.size));
      this.cells = new Array(this.cols * this.rows);
    }

    /** Takes the rectangle if it overlaps none taken before; says whether it did. */
    add(x0, y0, x1, y1) {
      const c0 = Math.max(0, Math.floor(x0 / this.size));
      const c1 = Math.min(this.cols - 1, Math.floor(x1 / this.size));
      const r0 = Math.max(0, Math.floor(y0 / this.size));
      const r1 = Math.min(this.rows - 1, Math.floor(y1 / this.size));
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const list = this.cells[r * this.cols + c];
          if (list && list.some((b) => b[0] < x1 && x0 < b[2] && b[1] < y1 && y0 < b[3])) {
            return false;
          }
        }
      }
      const box = [x0, y0, x1, y1];
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const k = r * this.cols + c;
          (this.cells[k] || (this.cells[k] = [])).push(box);
        }
      }
      return true;
    }
  }

  /** Whether two view transforms are the same. */
  function sameView(a, b) {
    return (
      a !== null &&
      b !== null &&
      a.scale === b.scale &&
      a.offsetX === b.offsetX &&
      a.offsetY === b.offsetY
    );
  }

  /** Lexicographic comparison of two arrays of numbers. */
  function lessThan(a, b) {
    for (let k = 0; k < a.length; k++) {
      if (a[k] !== b[k]) {
        return a[k] < b[k];
      }
    }
    return false;
  }
})();
