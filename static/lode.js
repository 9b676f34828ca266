/*
 * lode: small enhancements for every page. Plain JavaScript, no libraries, no build step.
 *
 * Every page works without this file; each feature below runs only when its elements are on
 * the page:
 *   - the theme button (#theme-toggle): light or dark, remembered in localStorage;
 *   - sortable tables (table.sortable): click or press Enter on a column header;
 *   - search (#search-input, #search-results, #search-status): ranked results from
 *     search-index.json, also for ?q= from the header's quick search;
 *   - timeline filters (#timeline-filters): by kind, tag and entry id.
 */
(function () {
  "use strict";

  var THEME_KEY = "lode-theme";

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  function init() {
    var features = [initTheme, initSortableTables, initSearch, initTimelineFilters];
    for (var i = 0; i < features.length; i++) {
      try {
        features[i]();
      } catch (error) {
        // One broken feature must not stop the others; the page still works without them.
        if (window.console && console.warn) {
          console.warn("lode: " + (error && error.message ? error.message : error));
        }
      }
    }
  }

  // ---- Theme ----

  function readStoredTheme() {
    try {
      var value = window.localStorage.getItem(THEME_KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch (error) {
      return null; // storage disabled
    }
  }

  function storeTheme(theme) {
    try {
      window.localStorage.setItem(THEME_KEY, theme);
    } catch (error) {
      // Storage disabled: the choice lasts for this page only.
    }
  }

  function systemPrefersDark() {
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  /** The theme in effect: the page's data-theme, else the system's preference. */
  function currentTheme() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set === "light" || set === "dark") {
      return set;
    }
    return systemPrefersDark() ? "dark" : "light";
  }

  function initTheme() {
    var root = document.documentElement;
    var stored = readStoredTheme();
    if (stored) {
      root.setAttribute("data-theme", stored);
    }
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    var update = function () {
      var dark = currentTheme() === "dark";
      button.textContent = dark ? "Dark theme: on" : "Dark theme: off";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
    };
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      storeTheme(next);
      update();
    });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) {
        query.addEventListener("change", update);
      } else if (query.addListener) {
        query.addListener(update);
      }
    }
    // Another tab changed the theme.
    window.addEventListener("storage", function (event) {
      if (event.key === THEME_KEY) {
        var theme = readStoredTheme();
        if (theme) {
          root.setAttribute("data-theme", theme);
        } else {
          root.removeAttribute("data-theme");
        }
        update();
      }
    });
    update();
    button.hidden = false;
  }

  // ---- Sortable tables ----

  var NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

  function sortKey(cell) {
    if (!cell) {
      return "";
    }
    var key = cell.getAttribute("data-sort");
    if (key === null) {
      key = cell.textContent;
    }
    return key.replace(/\s+/g, " ").trim();
  }

  var collator =
    typeof Intl !== "undefined" && Intl.Collator
      ? new Intl.Collator(document.documentElement.lang || undefined, {
          numeric: true,
          sensitivity: "base",
        })
      : null;

  /** Compares two keys: numbers as numbers, text in natural order; empty keys go last. */
  function compareKeys(a, b, direction) {
    if (a === "" || b === "") {
      return a === b ? 0 : a === "" ? 1 : -1;
    }
    var result;
    if (NUMBER.test(a) && NUMBER.test(b)) {
      result = parseFloat(a) - parseFloat(b);
    } else if (collator) {
      result = collator.compare(a, b);
    } else {
      result = a < b ? -1 : a > b ? 1 : 0;
    }
    return direction === "descending" ? -result : result;
  }

  function initSortableTables() {
    var tables = document.querySelectorAll("table.sortable");
    for (var i = 0; i < tables.length; i++) {
      makeSortable(tables[i]);
    }
  }

  function makeSortable(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body || !head.rows.length) {
      return;
    }
    var headers = head.rows[head.rows.length - 1].cells;
    for (var i = 0; i < headers.length; i++) {
      var th = headers[i];
      if (th.tagName !== "TH" || th.colSpan > 1 || th.querySelector("button")) {
        continue;
      }
      var button = document.createElement("button");
      button.type = "button";
      if (th.querySelector("a, button, input, select, textarea")) {
        // A header that holds a link (an entry's name) keeps it, with a small sort button
        // beside it: a link may not sit inside a button.
        var label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = "Sort by " + th.textContent.replace(/\s+/g, " ").trim();
        button.className = "sort-only";
        button.appendChild(label);
        th.appendChild(document.createTextNode(" "));
        th.appendChild(button);
      } else {
        while (th.firstChild) {
          button.appendChild(th.firstChild);
        }
        th.appendChild(button);
      }
      button.addEventListener("click", onSortClick);
    }

    function onSortClick(event) {
      var th = event.currentTarget.parentNode;
      var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      sortBy(th.cellIndex, direction);
      for (var k = 0; k < headers.length; k++) {
        if (headers[k] === th) {
          headers[k].setAttribute("aria-sort", direction);
        } else {
          headers[k].removeAttribute("aria-sort");
        }
      }
    }

    function sortBy(column, direction) {
      var rows = Array.prototype.slice.call(body.rows);
      var keyed = rows.map(function (row, index) {
        return { row: row, key: sortKey(row.cells[column]), index: index };
      });
      keyed.sort(function (x, y) {
        return compareKeys(x.key, y.key, direction) || x.index - y.index;
      });
      var fragment = document.createDocumentFragment();
      keyed.forEach(function (item) {
        fragment.appendChild(item.row);
      });
      body.appendChild(fragment);
    }
  }

  // ---- Search ----

  var MAX_RESULTS = 50;
  var SEARCH_DELAY = 150;

  /** Lower case, accents removed, so "Sao" finds "São". */
  function fold(text) {
    text = String(text || "").toLowerCase();
    if (text.normalize) {
      text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return text;
  }

  function prepareIndex(items) {
    var prepared = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (!item || typeof item.t !== "string" || typeof item.u !== "string") {
        continue;
      }
      var aliases = Array.isArray(item.a) ? item.a : [];
      var tags = Array.isArray(item.g) ? item.g : [];
      prepared.push({
        item: item,
        title: fold(item.t),
        aliases: aliases.map(fold),
        tags: tags.map(fold),
        summary: fold(item.s),
      });
    }
    return prepared;
  }

  /** Rank of one entry for a query (lower is better), or -1 when it does not match. */
  function rank(entry, query, words) {
    if (entry.title.indexOf(query) === 0) {
      return 0;
    }
    if (entry.title.indexOf(query) > 0) {
      return 1;
    }
    var i;
    for (i = 0; i < entry.aliases.length; i++) {
      if (entry.aliases[i].indexOf(query) >= 0) {
        return 2;
      }
    }
    for (i = 0; i < entry.tags.length; i++) {
      if (entry.tags[i].indexOf(query) >= 0) {
        return 3;
      }
    }
    if (entry.summary.indexOf(query) >= 0) {
      return 4;
    }
    // Several words in any order, anywhere.
    if (words.length > 1) {
      var all = [entry.title, entry.summary].concat(entry.aliases, entry.tags).join(" ");
      for (i = 0; i < words.length; i++) {
        if (all.indexOf(words[i]) < 0) {
          return -1;
        }
      }
      return 5;
    }
    return -1;
  }

  function searchIndex(index, rawQuery) {
    var query = fold(rawQuery).replace(/\s+/g, " ").trim();
    if (!query) {
      return [];
    }
    var words = query.split(" ");
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var score = rank(index[i], query, words);
      if (score >= 0) {
        hits.push({ entry: index[i], score: score });
      }
    }
    hits.sort(function (a, b) {
      return (
        a.score - b.score ||
        a.entry.title.length - b.entry.title.length ||
        (a.entry.title < b.entry.title ? -1 : a.entry.title > b.entry.title ? 1 : 0)
      );
    });
    return hits;
  }

  function initSearch() {
    var input = document.getElementById("search-input");
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !results || !status) {
      return;
    }
    var form = input.form;
    var index = null;
    var timer = 0;

    var render = function () {
      var raw = input.value;
      if (!index) {
        return;
      }
      results.textContent = "";
      if (!raw.trim()) {
        status.textContent = "Type to search " + plural(index.length, "entry", "entries") + ".";
        return;
      }
      var hits = searchIndex(index, raw);
      var shown = hits.slice(0, MAX_RESULTS);
      var fragment = document.createDocumentFragment();
      shown.forEach(function (hit) {
        fragment.appendChild(resultItem(hit.entry.item));
      });
      results.appendChild(fragment);
      if (!hits.length) {
        status.textContent = "No results for \u201c" + raw.trim() + "\u201d.";
      } else if (hits.length > shown.length) {
        status.textContent =
          plural(hits.length, "result", "results") + ", showing the first " + shown.length + ".";
      } else {
        status.textContent = plural(hits.length, "result", "results");
      }
    };

    var updateUrl = function () {
      if (!window.history || !window.history.replaceState || !window.URL) {
        return;
      }
      try {
        var url = new URL(window.location.href);
        var value = input.value.trim();
        if (value) {
          url.searchParams.set("q", value);
        } else {
          url.searchParams.delete("q");
        }
        window.history.replaceState(null, "", url.toString());
      } catch (error) {
        // Some pages (file://) refuse URL changes; the results still show.
      }
    };

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        render();
        updateUrl();
      }, SEARCH_DELAY);
    });
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        render();
        updateUrl();
      });
    }

    var initial = queryParam("q");
    if (initial) {
      input.value = initial;
    }
    status.textContent = "Loading the search index\u2026";

    if (!window.fetch || window.location.protocol === "file:") {
      status.textContent = "Search needs the site to be served over http; every entry is listed below.";
      return;
    }
    window
      .fetch("../search-index.json")
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        index = prepareIndex(Array.isArray(data) ? data : []);
        render();
      })
      .catch(function () {
        status.textContent = "The search index could not be loaded; every entry is listed below.";
      });
  }

  function resultItem(item) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = "../" + item.u;
    link.textContent = item.t;
    li.appendChild(link);
    if (item.k) {
      var kind = document.createElement("span");
      kind.className = "result-kind kind-" + String(item.k).replace(/[^a-z0-9-]/gi, "-");
      kind.textContent = item.k;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
    }
    if (item.s) {
      var summary = document.createElement("span");
      summary.className = "result-summary";
      summary.textContent = item.s;
      li.appendChild(summary);
    }
    return li;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function queryParam(name) {
    try {
      return new URLSearchParams(window.location.search).get(name) || "";
    } catch (error) {
      return "";
    }
  }

  // ---- Timeline filters ----

  function initTimelineFilters() {
    var form = document.getElementById("timeline-filters");
    if (!form) {
      return;
    }
    var kindSelect = document.getElementById("filter-kind");
    var tagSelect = document.getElementById("filter-tag");
    var entityInput = document.getElementById("filter-entity");
    var events = Array.prototype.slice.call(document.querySelectorAll("li.event"));
    var years = Array.prototype.slice.call(document.querySelectorAll("section.year"));
    var lists = Array.prototype.slice.call(document.querySelectorAll("section.year ol.events"));
    if (!events.length) {
      return;
    }
    var tokens = function (element, name) {
      var value = element.getAttribute(name) || "";
      return value.split(/\s+/).filter(Boolean);
    };
    var data = events.map(function (li) {
      return {
        li: li,
        kinds: tokens(li, "data-kinds"),
        tags: tokens(li, "data-tags"),
        ids: tokens(li, "data-ids"),
      };
    });

    var count = document.createElement("p");
    count.className = "filter-count";
    count.setAttribute("role", "status");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "filter-reset";
    reset.textContent = "Show all";
    var fieldset = form.querySelector("fieldset") || form;
    fieldset.appendChild(reset);
    fieldset.appendChild(count);

    var apply = function () {
      var kind = kindSelect ? kindSelect.value : "";
      var tag = tagSelect ? tagSelect.value : "";
      var entity = entityInput ? fold(entityInput.value).trim() : "";
      var shown = 0;
      data.forEach(function (event) {
        var visible =
          (!kind || event.kinds.indexOf(kind) >= 0) &&
          (!tag || event.tags.indexOf(tag) >= 0) &&
          (!entity ||
            event.ids.some(function (id) {
              return id.indexOf(entity) === 0;
            }));
        event.li.hidden = !visible;
        if (visible) {
          shown++;
        }
      });
      // A list (one month, or the events dated only to the year) with nothing left to show
      // is hidden with its month heading, and a year with nothing left with its heading.
      lists.forEach(function (list) {
        var empty = !list.querySelector("li.event:not([hidden])");
        list.hidden = empty;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("month")) {
          heading.hidden = empty;
        }
      });
      years.forEach(function (section) {
        section.hidden = !section.querySelector("li.event:not([hidden])");
      });
      var filtered = !!(kind || tag || entity);
      reset.hidden = !filtered;
      count.textContent = filtered
        ? "Showing " + shown + " of " + plural(data.length, "event", "events") + "."
        : "Showing all " + plural(data.length, "event", "events") + ".";
    };

    var setFromUrl = function (select, name) {
      var value = queryParam(name);
      if (!select || !value) {
        return;
      }
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) {
          select.value = value;
        }
      }
    };
    setFromUrl(kindSelect, "kind");
    setFromUrl(tagSelect, "tag");
    if (entityInput && queryParam("id")) {
      entityInput.value = queryParam("id");
    }

    var timer = 0;
    form.addEventListener("change", apply);
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 120);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
    reset.addEventListener("click", function () {
      if (kindSelect) {
        kindSelect.value = "";
      }
      if (tagSelect) {
        tagSelect.value = "";
      }
      if (entityInput) {
        entityInput.value = "";
      }
      apply();
      (kindSelect || entityInput || form).focus();
    });
    apply();
    form.hidden = false;
  }
})();
