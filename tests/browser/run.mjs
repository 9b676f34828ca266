#!/usr/bin/env node
/*
 * Browser checks for a site built by lode.
 *
 *   npm ci --prefix tests/browser
 *   node tests/browser/run.mjs public
 *
 * Serves the built site over http on 127.0.0.1 (a random free port), opens pages in Chromium
 * (Debian's /usr/bin/chromium, or $CHROMIUM), and checks:
 *   - axe-core (WCAG 2.0/2.1 A and AA rules) on a sample of pages, in the light and the dark
 *     theme, and with the theme forced against the system preference;
 *   - no console errors, page errors or failed requests on those pages;
 *   - the scripts: search (also from the header's quick search), sortable tables, timeline
 *     filters, the theme button, the graph canvas and its search;
 *   - that pages work with JavaScript off and do not overflow a phone-sized screen;
 *   - the W3C Nu HTML checker (vnu.jar, needs java) on every .html file of the site.
 *
 * Prints each failure readably and ends with a line `N passed, M failed`; exits 1 on failure.
 * Options: --skip-vnu, --skip-browser, --verbose.
 */

import { spawn } from "node:child_process";
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const ENTRY_SAMPLE = 5;

// ---- Command line ----

const args = process.argv.slice(2);
const flags = new Set(args.filter((arg) => arg.startsWith("--")));
const positional = args.filter((arg) => !arg.startsWith("--"));
if (positional.length !== 1 || flags.has("--help")) {
  console.error("usage: node tests/browser/run.mjs <site-folder> [--skip-vnu] [--skip-browser] [--verbose]");
  process.exit(2);
}
const siteDir = path.resolve(positional[0]);
if (!existsSync(path.join(siteDir, "index.html"))) {
  console.error(`error: ${siteDir} has no index.html; build the site first (lode build)`);
  process.exit(2);
}
const verbose = flags.has("--verbose");

// ---- Results ----

const results = { passed: 0, failed: 0, failures: [] };

function pass(name) {
  results.passed++;
  console.log(`ok   ${name}`);
}

function fail(name, detail) {
  results.failed++;
  results.failures.push(name);
  console.log(`FAIL ${name}`);
  if (detail) {
    console.log(indent(String(detail).trimEnd(), "     "));
  }
}

