#!/usr/bin/env python3
"""Writes BENCHMARKS.md and Benchmarks/plot.svg from the JSON results of run.sh.

    report.py RESULTS_DIR OUT_MD OUT_SVG

RESULTS_DIR holds reseau-SCALE.json (reseau-bench), peers-SCALE.json (peers/peers.py) and
params-SCALE.json for the generator's own data shape, the same files named reseau-chunglu-SCALE.json…
for the Chung–Lu shape, and machine.json (run.sh). Both shapes are reported side by side. Benchmarks/analysis.md is appended verbatim (the explanations of gaps
and the profile, which numbers alone do not give).
"""
import json
import math
import os
import sys

SCALES = ["S", "M", "L"]
SHAPES = [("gen", ""), ("chunglu", "chunglu-")]
SHAPE_LABEL = {"gen": "gen", "chunglu": "Chung–Lu"}
PEERS = ["duckdb", "sqlite", "kuzu", "igraph", "networkx"]
COLORS = {"reseau": "#d62728", "duckdb": "#1f77b4", "sqlite": "#7f7f7f", "kuzu": "#2ca02c",
          "igraph": "#9467bd", "networkx": "#ff7f0e"}
WORKLOADS = [
    ("W1", "load the CSV files"),
    ("W1s", "load from the snapshot cache"),
    ("mem", "memory after load (MiB)"),
    ("W2", "cities of one country above a population, top 10"),
    ("W3", "funding per funder in one year, top 10"),
    ("W4", "distinct cities within 2 twinning hops of the biggest hub"),
    ("W5a", "shortest twinning path, cities 4 hops apart"),
    ("W5b", "shortest twinning path, cities 8 hops apart"),
    ("W6", "twinnings between Michelin cities of different countries"),
    ("W6m", "W6 asked as a graph pattern (match); peers: same as W6"),
]


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as fh:
        return json.load(fh)


def value(r, w):
    """Median ms of workload w (or MiB for 'mem') in one engine's result, or None."""
    if r is None or r.get("unavailable"):
        return None
    if w == "mem":
        m = r.get("memory_bytes")
        return None if m is None else m / 2**20
    t = r.get("timings", {}).get(w)
    if t is None and w == "W6m" and r.get("engine") != "reseau":
        t = r.get("timings", {}).get("W6")  # peers answer W6 one way; W6m is Reseau's pattern form
    return None if t is None else t["median_ms"]


def fmt(v, unit="ms"):
    if v is None:
        return "—"
    if unit == "MiB":
        return f"{v:,.0f}" if v >= 10 else f"{v:.1f}"
    if v >= 1000:
        return f"{v / 1000:,.2f} s"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    s = f"{r:.2f}" if 0.01 <= r < 10 else f"{r:.0f}" if r >= 10 else f"{r:.1g}" if r > 0 else "0"
    return f"**{s}**" if r <= 1 else s


