#!/usr/bin/env python3
"""Independent sanity check of a knowledge base written by `examples/synth.rs`.

    bench/check_synth.py KB_DIR [HUGO_DIR]

Validates every entry against the schemas in KB_DIR/content/*/_index.md the way
CONTRIBUTING.md describes them (required fields, types, enum values, patterns, units per
dimension, EDTF dates, refs to existing ids of the right kind, events, sources), checks that ids
and titles are unique, that every [[wikilink]] outside code resolves (by id, title, alias or
section/id) and that every [[id#anchor]] names a heading of the target. With HUGO_DIR it also
checks that the Hugo copy has the same pages and that its /section/id/ links resolve.

It does not replace `lode check`; it exists so the generator can be tested while lode is being
written. Needs PyYAML (python3-yaml). Exit status 0 when no problem was found, 1 otherwise.
"""

import datetime
import os
import re
import sys
from collections import Counter

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check_synth.py needs PyYAML (apt-get install python3-yaml)")

UNITS = {
    "mass": {"g", "kg", "t", "kt", "Mt", "oz"},
    "money": {"USD", "k USD", "M USD", "B USD"},
    "ratio": {"%"},
    "price": {"USD/kg", "USD/t", "USD/mtu", "USD/oz", "USD/lb"},
}
BUILTINS = {"title", "id", "aliases", "summary", "tags", "date", "updated", "draft", "sources", "events"}
ID_RE = re.compile(r"^[a-z0-9-]+$")
DAY = r"\d{4}(-\d{2}(-\d{2})?)?"
EDTF_RE = re.compile(rf"^({DAY}[~?]?|{DAY}/{DAY})$")
WIKILINK_RE = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]*))?\]\]")
MDLINK_RE = re.compile(r"\]\((/[^)#]*/)(?:#([^)]*))?\)")
FENCE_RE = re.compile(r"^```.*?^```", re.S | re.M)
CODESPAN_RE = re.compile(r"`[^`\n]*`")

problems = []


def problem(path, msg):
    problems.append(f"{path}: {msg}")


def split(path):
    text = open(path, encoding="utf-8").read()
    if not text.startswith("---\n"):
        problem(path, "no front matter")
        return {}, text
    fm, _, body = text[4:].partition("\n---\n")
    try:
        data = yaml.safe_load(fm) or {}
    except yaml.YAMLError as e:
        problem(path, f"YAML: {e}")
        data = {}
    return data, body