function indent(text, prefix) {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** Runs one named check; an exception or a returned message fails it. */
async function check(name, fn) {
  try {
    const problem = await fn();
    if (problem) {
      fail(name, problem);
    } else {
      pass(name);
    }
  } catch (error) {
    fail(name, error && error.stack ? firstLines(error.stack, 6) : String(error));
  }
}

function firstLines(text, count) {
  return String(text).split("\n").slice(0, count).join("\n");
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// ---- Static file server ----

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/**
 * The path the site expects to live under: the 404 page links with the path of base_url
 * (it is served at any address), so its stylesheet link tells. "/" when it cannot be told.
 */
function detectMount() {
  try {
    const html = readFileSync(path.join(siteDir, "404.html"), "utf8");
    const match = html.match(/<link rel="stylesheet" href="([^"]*)style\.css"/);
    if (match && match[1].startsWith("/")) {
      return match[1].endsWith("/") ? match[1] : match[1] + "/";
    }
  } catch {
    // no 404 page: serve at the root
  }
  return "/";
}

function startServer(mount) {
  const server = http.createServer((request, response) => {
    const send404 = () => {
      const notFound = path.join(siteDir, "404.html");
      response.writeHead(404, { "content-type": MIME[".html"] });
      if (existsSync(notFound)) {
        createReadStream(notFound).pipe(response);
      } else {
        response.end("not found");
      }
    };
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
    } catch {
      response.writeHead(400);
      response.end();
      return;
    }
    if (!pathname.startsWith(mount)) {
      if (pathname === mount.slice(0, -1)) {
        response.writeHead(301, { location: mount });
        response.end();
      } else {
        send404();
      }
      return;
    }
    let file = path.normalize(path.join(siteDir, pathname.slice(mount.length)));
    if (file !== siteDir && !file.startsWith(siteDir + path.sep)) {
      send404();
      return;
    }
    let stats = existsSync(file) ? statSync(file) : null;
    if (stats && stats.isDirectory()) {
      if (!pathname.endsWith("/")) {
        response.writeHead(301, { location: pathname + "/" });
        response.end();
        return;
      }
      file = path.join(file, "index.html");
      stats = existsSync(file) ? statSync(file) : null;
    }
    if (!stats || !stats.isFile()) {
      send404();
      return;
    }
    response.writeHead(200, {
      "content-type": MIME[path.extname(file).toLowerCase()] || "application/octet-stream",
      "content-length": stats.size,
      "cache-control": "no-store",
    });
    if (request.method === "HEAD") {
      response.end();
    } else {
      createReadStream(file).pipe(response);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// ---- Choosing pages ----

function readJson(file, fallback) {
  try {
    return JSON.parse(readFileSync(path.join(siteDir, file), "utf8"));
  } catch {
    return fallback;
  }
}

function fileSize(relative) {
  try {
    return statSync(path.join(siteDir, relative, "index.html")).size;
  } catch {
    return 0;
  }
}

/** Kind index pages: the home page's "Browse" cards (one per kind). */
function kindIndexPaths() {
  const html = readFileSync(path.join(siteDir, "index.html"), "utf8");
  const cards = html.match(/<ul class="cards">([\s\S]*?)<\/ul>/);
  const source = cards ? cards[1] : "";
  const paths = [];
  for (const match of source.matchAll(/<li><a href="(?:\.\/)?([^"#?]+)"/g)) {
    if (!paths.includes(match[1])) {
      paths.push(match[1]);
    }
  }
  return paths;
}

/**
 * Entry pages to sample: the richest page (largest file) of each kind, round-robin over the
 * kinds, so infoboxes, claims, timelines and backlinks all appear.
 */
function entrySample(index) {
  const byKind = new Map();
  for (const item of index) {
    if (!item || !item.u || item.k === "comparison" || item.k === "page") {
      continue;
    }
    if (!byKind.has(item.k)) {
      byKind.set(item.k, []);
    }
    byKind.get(item.k).push({ url: item.u, title: item.t, size: fileSize(item.u) });
  }
  for (const list of byKind.values()) {
    list.sort((a, b) => b.size - a.size || a.url.localeCompare(b.url));
  }
  const kinds = [...byKind.keys()].sort(
    (a, b) => byKind.get(b)[0].size - byKind.get(a)[0].size || a.localeCompare(b)
  );
  const chosen = [];
  for (let round = 0; chosen.length < ENTRY_SAMPLE; round++) {
    let added = false;
    for (const kind of kinds) {
      const item = byKind.get(kind)[round];
      if (item && chosen.length < ENTRY_SAMPLE) {
        chosen.push(item.url);
        added = true;
      }
    }
    if (!added) {
      break;
    }
  }
  return chosen;
}

function firstTagPath() {
  try {
    const tags = readdirSync(path.join(siteDir, "tags"), { withFileTypes: true })
      .filter((dirent) => dirent.isDirectory())
      .map((dirent) => dirent.name)
      .sort();
    return tags.length ? `tags/${tags[0]}/` : null;
  } catch {
    return null;
  }
}

// ---- Page helpers ----

/** Collects console errors, page errors and failed requests of one page. */
function watch(page, allow404) {
  const problems = [];
  // Chromium asks for /favicon.ico on its own; a site without one is not broken.
  const ignored = (url) => /^https?:\/\/[^/]+\/favicon\.ico$/.test(url || "");
  page.on("console", (message) => {
    if (message.type() === "error") {
      const location = message.location();
      const where = location && location.url ? ` (${location.url})` : "";
      if (allow404 && /status of 404/.test(message.text()) && where.includes(allow404)) {
        return;
      }
      if (location && ignored(location.url)) {
        return;
      }
      problems.push(`console error: ${message.text()}${where}`);
    }
  });
  page.on("pageerror", (error) => {
    problems.push(`page error: ${firstLines(error.stack || error.message, 4)}`);
  });
  page.on("requestfailed", (request) => {
    if (ignored(request.url())) {
      return;
    }
    const failure = request.failure();
    problems.push(`request failed: ${request.url()} (${failure ? failure.errorText : "?"})`);
  });
  page.on("response", (response) => {
    const status = response.status();
    if (status >= 400 && !ignored(response.url()) && !(allow404 && response.url().includes(allow404))) {
      problems.push(`HTTP ${status}: ${response.url()}`);
    }
  });
  return problems;
}

async function open(context, url, options = {}) {
  const page = await context.newPage();
  const problems = watch(page, options.allow404);
  const response = await page.goto(url, { waitUntil: "networkidle", timeout: 60000 });
  return { page, problems, response };
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function runAxe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(
    (tags) =>
      window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    AXE_TAGS
  );
}

function describeViolations(violations) {
  const lines = [];
  for (const violation of violations) {
    lines.push(
      `[${violation.impact || "?"}] ${violation.id}: ${violation.help} (${violation.nodes.length} element${violation.nodes.length === 1 ? "" : "s"})`
    );
    lines.push(`  ${violation.helpUrl}`);
    for (const node of violation.nodes.slice(0, verbose ? 50 : 5)) {
      lines.push(`  - at ${node.target.join(" > ")}`);
      lines.push(`    ${truncate(node.html.replace(/\s+/g, " "), 160)}`);
      const summary = (node.failureSummary || "").split("\n").filter((line) => line.trim());
      for (const line of summary.slice(0, 4)) {
        lines.push(`    ${line.trim()}`);
      }
    }
    if (!verbose && violation.nodes.length > 5) {
      lines.push(`  … and ${violation.nodes.length - 5} more (--verbose lists all)`);
    }
  }
  return lines.join("\n");
}

function truncate(text, length) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}

/** Number of canvas pixels that differ from its top-left pixel, and a rough hash. */
async function canvasInk(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById("graph-canvas");
    if (!canvas || !canvas.width || !canvas.height) {
      return { ink: 0, hash: 0 };
    }
    const context = canvas.getContext("2d");
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const [r, g, b, a] = [data[0], data[1], data[2], data[3]];
    let ink = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== r || data[i + 1] !== g || data[i + 2] !== b || data[i + 3] !== a) {
        ink++;
        hash = (hash * 31 + i + data[i] + data[i + 1] * 7 + data[i + 2] * 13) | 0;
      }
    }
    return { ink, hash };
  });
}