def main():
    d, out_md, out_svg = sys.argv[1], sys.argv[2], sys.argv[3]
    here = os.path.dirname(os.path.abspath(__file__))
    machine = load(d, "machine.json") or {}
    res = {(sh, s): load(d, f"reseau-{pre}{s}.json") for sh, pre in SHAPES for s in SCALES}
    peers = {(sh, s): load(d, f"peers-{pre}{s}.json") for sh, pre in SHAPES for s in SCALES}
    params = {(sh, s): load(d, f"params-{pre}{s}.json") for sh, pre in SHAPES for s in SCALES}
    scales = [s for s in SCALES if any(res[(sh, s)] for sh, _ in SHAPES)]
    shapes = [sh for sh, _ in SHAPES if any(res[(sh, s)] for s in SCALES)]

    def eng(s, e, sh="gen"):
        if e == "reseau":
            return res[(sh, s)]
        return (peers[(sh, s)] or {}).get("peers", {}).get(e)

    def col(e, sh):
        return f"{e} · {SHAPE_LABEL[sh]}"

    L = []
    L.append("# Benchmarks\n")
    L.append("**This file is rewritten by one command, from the repository's root: `Benchmarks/run.sh S M L`** "
             "(every data shape, every peer, every scale; see Reproduce for subsets). Do not edit it by hand: "
             "the explanations come from `Benchmarks/analysis.md`, appended verbatim.\n")
    runs = machine.get("runs", {})
    if runs:
        L.append("The numbers below come from: " + "; ".join(f"{k}: `{v}`" for k, v in sorted(runs.items())) + ".\n")
    L.append("How fast Reseau loads and answers at three sizes of two synthetic networks of different shapes, next to the "
             "engines a user would reach for instead (DuckDB, SQLite, Kuzu, igraph, networkx), on the same files, in the "
             "same run. Every peer's answer is checked against Reseau's (a mismatch fails the run).\n")
    L.append("## Reproduce\n")
    L.append("```sh\nBenchmarks/run.sh S M L     # or any subset; S M is the default\n"
             "SHAPES=chunglu PEERS_L=duckdb,igraph Benchmarks/run.sh M L   # one shape; fewer peers at L\n```\n")
    L.append("It builds `Benchmarks/` in release mode, generates each scale of each data shape with `reseau-gen` "
             "(`--shape gen --seed 42` and `--shape chunglu --seed 26`) into "
             "`$BENCH_DATA` (default `/tmp/reseau-bench`), runs `reseau-bench` (Reseau in-process) and "
             "`peers/peers.py` (each peer in a fresh Python process), then rewrites this file and "
             "[`Benchmarks/plot.svg`](Benchmarks/plot.svg) from `Benchmarks/results/*.json`. "
             "`python3 Benchmarks/report.py Benchmarks/results BENCHMARKS.md Benchmarks/plot.svg` rewrites them from "
             "the committed results alone. Peers are installed with `pip install duckdb kuzu igraph networkx` and "
             "`apt-get install -y sqlite3`; one that cannot be imported is recorded as unavailable.\n")

    L.append("## The machine\n")
    for k in ["date", "cpu", "cores", "memory", "os", "swift", "python", "peers", "load"]:
        if k in machine:
            L.append(f"- {k}: {machine[k]}")
    # `load` is /proc/loadavg at the end of the last run: above the core count, other work shared the machine.
    try:
        load1, cores = float(str(machine.get("load", "0")).split()[0]), int(machine.get("cores", 2))
    except ValueError:
        load1, cores = 0.0, 2
    busy = ("shared with other work (the 1-minute load was above the core count)" if load1 > cores
            else "nothing else ran during the run (the 1-minute load was below the core count)")
    L.append(f"- {busy}; `load` is /proc/loadavg at the end of the last run. Medians of several runs after a warm-up; "
             "ratios come from one run, so Reseau and the peers saw the same machine within minutes.\n")

    L.append("## Data\n")
    L.append("Two data shapes, each written by `reseau-gen --scale S|M|L --shape gen|chunglu --seed N --out DIR` as the "
             "13 files of `Data/` with the exact headers (the bench and the peers read both the same way). "
             "S: 10 000 cities, 30 000 twinnings, 2 000 projects, 50 000 fundings (plus 500 orgs, 100 events, "
             "1 000 visits, memberships, partnerships, hostings, attendances, claims); M = 10× S; L = 100× S. "
             "Cities: 40 countries with Zipf-like sizes, Pareto populations, ~4 % Michelin cities.\n")
    L.append("- **gen** (seed 42): twinning endpoints drawn with probability ∝ a Pareto weight capped at 5 000 (half the "
             "pairs inside one country); funders of Zipf-like sizes (∝ 1 / rank), log-normal amounts in whole euros "
             "over 2005–2024, years uniform.")
    L.append("- **Chung–Lu** (seed 26, `--shape chunglu`): a Chung–Lu random graph, city i with expected degree "
             "∝ (i + 1)^(−1/1.6), i.e. a power-law degree tail of exponent 2.6, expected degrees capped at 2 000 twins "
             "(several hubs reach the cap at L) and dealt to the cities in a random order, no country locality; "
             "each funder's weight a Pareto draw (tail index 0.9: a handful of funders hold most rows), "
             "Pareto-tailed amounts (from 1 000 €, index 1.6, at most 20 M€), later years more frequent. "
             "Its own random sequence: no draw is shared with gen.\n")
    L.append("Both write `bench-params.json`: the biggest hub (the lowest-numbered city of the maximum degree — Reseau "
             "and every peer start W4 there) and pairs of cities at breadth-first distance 4 and 8.\n")
    L.append("| shape | scale | cities | twinnings | fundings | biggest hub | cities without twins | with ≤ 5 twins | 1 % biggest funders' rows | generation |")
    L.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for sh, pre in SHAPES:
        for s in scales:
            p = params[(sh, s)]
            if not p:
                continue
            g = machine.get("generation", {}).get(pre + s, "")
            share = p.get("top_funder_share")
            L.append(f"| {SHAPE_LABEL[sh]} | {s} | {p.get('cities', ''):,} | {p.get('twinnings', ''):,} | {p.get('fundings', ''):,} | "
                     f"{p.get('hub', {}).get('name', '')} ({p.get('hub', {}).get('degree', '')} twins) | "
                     f"{p.get('degree', {}).get('isolated_cities', ''):,} | {p.get('degree', {}).get('cities_with_at_most_5', ''):,} | "
                     f"{'—' if share is None else f'{share * 100:.0f} %'} | {g} |")
    L.append("")

    L.append("## Workloads\n")
    q = (res[("gen", scales[0])] or res[(shapes[0], scales[0])]).get("queries", {}) if scales else {}
    L.append("| | what | Reseau (S parameters) |")
    L.append("|---|---|---|")
    L.append("| W0 | the whole process on the bundled network | `reseau -e 'cities \\| count'` |")
    L.append("| W1 | load the 13 CSV files | `Loader.load(FolderSource(dir))` |")
    L.append("| W1s | load the same files again, from the snapshot cache | `CachedLoader.load(folder:)` (second run) |")
    L.append("| mem | resident memory after load, minus before | `/proc/self/statm` |")
    for w, what in WORKLOADS[3:]:
        L.append(f"| {w} | {what} | `{q.get(w, '').replace('|', chr(92) + '|')}` |")
    L.append("")
    L.append("Peers: DuckDB and SQLite run the same questions in SQL (W4 as a 2-hop self-join, W5 as a recursive "
             "breadth-first query bounded at depth 8), Kuzu in Cypher (`[:Twin*1..2]`, `[:Twin* SHORTEST 1..8]`), "
             "igraph with `neighborhood(order=2)` and `get_shortest_path`, networkx with "
             "`single_source_shortest_path_length(cutoff=2)` and `bidirectional_shortest_path`; W2 and W6 in igraph and "
             "networkx are Python over the vertex attributes; they hold no fundings, so W3 is not run there. "
             "What each peer loads: " + "; ".join(
                 f"{e}: {((eng(scales[-1], e, shapes[0]) or eng(scales[0], e, shapes[0]) or {}).get('info') or {}).get('loaded', '—')}" for e in PEERS) + ". "
             "SQLite's W1 is the `sqlite3` CLI importing into a database file; its memory is the page cache of the "
             "Python process after one scan, not the database (which stays on disk).\n")

    L.append("## Results\n")
    L.append("Medians in milliseconds (memory in MiB), both data shapes side by side: `gen` is the generator's own "
             "network, `Chung–Lu` the power-law one. The ratio tables give Reseau ÷ peer on the same shape, from the same "
             "run: below 1 (bold) Reseau is faster or smaller.\n")
    for s in scales:
        L.append(f"### Scale {s}\n")
        cols = [(e, sh) for e in ["reseau"] + PEERS for sh in shapes]
        L.append("| | " + " | ".join(col(e, sh) for e, sh in cols) + " |")
        L.append("|---|" + "--:|" * len(cols))
        for w, what in WORKLOADS:
            unit = "MiB" if w == "mem" else "ms"
            L.append(f"| {w} | " + " | ".join(fmt(value(eng(s, e, sh), w), unit) for e, sh in cols) + " |")
        L.append("")
        L.append(f"Reseau ÷ peer at {s}, each shape against the same shape:\n")
        rcols = [(e, sh) for e in PEERS for sh in shapes]
        L.append("| | " + " | ".join(col(e, sh) for e, sh in rcols) + " |")
        L.append("|---|" + "--:|" * len(rcols))
        for w, _ in WORKLOADS:
            L.append(f"| {w} | " + " | ".join(ratio(value(res[(sh, s)], w), value(eng(s, e, sh), w)) for e, sh in rcols) + " |")
        L.append("")
        notes = []
        for sh in shapes:
            if not res[(sh, s)]:
                notes.append(f"{SHAPE_LABEL[sh]}: not run at {s}.")
                continue
            unav = [f"{e}: {eng(s, e, sh).get('unavailable')}" for e in PEERS if eng(s, e, sh) and eng(s, e, sh).get("unavailable")]
            absent = [e for e in PEERS if not eng(s, e, sh)]
            errs = [f"{e} {w}: {m}" for e in PEERS if eng(s, e, sh) for w, m in (eng(s, e, sh).get("errors") or {}).items()]
            checked = sum(len((eng(s, e, sh) or {}).get("checked", {})) for e in PEERS)
            mism = (peers[(sh, s)] or {}).get("mismatches", [])
            line = f"{SHAPE_LABEL[sh]}: answers compared with Reseau's: {checked}, mismatches: {len(mism)}."
            if absent:
                line += " Not run at this scale: " + ", ".join(absent) + "."
            if unav or errs:
                line += " Not measured: " + "; ".join(unav + errs) + "."
            notes.append(line)
        L.append("\n".join(f"- {n}" for n in notes) + "\n")

    # W0
    w0 = load(d, "w0.json") or {}
    L.append("### W0: a whole process\n")
    L.append("Timed by `w0.py`: fork+exec from Python, output read to the end, medians of 40 runs after 2 warm-ups, "
             "the same harness for every command.\n")
    L.append("| command | median ms |")
    L.append("|---|--:|")
    if w0.get("reseau"):
        L.append(f"| `reseau -e 'cities \\| count'` | {fmt(w0['reseau']['median_ms'])} |")
    else:
        L.append(f"| `reseau -e 'cities \\| count'` | not measured: {w0.get('reseau_note', 'no binary given (SKIP_CLI)')} |")
    if w0.get("reseau_e0"):
        L.append(f"| `reseau-e0 'cities \\| count'` (stand-in: ReseauCore loads the bundled network, runs the query, prints a table) | {fmt(w0['reseau_e0']['median_ms'])} |")
    if w0.get("sqlite_select1"):
        L.append(f"| `sqlite3 :memory: 'select 1'` | {fmt(w0['sqlite_select1']['median_ms'])} |")
    if w0.get("sqlite_count"):
        L.append(f"| `sqlite3 bundled.db 'select count(*) from cities'` | {fmt(w0['sqlite_count']['median_ms'])} |")
    if w0.get("true"):
        L.append(f"| `/bin/true` (the harness itself) | {fmt(w0['true']['median_ms'])} |")
    L.append("")

    # growth
    L.append("## Growth from S to M to L\n")
    L.append("Each cell: the factor from one scale to the next (the data grows 10× each step). "
             "Linear is 10; below is better than linear.\n")
    cols = [(e, sh) for e in ["reseau"] + PEERS for sh in shapes]
    L.append("| | " + " | ".join(col(e, sh) for e, sh in cols) + " |")
    L.append("|---|" + "--:|" * len(cols))
    for w, _ in WORKLOADS:
        cells = []
        for e, sh in cols:
            vs = [value(eng(s, e, sh), w) for s in scales]
            parts = []
            for a, b in zip(vs, vs[1:]):
                parts.append("—" if a is None or b is None or a == 0 else f"×{b / a:.1f}")
            cells.append(" → ".join(parts) if parts else "—")
        L.append(f"| {w} | " + " | ".join(cells) + " |")
    L.append("")
    L.append("![time against scale](Benchmarks/plot.svg)\n")

    # targets
    L.append("## Targets\n")
    top = scales[-1] if scales else None
    L.append(f"The targets are set at L. Measured here at **{top}**" + ("" if top == "L" else " (L was not run in this pass)") +
             ", on each data shape against the same shape.\n")
    L.append("The reference is measured in the same run; the issue's figures (measured beforehand at L on its own "
             "data) are given for comparison. A ratio over 1 is the factor by which Reseau misses.\n")
    L.append("| target | shape | Reseau | reference (this run) | issue's figure at L | met |")
    L.append("|---|---|--:|--:|--:|:-:|")
    issue = {"W1s": "0.21–0.28 s", "W1": "2.1–2.8 s", "mem": "~570 MB → 342", "W2": "14–15", "W3": "21–25", "W6": "35–49", "W4": "9–11",
             "W5a": "0.1–0.35", "W5b": "0.1–0.35", "W0": "2× (3–4)"}

    def tgt(name, sh, a, b, factor=1.0, unit="ms", ref_label="", key=""):
        if a is None or b is None:
            L.append(f"| {name} | {sh} | {fmt(a, unit)} | {fmt(b, unit)} {ref_label} | {issue.get(key, '')} | — |")
            return
        ok = a <= b * factor
        gap = "" if ok else f" ({a / (b * factor):.1f}× over)"
        L.append(f"| {name} | {sh} | {fmt(a, unit)} | {fmt(b * factor, unit)} {ref_label} | {issue.get(key, '')} | {'yes' if ok else 'no' + gap} |")
    if top:
        for sh in shapes:
            r = res[(sh, top)]
            if not r:
                continue
            lab = SHAPE_LABEL[sh]
            duck = eng(top, "duckdb", sh)
            tgt("W1 load from CSV ≤ DuckDB", lab, value(r, "W1"), value(duck, "W1"), ref_label="(DuckDB)", key="W1")
            # Issue 14 item 3: ≤ 5 % of DuckDB's CSV load (an earlier issue asked 10 %).
            tgt("W1 load from the snapshot ≤ 5 % of DuckDB's", lab, value(r, "W1s"), (value(duck, "W1") or 0) * 0.05 or None, ref_label="(5 % of DuckDB's load)", key="W1s")
            tgt("memory ≤ 60 % of DuckDB's", lab, value(r, "mem"), value(duck, "mem"), 0.6, "MiB", "(60 % of DuckDB)", key="mem")
            for w in ["W2", "W3", "W6"]:
                tgt(f"{w} ≤ DuckDB", lab, value(r, w), value(duck, w), ref_label="(DuckDB)", key=w)
            tgt("W6m ≤ DuckDB's W6", lab, value(r, "W6m"), value(duck, "W6"), ref_label="(DuckDB)", key="W6")
            tgt("W4 ≤ igraph", lab, value(r, "W4"), value(eng(top, "igraph", sh), "W4"), ref_label="(igraph)", key="W4")
            for w in ["W5a", "W5b"]:
                tgt(f"{w} ≤ networkx (bidirectional)", lab, value(r, w), value(eng(top, "networkx", sh), w), ref_label="(networkx)", key=w)
        sel1 = w0.get("sqlite_select1")
        w0r = w0.get("reseau")
        w0c = w0.get("reseau_e0")
        if w0r:
            tgt("W0 ≤ 2× sqlite3 CLI cold start", "bundled", w0r["median_ms"], sel1["median_ms"] if sel1 else None, 2.0, ref_label="(2× sqlite3)", key="W0")
        else:
            L.append(f"| W0 ≤ 2× sqlite3 CLI cold start | bundled | not measured: {w0.get('reseau_note', 'no binary given (SKIP_CLI)')} | "
                     f"{fmt(2 * sel1['median_ms']) if sel1 else '—'} (2× sqlite3) | 2× (3–4) | — |")
        if w0c:
            tgt("W0 stand-in (reseau-e0) ≤ 2× sqlite3", "bundled", w0c["median_ms"], sel1["median_ms"] if sel1 else None, 2.0, ref_label="(2× sqlite3)", key="W0")
        if len(scales) >= 2:
            for sh in shapes:
                worst = []
                for w, _ in WORKLOADS:
                    vs = [value(res[(sh, s)], w) for s in scales]
                    fs = [b / a for a, b in zip(vs, vs[1:]) if a and b]
                    if fs:
                        worst.append((max(fs), w))
                bad = [f"{w} ×{f:.1f}" for f, w in sorted(worst, reverse=True) if f > 12]
                L.append(f"| growth linear or better (≤ ×10 per 10× data, ×12 allowed for noise) | {SHAPE_LABEL[sh]} | "
                         f"{', '.join(bad) if bad else 'all ≤ ×12'} | ×10 | linear | {'yes' if not bad else 'no'} |")
    L.append("")

    an = os.path.join(here, "analysis.md")
    if os.path.exists(an):
        with open(an) as fh:
            L.append(fh.read().rstrip() + "\n")

    with open(out_md, "w") as fh:
        fh.write("\n".join(L))
    plot(out_svg, scales, shapes, eng, value)


