#!/usr/bin/env python3
"""Edit-to-reload latency of `lode serve` (see BENCHMARKS.md).

    bench/serve_latency.py LODE KB [EDITS] [--memory-edits N]

Starts `LODE serve --root KB --port 0`, follows the reload channel (server-sent events), and
for each kind of edit (an entry's body, an entry's title, a new entry) saves the file EDITS
times, measuring from the save to the `reload` event. Prints the median and the spread of each,
the rebuild lines `lode serve` printed, and with --memory-edits N the server's resident memory
after the first build and after N further body edits. The knowledge base is edited in place:
run it on a generated copy (bench/run does).
"""
import http.client, os, re, statistics, subprocess, sys, threading, time, queue, glob

def main():
    args = sys.argv[1:]
    memory_edits = 0
    if "--memory-edits" in args:
        i = args.index("--memory-edits")
        memory_edits = int(args[i + 1])
        del args[i:i + 2]
    lode, kb = args[0], args[1]
    edits = int(args[2]) if len(args) > 2 else 15
    server = subprocess.Popen([lode, "serve", "--root", kb, "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in server.stdout],
                     daemon=True).start()
    first = lines.get(timeout=60)
    match = re.match(r"serving at http://([^:/]+):(\d+)/", first)
    if not match:
        sys.exit(f"unexpected first line: {first}")
    host, port = match.group(1), int(match.group(2))
    built = lines.get(timeout=600)
    print(f"first build: {built}")
    events = queue.Queue()
    def follow():
        conn = http.client.HTTPConnection(host, port)
        conn.request("GET", "/__lode/events")
        response = conn.getresponse()
        kind = None
        while True:
            line = response.readline()
            if not line:
                return
            line = line.decode().strip()
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                events.put((time.monotonic(), kind, line[5:].strip()))
    threading.Thread(target=follow, daemon=True).start()
    events.get(timeout=30)  # the current state, sent at once
    entries = sorted(glob.glob(os.path.join(kb, "content", "countries", "*.md")))
    if not entries:
        entries = sorted(p for p in glob.glob(os.path.join(kb, "content", "*", "*.md"))
                         if not p.endswith("_index.md"))
    def wait_reload(saved):
        while True:
            at, kind, data = events.get(timeout=120)
            if kind == "reload":
                return (at - saved) * 1000
            if kind == "diagnostics":
                sys.exit(f"the edit broke the build: {data[:300]}")
    def rebuild_line():
        line = lines.get(timeout=120)
        return line
    def measure(name, edit):
        times, reported = [], []
        for n in range(edits):
            time.sleep(0.3)
            saved = edit(n)
            times.append(wait_reload(saved))
            reported.append(rebuild_line())
        times.sort()
        print(f"{name}: median {statistics.median(times):.0f} ms "
              f"(min {times[0]:.0f}, max {times[-1]:.0f}, {edits} edits)")
        print(f"  last: {reported[-1]}")
    target = entries[len(entries) // 2]
    original = open(target, encoding="utf-8").read()
    def body_edit(n):
        with open(target, "w", encoding="utf-8") as f:
            f.write(original + f"\nEdited body, take {n}.\n")
        return time.monotonic()
    def title_edit(n):
        # The old title stays as an alias, so links that name the entry by title still resolve
        # (a contributor renaming an entry would do the same, or fix the links).
        old_title = re.search(r"^title: (.*)$", original, flags=re.M).group(1)
        text = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)} (take {n})", original,
                      count=1, flags=re.M)
        if re.search(r"^aliases: \[", text, flags=re.M):
            text = re.sub(r"^aliases: \[", f"aliases: [{old_title}, ", text, count=1, flags=re.M)
        else:
            text = re.sub(r"^(title: .*)$", lambda m: f"{m.group(1)}\naliases: [{old_title}]",
                          text, count=1, flags=re.M)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
        return time.monotonic()
    folder = os.path.dirname(target)
    def new_entry(n):
        text = re.sub(r"^title: (.*)$", f"title: Benchmark entry {n}", original, count=1,
                      flags=re.M)
        text = re.sub(r"^id: .*\n", "", text, flags=re.M)
        with open(os.path.join(folder, f"zz-bench-{n}.md"), "w", encoding="utf-8") as f:
            f.write(text)
        return time.monotonic()
    try:
        measure("body edit", body_edit)
        measure("title edit", title_edit)
        measure("new entry", new_entry)
        if memory_edits:
            with open(target, "w", encoding="utf-8") as f:
                f.write(original)
            wait_reload(time.monotonic()); rebuild_line()
            before = rss(server.pid)
            for n in range(memory_edits):
                body_edit(n)
                wait_reload(0); rebuild_line()
            after = rss(server.pid)
            print(f"memory: {before / 1024:.0f} MB after the first edits, "
                  f"{after / 1024:.0f} MB after {memory_edits} more body edits "
                  f"({(after - before) * 100 / before:+.1f} %)")
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        for path in glob.glob(os.path.join(folder, "zz-bench-*.md")):
            os.remove(path)
        server.terminate()
        server.wait(timeout=30)

def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

main()