// ---- The browser checks ----

async function browserChecks(base) {
  const { chromium } = await import("playwright-core");
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const index = readJson("search-index.json", []);
    const kinds = kindIndexPaths();
    const entries = entrySample(index);
    const comparison = index
      .filter((item) => item.k === "comparison")
      .map((item) => item.u)
      .sort((a, b) => fileSize(b) - fileSize(a))[0];
    const tag = firstTagPath();

    const samples = [
      ["home", ""],
      ...kinds.map((kind) => [`kind index ${kind}`, kind]),
      ...entries.map((entry) => [`entry ${entry}`, entry]),
      ...(comparison ? [["comparison " + comparison, comparison]] : []),
      ["comparisons index", "comparisons/"],
      ["timeline", "timeline/"],
      ...(kinds.length && existsSync(path.join(siteDir, kinds[0], "timeline", "index.html"))
        ? [[`kind timeline ${kinds[0]}timeline/`, `${kinds[0]}timeline/`]]
        : []),
      // Present when the site was built with a small page_size (.ci/run builds one so).
      ...(kinds.length && existsSync(path.join(siteDir, kinds[0], "page", "2", "index.html"))
        ? [[`kind index page 2 ${kinds[0]}page/2/`, `${kinds[0]}page/2/`]]
        : []),
      ...(existsSync(path.join(siteDir, "timeline", "page", "2", "index.html"))
        ? [["timeline page 2", "timeline/page/2/"]]
        : []),
      ["graph", "graph/"],
      ["search", "search/?q=a"],
      ["tags", "tags/"],
      ...(tag ? [[`tag page ${tag}`, tag]] : []),
      ["404", "no-such-page/", "no-such-page"],
    ];
    if (!comparison) {
      fail("sample: a comparison page", "search-index.json lists no entry of kind comparison");
    }
    if (entries.length < ENTRY_SAMPLE) {
      fail("sample: 5 entry pages", `only ${entries.length} entries found in search-index.json`);
    }

    // Accessibility and console errors, per theme.
    const themes = [
      { name: "light", colorScheme: "light" },
      { name: "dark", colorScheme: "dark" },
    ];
    for (const theme of themes) {
      const context = await browser.newContext({ colorScheme: theme.colorScheme });
      for (const [name, relative, allow404] of samples) {
        await check(`axe + console [${theme.name}] ${name}`, async () => {
          const { page, problems, response } = await open(context, base + relative, { allow404 });
          try {
            if (!allow404 && response && response.status() >= 400) {
              problems.unshift(`page answered HTTP ${response.status()}`);
            }
            const scheme = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
            if (!String(scheme).includes(theme.name)) {
              problems.push(`expected color-scheme ${theme.name}, page has "${scheme}" (is style.css loaded?)`);
            }
            const axe = await runAxe(page);
            const report = [];
            if (axe.violations.length) {
              report.push(describeViolations(axe.violations));
            }
            report.push(...problems);
            return report.join("\n");
          } finally {
            await page.close();
          }
        });
      }
      await context.close();
    }

    // The theme forced against the system preference (data-theme on <html>).
    for (const [scheme, forced] of [
      ["light", "dark"],
      ["dark", "light"],
    ]) {
      const context = await browser.newContext({ colorScheme: scheme });
      await context.addInitScript((theme) => {
        try {
          window.localStorage.setItem("lode-theme", theme);
        } catch {
          // storage off
        }
      }, forced);
      for (const [name, relative] of [
        ["home", ""],
        ...(entries[0] ? [[`entry ${entries[0]}`, entries[0]]] : []),
        ...(comparison ? [["comparison " + comparison, comparison]] : []),
      ]) {
        await check(`axe [${forced} forced on a ${scheme} system] ${name}`, async () => {
          const { page, problems } = await open(context, base + relative);
          try {
            const state = await page.evaluate(() => ({
              theme: document.documentElement.getAttribute("data-theme"),
              scheme: getComputedStyle(document.documentElement).colorScheme,
            }));
            if (state.theme !== forced || !String(state.scheme).includes(forced)) {
              problems.push(`expected the ${forced} theme, got data-theme=${state.theme}, color-scheme=${state.scheme}`);
            }
            const axe = await runAxe(page);
            return [axe.violations.length ? describeViolations(axe.violations) : "", ...problems]
              .filter(Boolean)
              .join("\n");
          } finally {
            await page.close();
          }
        });
      }
      await context.close();
    }

    const context = await browser.newContext({ colorScheme: "light" });

    await check("theme toggle", async () => {
      const { page, problems } = await open(context, base);
      try {
        const button = page.locator("#theme-toggle");
        assert(await button.isVisible(), "#theme-toggle is not shown");
        assert((await button.getAttribute("aria-pressed")) === "false", "aria-pressed should start false on a light system");
        const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const before = await background();
        const textBefore = await button.textContent();
        await button.click();
        assert((await page.getAttribute("html", "data-theme")) === "dark", "no data-theme=dark after a click");
        assert((await button.getAttribute("aria-pressed")) === "true", "aria-pressed not true after a click");
        assert((await button.textContent()) !== textBefore, "the button text did not change");
        const after = await background();
        assert(before !== after, `the page background did not change (${before})`);
        await page.reload({ waitUntil: "networkidle" });
        assert((await page.getAttribute("html", "data-theme")) === "dark", "the choice was not remembered after a reload");
        await page.locator("#theme-toggle").press("Enter");
        assert((await page.getAttribute("html", "data-theme")) === "light", "Enter did not switch back to light");
        return problems.join("\n");
      } finally {
        await page.close();
      }
    });
    await context.clearCookies();
    await context.close();

    const context2 = await browser.newContext({ colorScheme: "light" });

    await check("skip link is the first stop and shows on focus", async () => {
      const { page, problems } = await open(context2, base);
      try {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const element = document.activeElement;
          const box = element.getBoundingClientRect();
          return { cls: element.className, top: box.top, bottom: box.bottom, height: box.height };
        });
        assert(focused.cls.includes("skip"), `first Tab focused "${focused.cls}", not the skip link`);
        assert(focused.top >= 0 && focused.height > 0, `the focused skip link is off screen (top ${focused.top})`);
        return problems.join("\n");
      } finally {
        await page.close();
      }
    });

    await check("search: typing shows ranked results", async () => {
      const { page, problems } = await open(context2, base + "search/");
      try {
        const input = page.locator("#search-input");
        await input.pressSequentially("rus", { delay: 30 });
        await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 5000 });
        const first = await page.locator("#search-results li a").first().textContent();
        assert(/rus/i.test(first), `first result "${first}" does not contain "rus"`);
        const status = await page.locator("#search-status").textContent();
        assert(/\d+ results?/.test(status), `status line says "${status}"`);
        const href = await page.locator("#search-results li a").first().getAttribute("href");
        const target = await page.request.get(new URL(href, page.url()).toString());
        assert(target.ok(), `first result links to ${href}, which answers ${target.status()}`);
        await input.fill("zzzqqqxxx");
        await page.waitForFunction(() => /no results/i.test(document.getElementById("search-status").textContent), null, { timeout: 5000 });
        assert((await page.locator("#search-results li").count()) === 0, "results shown for nonsense");
        return problems.join("\n");
      } finally {
        await page.close();
      }
    });

    await check("search: header quick search opens results", async () => {
      const { page, problems } = await open(context2, base + (entries[0] || ""));
      try {
        await page.locator("#quick-search-input").fill("rus");
        await Promise.all([page.waitForURL(/search\/\?q=rus/), page.locator("#quick-search-input").press("Enter")]);
        await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 5000 });
        assert((await page.locator("#search-input").inputValue()) === "rus", "the search box was not filled from ?q=");
        return problems.join("\n");
      } finally {
        await page.close();
      }
    });

    await check("sortable table: click and Enter sort rows", async () => {
      const table = kinds.find((kind) => (readFileSync(path.join(siteDir, kind, "index.html"), "utf8").match(/<tr><th scope="row">/g) || []).length >= 2);
      assert(table, "no kind index with two or more rows");
      const { page, problems } = await open(context2, base + table);
      try {
        const names = () => page.locator("table.sortable tbody tr > :first-child").allTextContents();
        const original = await names();
        const button = page.locator("table.sortable thead th").first().locator("button");
        assert((await button.count()) === 1, "the first header has no sort button");
        await button.click();
        assert((await page.getAttribute("table.sortable thead th >> nth=0", "aria-sort")) === "ascending", "aria-sort is not ascending after one click");
        const ascending = await names();
        const expected = [...original].sort((a, b) => a.trim().localeCompare(b.trim(), undefined, { numeric: true, sensitivity: "base" }));
        assert(JSON.stringify(ascending.map((s) => s.trim())) === JSON.stringify(expected.map((s) => s.trim())), `rows not in ascending order: ${ascending.slice(0, 5).join(" | ")}`);
        await button.focus();
        await page.keyboard.press("Enter");
        assert((await page.getAttribute("table.sortable thead th >> nth=0", "aria-sort")) === "descending", "aria-sort is not descending after Enter");
        const descending = await names();
        assert(JSON.stringify(descending) === JSON.stringify([...ascending].reverse()), "descending order is not the reverse of ascending");
        assert(JSON.stringify(descending) !== JSON.stringify(ascending), "the order did not change");
        return problems.join("\n");
      } finally {
        await page.close();
      }
    });

    await check("sortable table: numbers sort as numbers", async () => {
      // The first kind index with a column of numbers (zero-padded sort keys of quantities).
      for (const kind of kinds) {
        const { page, problems } = await open(context2, base + kind);
        try {
          const column = await page.evaluate(() => {
            const table = document.querySelector("table.sortable");
            if (!table || !table.tBodies[0]) {
              return -1;
            }
            const header = table.tHead.rows[0].cells;
            for (let column = 1; column < header.length; column++) {
              const keys = [...table.tBodies[0].rows].map((row) => row.cells[column] && row.cells[column].getAttribute("data-sort")).filter(Boolean);
              if (keys.length >= 3 && new Set(keys).size >= 3 && keys.every((key) => /^-?\d+(\.\d+)?$/.test(key))) {
                return column;
              }
            }
            return -1;
          });
          if (column < 0) {
            continue;
          }
          const keysOf = () => page.evaluate((c) => [...document.querySelector("table.sortable").tBodies[0].rows].map((row) => row.cells[c].getAttribute("data-sort")), column);
          const button = page.locator(`table.sortable thead th >> nth=${column}`).locator("button");
          for (const direction of ["ascending", "descending"]) {
            await button.click();
            const keys = await keysOf();
            const numbers = keys.filter(Boolean).map(Number);
            for (let i = 1; i < numbers.length; i++) {
              const ordered = direction === "ascending" ? numbers[i - 1] <= numbers[i] : numbers[i - 1] >= numbers[i];
              assert(ordered, `${kind} column ${column} not ${direction}: ${numbers.join(", ")}`);
            }
            const firstEmpty = keys.indexOf("");
            assert(firstEmpty < 0 || keys.slice(firstEmpty).every((key) => key === ""), `${kind}: empty cells are not last when ${direction}`);
          }
          const sorted = await page.locator("table.sortable thead th[aria-sort]").count();
          assert(sorted === 1, `${sorted} headers carry aria-sort; one expected`);
          return problems.join("\n");
        } finally {
          await page.close();
        }
      }
      return "no kind index has a column of numbers with three or more distinct values to sort";
    });

    if (comparison) {
      await check("sortable table: comparison headers keep their links", async () => {
        const { page, problems } = await open(context2, base + comparison);
        try {
          const nested = await page.locator("table.sortable thead button a, table.sortable thead a button").count();
          assert(nested === 0, "a link sits inside a sort button (or the reverse)");
          const buttons = await page.locator("table.sortable thead th button").count();
          const headers = await page.locator("table.sortable thead th").count();
          assert(buttons === headers, `${buttons} sort buttons for ${headers} headers`);
          return problems.join("\n");
        } finally {
          await page.close();
        }
      });
    }

    await check("timeline filters", async () => {
      const { page, problems } = await open(context2, base + "timeline/");
      try {
        assert(await page.locator("#timeline-filters").isVisible(), "#timeline-filters is still hidden");
        const total = await page.locator("li.event").count();
        assert(total > 0, "no events on the timeline");
        const visible = () => page.locator("li.event:not([hidden])").count();
        assert((await visible()) === total, "events hidden before any filter");
        const options = await page.locator("#filter-kind option").evaluateAll((list) => list.map((option) => option.value).filter(Boolean));
        let narrowed = false;
        for (const kind of options) {
          await page.selectOption("#filter-kind", kind);
          const shown = await visible();
          const wrong = await page.locator("li.event:not([hidden])").evaluateAll((list, k) => list.filter((li) => !(li.dataset.kinds || "").split(" ").includes(k)).length, kind);
          assert(wrong === 0, `kind ${kind}: ${wrong} shown events do not involve that kind`);
          const emptyYears = await page.locator("section.year:not([hidden])").evaluateAll((list) => list.filter((section) => !section.querySelector("li.event:not([hidden])")).length);
          assert(emptyYears === 0, `kind ${kind}: ${emptyYears} empty year sections still shown`);
          const emptyMonths = await page.locator("section.year:not([hidden]) .month:not([hidden])").evaluateAll((list) => list.filter((heading) => {
            const events = heading.nextElementSibling;
            return !events || !events.querySelector("li.event:not([hidden])");
          }).length);
          assert(emptyMonths === 0, `kind ${kind}: ${emptyMonths} month headings shown without events`);
          const count = await page.locator("#timeline-filters [role=status]").textContent();
          assert(count.includes(String(shown)), `kind ${kind}: the count says "${count}", ${shown} shown`);
          if (shown > 0 && shown < total) {
            narrowed = true;
            break;
          }
        }
        assert(narrowed || options.length <= 1, "no kind filter narrowed the timeline");
        await page.selectOption("#filter-kind", "");
        const id = await page.locator("li.event").first().getAttribute("data-ids");
        const first = (id || "").split(" ")[0];
        if (first) {
          await page.fill("#filter-entity", first);
          await page.waitForFunction((n) => document.querySelectorAll("li.event:not([hidden])").length < n || document.querySelectorAll("li.event:not([hidden])").length > 0, total);
          await page.waitForTimeout(300);
          const wrong = await page.locator("li.event:not([hidden])").evaluateAll((list, x) => list.filter((li) => !(li.dataset.ids || "").split(" ").some((token) => token.startsWith(x))).length, first);
          assert(wrong === 0, `id ${first}: ${wrong} shown events do not involve it`);
          assert((await visible()) > 0, `id ${first}: nothing shown`);
        }
        await page.locator("#timeline-filters .filter-reset").click();
        assert((await visible()) === total, "Show all did not bring every event back");
        return problems.join("\n");
      } finally {
        await page.close();
      }
    });

    await check("graph: canvas drawn, search focuses a node", async () => {
      const { page, problems } = await open(context2, base + "graph/");
      try {
        await page.waitForFunction(() => !!document.querySelector(".graph-zoom"), null, { timeout: 10000 });
        await page.waitForTimeout(500);
        const before = await canvasInk(page);
        assert(before.ink > 200, `the canvas looks blank (${before.ink} drawn pixels)`);
        // Any entry's title will do (a large site lists kinds, not entries, on this page).
        const title = (index.find((item) => item.k !== "page") || index[0] || { t: "" }).t;
        await page.locator("#graph-search").fill(title.slice(0, Math.min(6, title.length)));
        await page.waitForFunction(() => /Showing/.test((document.querySelector(".graph-status") || {}).textContent || ""), null, { timeout: 5000 });
        await page.waitForTimeout(700); // the view animates to the match
        const after = await canvasInk(page);
        assert(after.hash !== before.hash, "the canvas did not change after the search");
        const status = await page.locator(".graph-status").textContent();
        return problems.concat(verbose ? [`status: ${status}`] : []).filter((line) => !line.startsWith("status")).join("\n");
      } finally {
        await page.close();
      }
    });

    await check("narrow screen (375px): no sideways scrolling", async () => {
      const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, colorScheme: "light" });
      const wide = [];
      try {
        for (const relative of ["", ...entries.slice(0, 2), ...(kinds[0] ? [kinds[0]] : []), ...(comparison ? [comparison] : []), "timeline/", "graph/"]) {
          const { page, problems } = await open(phone, base + relative);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 1) {
            const culprits = await page.evaluate(() => {
              const width = document.documentElement.clientWidth;
              // The innermost elements that stick out; those outside scroll boxes first.
              const wide = [...document.querySelectorAll("body *")].filter((element) => element.getBoundingClientRect().right > width + 1);
              const leaves = wide.filter((element) => !wide.some((other) => other !== element && element.contains(other)));
              const scrolled = (element) => !!element.closest(".table-wrap, pre");
              return [...leaves.filter((element) => !scrolled(element)), ...leaves.filter(scrolled)]
                .slice(0, 3)
                .map((element) => {
                  const name = element.getAttribute("class");
                  const parent = element.parentElement ? element.parentElement.tagName.toLowerCase() + " > " : "";
                  return parent + element.tagName.toLowerCase() + (name ? "." + name.trim().split(/\s+/).join(".") : "");
                });
            });
            wide.push(`/${relative}: ${overflow}px too wide (${culprits.join(", ")})`);
          }
          wide.push(...problems);
          await page.close();
        }
      } finally {
        await phone.close();
      }
      return wide.join("\n");
    });

    await check("JavaScript off: content is all there", async () => {
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await noScript.newPage();
        await page.goto(base + "timeline/");
        const total = await page.locator("li.event").count();
        const shown = await page.locator("li.event:visible").count();
        assert(shown === total, `${shown} of ${total} events visible without JavaScript`);
        assert(!(await page.locator("#timeline-filters").isVisible()), "the filters show without JavaScript (they cannot work)");
        await page.goto(base + "search/");
        // A small site lists every entry; a large one links each kind's index with its count
        // (and lists the few top-level pages): either way every entry is reachable.
        const listed = await page.locator(".entry-list li").count();
        const counts = await page.locator(".tag-cloud .count").allTextContents();
        const inKinds = counts.reduce((sum, text) => sum + Number(text), 0);
        assert(listed + inKinds === index.length, `the search page reaches ${listed} + ${inKinds} entries, the index has ${index.length}`);
        assert(!(await page.locator("#theme-toggle").isVisible()), "the theme button shows without JavaScript");
        await page.close();
      } finally {
        await noScript.close();
      }
    });

    await context2.close();
  } finally {
    await browser.close();
  }
}

