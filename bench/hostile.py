#!/usr/bin/env python3
"""bench/hostile.py — pathological inputs, timed: no input may stall a build.

    bench/hostile.py                     # every case, target/release/lode
    LODE=path bench/hostile.py           # another binary (e.g. an older build, to compare)
    bench/hostile.py long-title headings # chosen cases

Each case is a small knowledge base (generated under target/bench/hostile/<case>/, a few MB at
most) with one pathological entry next to an ordinary one; `lode build` runs on it once under
/usr/bin/time -v. Prints a Markdown table: wall seconds, peak RSS, exit code, output size and
the first diagnostic line. Cases whose name ends in `-unlimited` raise every `limits:` that
would stop them, to time the work itself (e.g. the mention matcher on a 300 KB title);
`-size-raised` raises only `entry_file_size`, so the limit behind it acts.
bench/run calls this after its own table (HOSTILE=0 skips it).
"""

import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LODE = os.environ.get("LODE", os.path.join(ROOT, "target/release/lode"))
BENCH_DIR = os.path.join(os.environ.get("BENCH_DIR", os.path.join(ROOT, "target/bench")), "hostile")
TIMEOUT = int(os.environ.get("TIMEOUT", "600"))

SCHEMA = "---\ntitle: Notes\nkind: note\n---\nNotes.\n"
ORDINARY = "---\ntitle: Ordinary entry\n---\nIt mentions nothing in particular.\n"
UNLIMITED = (
    "limits:\n  entry_file_size: 1000000000\n  name_length: 100000000\n"
    "  tags_per_entry: 100000000\n  yaml_depth: 100000\n"
    "  highlighted_code_block_size: 1000000000\n"
)

# Only the file size raised: the limit behind it (tags, highlighting) is the one that acts.
SIZE_ONLY = "limits:\n  entry_file_size: 100000000\n"


def long_title():
    return "---\ntitle: " + "a" * 300_000 + "\n---\nA body naming aaaa and aaaaaaaa.\n"


def headings():
    return "---\ntitle: Headings\n---\n" + "## Same\n\ntext\n\n" * 20_000


def tags():
    return "---\ntitle: Tags\ntags: [" + ", ".join(f"t{i}" for i in range(200_000)) + "]\n---\nBody.\n"


def big_entry():
    paragraph = "Some words about rare earths, *emphasis*, `code` and a [link](https://example.org/).\n\n"
    return "---\ntitle: Big\n---\n" + paragraph * (20 * 1024 * 1024 // len(paragraph))


def alias_bomb():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join(f"*{previous}" for _ in range(9)) + "]")
    return "---\ntitle: Bomb\n" + "\n".join(lines) + "\n---\nBody.\n"


def deep_yaml():
    return "---\ntitle: Deep\nx: " + "[" * 10_000 + "]" * 10_000 + "\n---\nBody.\n"


def deep_quotes():
    return "---\ntitle: Quotes\n---\n" + ">" * 10_000 + " deep\n"


def deep_brackets():
    return "---\ntitle: Brackets\n---\n" + "[" * 10_000 + "x\n"


def big_code():
    line = "let value = vec![1, 2, 3]; // a comment with \"a string\"\n"
    return "---\ntitle: Code\n---\n```rust\n" + line * (2 * 1024 * 1024 // len(line)) + "```\n"


CASES = {
    "long-title": (long_title, ""),
    "long-title-unlimited": (long_title, UNLIMITED),
    "headings": (headings, ""),
    "tags": (tags, ""),
    "tags-size-raised": (tags, SIZE_ONLY),
    "tags-unlimited": (tags, UNLIMITED),
    "big-entry": (big_entry, ""),
    "big-entry-unlimited": (big_entry, UNLIMITED),
    "alias-bomb": (alias_bomb, ""),
    "deep-yaml": (deep_yaml, ""),
    "deep-quotes": (deep_quotes, ""),
    "deep-brackets": (deep_brackets, ""),
    "big-code": (big_code, ""),
    "big-code-size-raised": (big_code, SIZE_ONLY),
    "big-code-unlimited": (big_code, UNLIMITED),
}


def generate(case):
    make, limits = CASES[case]
    folder = os.path.join(BENCH_DIR, case)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "content/notes"))
    with open(os.path.join(folder, "lode.yaml"), "w") as file:
        file.write(f"title: {case}\n{limits}")
    with open(os.path.join(folder, "content/notes/_index.md"), "w") as file:
        file.write(SCHEMA)
    with open(os.path.join(folder, "content/notes/ordinary.md"), "w") as file:
        file.write(ORDINARY)
    with open(os.path.join(folder, "content/notes/hostile.md"), "w") as file:
        file.write(make())
    return folder


def folder_size(folder):
    total = 0
    for parent, _, names in os.walk(folder):
        total += sum(os.path.getsize(os.path.join(parent, name)) for name in names)
    return total


def measure(case):
    folder = generate(case)
    output = os.path.join(folder, "public")
    command = ["/usr/bin/time", "-v", LODE, "build", "--root", folder, "--output", output]
    start = time.monotonic()
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, errors="replace")
    except subprocess.TimeoutExpired:
        return (case, f">{TIMEOUT}", "?", "timeout", "?", "")
    seconds = time.monotonic() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    rss_mb = f"{int(rss.group(1)) / 1024:.0f}" if rss else "?"
    exit_code = re.search(r"Exit status: (\d+)", run.stderr)
    first = next(
        (line.strip() for line in (run.stdout + run.stderr).splitlines() if line.startswith(("error", "warning"))),
        "",
    )
    size = f"{folder_size(output) / 1024 / 1024:.1f}" if os.path.isdir(output) else "0"
    return (case, f"{seconds:.2f}", rss_mb, exit_code.group(1) if exit_code else "?", size, first[:110])


def main():
    if not os.path.exists(LODE):
        sys.exit(f"no lode binary at {LODE}: run `cargo build --release` or set LODE")
    cases = sys.argv[1:] or list(CASES)
    unknown = [case for case in cases if case not in CASES]
    if unknown:
        sys.exit(f"unknown cases: {', '.join(unknown)}; known: {', '.join(CASES)}")
    print("| case | seconds | peak RSS (MB) | exit | output (MB) | first diagnostic |")
    print("| --- | --- | --- | --- | --- | --- |")
    for case in cases:
        row = measure(case)
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