def plot(path, scales, shapes, eng, value):
    """Small multiples, log–log: one panel per workload, time (or MiB) against scale."""
    panels = [w for w, _ in WORKLOADS]
    titles = dict(WORKLOADS)
    engines = ["reseau"] + PEERS
    pw, ph, cols = 300, 220, 4
    rows = math.ceil(len(panels) / cols)
    W, H = cols * pw + 20, rows * ph + 70
    xs = {"S": 1, "M": 10, "L": 100}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">Reseau and peers: median time against scale '
           f'(log–log; S = 10k cities, M = 100k, L = 1M; solid: gen, dashed: Chung–Lu)</text>']
    # legend
    lx = 10
    for e in engines:
        out.append(f'<line x1="{lx}" y1="38" x2="{lx + 20}" y2="38" stroke="{COLORS[e]}" stroke-width="{3 if e == "reseau" else 2}"/>')
        out.append(f'<text x="{lx + 24}" y="42">{e}</text>')
        lx += 100
    for k, w in enumerate(panels):
        ox, oy = 10 + (k % cols) * pw, 55 + (k // cols) * ph
        x0, x1, y0, y1 = ox + 50, ox + pw - 15, oy + ph - 30, oy + 25
        series = {}
        for e in engines:
            for sh in shapes:
                pts = [(xs[s], value(eng(s, e, sh), w)) for s in scales]
                pts = [(x, v) for x, v in pts if v is not None and v > 0]
                if pts:
                    series[(e, sh)] = pts
        out.append(f'<text x="{ox + 10}" y="{oy + 14}" font-weight="bold">{w}</text>'
                   f'<text x="{ox + 45}" y="{oy + 14}">{titles[w][:44]}</text>')
        out.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" fill="none" stroke="#ccc"/>')
        if not series:
            continue
        vals = [v for pts in series.values() for _, v in pts]
        lo, hi = math.floor(math.log10(min(vals))), math.ceil(math.log10(max(vals)))
        if hi == lo:
            hi += 1
        xmax = max(xs[s] for s in scales)

        def X(x):
            return x0 + (x1 - x0) * (math.log10(x) / math.log10(xmax) if xmax > 1 else 0.5)

        def Y(v):
            return y0 - (y0 - y1) * (math.log10(v) - lo) / (hi - lo)
        for e_ in range(lo, hi + 1):
            y = Y(10 ** e_)
            label = ("MiB " if w == "mem" else "") + (f"{10 ** e_:g}" if -3 <= e_ < 4 else f"1e{e_}")
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{label}</text>')
        for s in scales:
            x = X(xs[s])
            out.append(f'<text x="{x:.1f}" y="{y0 + 14}" text-anchor="middle" fill="#555">{s}</text>')
        for (e, sh), pts in series.items():
            d = " ".join(f"{'M' if i == 0 else 'L'}{X(x):.1f},{Y(v):.1f}" for i, (x, v) in enumerate(pts))
            sw = 3 if e == "reseau" else 1.6
            dash = ' stroke-dasharray="5,3"' if sh != "gen" else ""
            out.append(f'<path d="{d}" fill="none" stroke="{COLORS[e]}" stroke-width="{sw}"{dash}/>')
            for x, v in pts:
                out.append(f'<circle cx="{X(x):.1f}" cy="{Y(v):.1f}" r="2.5" fill="{COLORS[e]}"/>')
    out.append("</svg>")
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