// ---- W3C Nu checker ----

function countHtmlFiles(dir) {
  let count = 0;
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, dirent.name);
    if (dirent.isDirectory()) {
      count += countHtmlFiles(full);
    } else if (dirent.name.endsWith(".html")) {
      count++;
    }
  }
  return count;
}

function runVnu() {
  const jar = path.join(here, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  return check(`W3C Nu checker: all ${countHtmlFiles(siteDir)} .html files`, () => {
    assert(existsSync(jar), `${jar} is missing; run npm ci --prefix tests/browser`);
    return new Promise((resolve, reject) => {
      const child = spawn("java", ["-jar", jar, "--errors-only", "--skip-non-html", siteDir], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("error", (error) => reject(new Error(`cannot run java: ${error.message}`)));
      child.on("close", (code) => {
        const lines = output.split("\n").filter((line) => line.trim());
        if (code === 0 && !lines.some((line) => /error/i.test(line))) {
          resolve("");
          return;
        }
        // "file:/…/x/index.html":12.3-12.40: error: message
        const byFile = new Map();
        const other = [];
        for (const line of lines) {
          const match = line.match(/^"file:(.*?)":(\S*): (error|info warning|warning|fatal)?:?\s*(.*)$/);
          if (match) {
            const file = path.relative(siteDir, match[1]);
            if (!byFile.has(file)) {
              byFile.set(file, []);
            }
            byFile.get(file).push(`${match[2]} ${match[4]}`);
          } else {
            other.push(line);
          }
        }
        const report = [];
        const errors = [...byFile.values()].reduce((sum, list) => sum + list.length, 0);
        report.push(`${errors} error(s) in ${byFile.size} file(s) (vnu exit code ${code})`);
        let shownFiles = 0;
        for (const [file, list] of byFile) {
          if (!verbose && shownFiles >= 15) {
            report.push(`… and ${byFile.size - shownFiles} more files (--verbose lists all)`);
            break;
          }
          shownFiles++;
          report.push(`${file}:`);
          for (const message of list.slice(0, verbose ? list.length : 5)) {
            report.push(`  ${message}`);
          }
          if (!verbose && list.length > 5) {
            report.push(`  … and ${list.length - 5} more`);
          }
        }
        report.push(...other.slice(0, 20));
        resolve(report.join("\n"));
      });
    });
  });
}

// ---- Main ----

async function main() {
  const mount = detectMount();
  const server = await startServer(mount);
  const base = `http://127.0.0.1:${server.address().port}${mount}`;
  console.log(`serving ${siteDir} at ${base}`);
  try {
    if (!flags.has("--skip-browser")) {
      await browserChecks(base);
    }
  } catch (error) {
    fail("browser checks", error && error.stack ? firstLines(error.stack, 8) : String(error));
  } finally {
    server.close();
  }
  if (!flags.has("--skip-vnu")) {
    await runVnu();
  }
  console.log("");
  if (results.failures.length) {
    console.log("Failed:");
    for (const name of results.failures) {
      console.log(`  ${name}`);
    }
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed ? 1 : 0;
}

main();