def as_text(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return str(v)


def check_date(path, key, v):
    if not EDTF_RE.match(as_text(v)):
        problem(path, f"{key}: not an EDTF date: {v!r}")


def check_quantity(path, key, v, dim):
    if isinstance(v, str):
        num, _, unit = v.partition(" ")
        try:
            float(num)
        except ValueError:
            problem(path, f"{key}: bad quantity {v!r}")
        if unit not in UNITS[dim]:
            problem(path, f"{key}: unit {unit!r} not in {dim}")
    elif isinstance(v, dict):
        if not isinstance(v.get("value"), (int, float)):
            problem(path, f"{key}: value not a number: {v!r}")
        if v.get("unit") not in UNITS[dim]:
            problem(path, f"{key}: unit {v.get('unit')!r} not in {dim}")
    else:
        problem(path, f"{key}: bad quantity {v!r}")


class Index:
    def __init__(self):
        self.by_id = {}  # id -> (kind, section, title)
        self.by_name = {}  # lowercase title/alias -> id
        self.headings = {}  # id -> set of heading slugs
        self.titles = Counter()


def slug(text):
    return "-".join(text.lower().split())


def headings_of(body):
    body = FENCE_RE.sub("", body)
    return {slug(m.group(2)) for m in re.finditer(r"^(##|###) (.+)$", body, re.M)}


def load(root):
    content = os.path.join(root, "content")
    schemas = {}
    for section in sorted(os.listdir(content)):
        idx = os.path.join(content, section, "_index.md")
        if os.path.isfile(idx):
            data, _ = split(idx)
            schemas[section] = data
    entries = []
    for section in sorted(os.listdir(content)):
        d = os.path.join(content, section)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".md") and name != "_index.md":
                path = os.path.join(d, name)
                data, body = split(path)
                entries.append((section, name[:-3], path, data, body))
    return schemas, entries


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    root = sys.argv[1]
    schemas, entries = load(root)
    kind_of_section = {s: d.get("kind") for s, d in schemas.items()}
    kind_of_section["comparisons"] = "comparison"
    ix = Index()
    for section, stem, path, data, body in entries:
        eid = as_text(data.get("id", stem))
        if not ID_RE.match(eid):
            problem(path, f"bad id {eid!r}")
        if eid in ix.by_id:
            problem(path, f"duplicate id {eid!r}")
        title = data.get("title")
        if not isinstance(title, str) or not title:
            problem(path, "missing title")
            continue
        ix.by_id[eid] = (kind_of_section[section], section, title)
        for name in [title] + list(data.get("aliases") or []):
            key = name.lower()
            if key in ix.by_name and ix.by_name[key] != eid:
                problem(path, f"name {name!r} also used by {ix.by_name[key]}")
            ix.by_name[key] = eid
        ix.headings[eid] = headings_of(body)
    for key, eid in list(ix.by_name.items()):
        if key in ix.by_id and key != eid:
            problem(eid, f"title/alias {key!r} equals another entry's id")

    def check_ref(path, key, v, to):
        kinds = to if isinstance(to, list) else [to]
        target = ix.by_id.get(as_text(v))
        if target is None:
            problem(path, f"{key}: unknown id {v!r}")
        elif target[0] not in kinds:
            problem(path, f"{key}: {v!r} is a {target[0]}, not {kinds}")

    def check_value(path, key, spec, v):
        t = spec["type"]
        if t == "string":
            if not isinstance(v, str):
                problem(path, f"{key}: not a string: {v!r}")
            elif "pattern" in spec and not re.search(spec["pattern"], v):
                problem(path, f"{key}: {v!r} does not match {spec['pattern']}")
        elif t == "text":
            if not isinstance(v, str):
                problem(path, f"{key}: not text: {v!r}")
        elif t == "number":
            if not isinstance(v, (int, float)):
                problem(path, f"{key}: not a number: {v!r}")
        elif t == "quantity":
            check_quantity(path, key, v, spec["dimension"])
        elif t == "date":
            check_date(path, key, v)
        elif t == "enum":
            if v not in spec["values"]:
                problem(path, f"{key}: {v!r} not in {spec['values']}")
        elif t == "url":
            if not str(v).startswith("https://"):
                problem(path, f"{key}: not a url: {v!r}")
        elif t == "list":
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                problem(path, f"{key}: not a list of strings: {v!r}")
        elif t == "ref":
            check_ref(path, key, v, spec["to"])
        elif t == "refs":
            if not isinstance(v, list):
                problem(path, f"{key}: not a list: {v!r}")
            else:
                for x in v:
                    check_ref(path, key, x, spec["to"])
        else:
            problem(path, f"{key}: unknown type {t}")

    def resolve(target):
        if target in ix.by_id:
            return target
        if "/" in target:
            section, _, eid = target.partition("/")
            if eid in ix.by_id and ix.by_id[eid][1] == section:
                return eid
            return None
        return ix.by_name.get(target.lower())

    stats = Counter()
    words = []
    for section, stem, path, data, body in entries:
        kind = kind_of_section[section]
        if kind == "comparison":
            cmp_ = data.get("compare") or {}
            fields = schemas.get({v: k for k, v in kind_of_section.items()}.get(cmp_.get("kind"), ""), {})
            if "entries" in cmp_:
                for e in cmp_["entries"]:
                    if e not in ix.by_id:
                        problem(path, f"compare.entries: unknown {e!r}")
                fields = schemas["countries"]
            elif not fields:
                problem(path, f"compare.kind unknown: {cmp_.get('kind')!r}")
            for f in cmp_.get("fields", []) + cmp_.get("charts", []):
                if f not in (fields.get("fields") or {}):
                    problem(path, f"compare: no field {f!r}")
        else:
            spec = schemas[section]["fields"]
            for key, fs in spec.items():
                if fs.get("required") and key not in data:
                    problem(path, f"required field {key!r} missing")
            for key, v in data.items():
                if key in spec:
                    fs = spec[key]
                    if isinstance(v, list) and v and isinstance(v[0], dict) and "source" in v[0] and fs["type"] not in ("list",):
                        stats["claim lists"] += 1
                        for claim in v:
                            check_ref(path, key + ".source", claim.get("source"), "source")
                            if "as_of" in claim:
                                check_date(path, key + ".as_of", claim["as_of"])
                            val = claim.get("value")
                            if fs["type"] == "quantity":
                                check_quantity(path, key, {"value": val, "unit": claim.get("unit")}, fs["dimension"])
                            else:
                                check_value(path, key, fs, val)
                    else:
                        if fs["type"] == "quantity":
                            stats["bare quantities" if isinstance(v, str) else "map quantities"] += 1
                        if isinstance(v, dict) and "source" in v:
                            check_ref(path, key + ".source", v["source"], "source")
                        check_value(path, key, fs, v)
                elif key in ("date", "updated"):
                    check_date(path, key, v)
                elif key == "sources":
                    for s in v:
                        check_ref(path, "sources", s, "source")
                elif key == "tags":
                    if not all(isinstance(t, str) and t == t.lower() for t in v):
                        problem(path, f"tags not lowercase strings: {v!r}")
                elif key == "events":
                    for ev in v:
                        check_date(path, "events.date", ev.get("date"))
                        if not isinstance(ev.get("title"), str):
                            problem(path, f"events: no title: {ev!r}")
                        for r in ev.get("refs", []):
                            if r not in ix.by_id:
                                problem(path, f"events.refs: unknown {r!r}")
                        if "source" not in ev:
                            problem(path, "events: no source")
                        else:
                            check_ref(path, "events.source", ev["source"], "source")
                elif key not in BUILTINS:
                    problem(path, f"unknown field {key!r}")
        prose = CODESPAN_RE.sub("", FENCE_RE.sub("", body))
        stats["code blocks"] += len(FENCE_RE.findall(body))
        stats["entries with code"] += bool(FENCE_RE.search(body))
        stats["footnote entries"] += "[^1]:" in body
        links = WIKILINK_RE.findall(prose)
        if kind != "comparison":
            stats["links"] += len(links)
            if not 3 <= len(links) <= 10:
                problem(path, f"{len(links)} wikilinks (want 3-10)")
            words.append(len(re.findall(r"[A-Za-z]+", prose)))
        for target, _label in links:
            target, _, anchor = target.partition("#")
            eid = resolve(target)
            if eid is None:
                problem(path, f"wikilink to unknown {target!r}")
            elif anchor:
                stats["anchor links"] += 1
                if anchor not in ix.headings[eid]:
                    problem(path, f"[[{target}#{anchor}]]: no such heading")
    if len(sys.argv) == 3:
        hroot = sys.argv[2]
        for section, stem, path, data, body in entries:
            hpath = os.path.join(hroot, "content", section, stem + ".md")
            if not os.path.isfile(hpath):
                problem(hpath, "missing in the Hugo tree")
                continue
            hdata, hbody = split(hpath)
            if hdata.get("title") != data.get("title"):
                problem(hpath, "title differs")
            for url, anchor in MDLINK_RE.findall(CODESPAN_RE.sub("", FENCE_RE.sub("", hbody))):
                parts = url.strip("/").split("/")
                if len(parts) != 2 or parts[1] not in ix.by_id or ix.by_id[parts[1]][1] != parts[0]:
                    problem(hpath, f"link to unknown {url}")
                elif anchor and anchor not in ix.headings[parts[1]]:
                    problem(hpath, f"link to unknown heading {url}#{anchor}")
            stats["hugo pages"] += 1
    n = len(entries)
    print(f"{n} pages, {len(ix.by_id)} ids; " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items())))
    if words:
        words.sort()
        print(f"prose words per entry: min {words[0]}, median {words[len(words) // 2]}, max {words[-1]}")
    for p in problems[:50]:
        print("problem:", p)
    if problems:
        print(f"{len(problems)} problems")
        sys.exit(1)
    print("no problems found")


if __name__ == "__main__":
    main()
