#!/usr/bin/env python3
"""The Reseau workloads on the engines people would use instead, on the same generated files.

    peers.py --data DIR --reseau RESULTS.json --out PEERS.json [--runs N] [--peers duckdb,sqlite,...]

Each peer runs in a fresh Python process of its own (so that its memory after load is its own),
loads the CSV files the way a user of that tool would, then runs W2–W6 with medians of --runs runs
after one warm-up run. Every answer is compared with Reseau's answer from RESULTS.json (written by
reseau-bench on the same folder); a mismatch fails the whole run (exit status 1).

Peers: duckdb (in-process, all 13 files), sqlite (the sqlite3 CLI imports the 13 files into a
database file, queries run in-process through Python's sqlite3 module; cold start of the CLI),
kuzu (in-memory, the node and edge tables the workloads need), igraph and networkx (cities and
twinnings read with the csv module into a graph with city attributes).
A peer that cannot be imported is recorded as unavailable and the run goes on.
"""
import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

FILES = ["countries", "cities", "orgs", "projects", "events", "claims", "twinnings", "memberships",
         "partnerships", "fundings", "hostings", "attendances", "visits"]


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def stats(xs):
    return {"median_ms": median(xs), "min_ms": min(xs), "max_ms": max(xs), "runs": len(xs), "all_ms": xs}


def bench(fn, runs, budget):
    """One warm-up run, then up to `runs` timed runs within `budget` seconds (at least one)."""
    t = time.perf_counter()
    answer = fn()
    warm = time.perf_counter() - t
    n = runs if warm * runs <= budget else max(1, int(budget / max(warm, 1e-9)))
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t) * 1e3)
    return stats(xs), answer


# ---------------------------------------------------------------------------------------------
# Peers. Each returns (load_ms, memory_bytes or None, {workload: (callable, note)}, extra info).

def q_w4_sql(param="?"):
    return f"""
        WITH e AS (SELECT "from" AS a, "to" AS b FROM twinnings UNION ALL SELECT "to", "from" FROM twinnings),
             n1 AS (SELECT b AS x FROM e WHERE a = {param}),
             n2 AS (SELECT e.b AS x FROM e JOIN n1 ON e.a = n1.x)
        SELECT count(DISTINCT x) FROM (SELECT x FROM n1 UNION ALL SELECT x FROM n2) AS u WHERE x <> {param}"""


def q_w5_sql(a, b):
    # Breadth-first search as a recursive query: rows (node, depth) up to depth 8.
    return f"""
        WITH RECURSIVE e AS (SELECT "from" AS a, "to" AS b FROM twinnings UNION ALL SELECT "to", "from" FROM twinnings),
             bfs(node, d) AS (SELECT '{a}', 0 UNION SELECT e.b, bfs.d + 1 FROM bfs JOIN e ON e.a = bfs.node WHERE bfs.d < 8)
        SELECT min(d) FROM bfs WHERE node = '{b}'"""


Q_W6_SQL = """
    SELECT count(*) FROM twinnings t JOIN cities a ON a.id = t."from" JOIN cities b ON b.id = t."to"
    WHERE a.michelin AND b.michelin AND a.country_code <> b.country_code"""


def peer_duckdb(data, p):
    import duckdb
    con = duckdb.connect()

    def load():
        for f in FILES:
            con.execute(f"CREATE OR REPLACE TABLE {f} AS SELECT * FROM read_csv('{data}/{f}.csv', header = true)")
    before = rss()
    t = time.perf_counter()
    load()
    first = (time.perf_counter() - t) * 1e3
    mem = rss() - before
    loads = [first]
    for _ in range(2):
        t = time.perf_counter()
        load()
        loads.append((time.perf_counter() - t) * 1e3)

    def one(sql, *args):
        return lambda: con.execute(sql, list(args)).fetchall()
    w = {
        "W2": one(f"SELECT name, population FROM cities WHERE country_code = ? AND population > ? ORDER BY population DESC LIMIT 10",
                  p["country"], p["population_bound"]),
        "W3": one("SELECT org, sum(amount) AS total FROM fundings WHERE year = ? GROUP BY org ORDER BY total DESC LIMIT 10", p["year"]),
        "W4": one(q_w4_sql("$1"), p["hub"]["id"]),
        "W5a": one(q_w5_sql(p["path4"]["from"], p["path4"]["to"])),
        "W5b": one(q_w5_sql(p["path8"]["from"], p["path8"]["to"])),
        "W6": one(Q_W6_SQL.replace("a.michelin AND b.michelin", "a.michelin AND b.michelin")),
    }
    return loads, mem, w, {"version": duckdb.__version__, "loaded": "all 13 files (read_csv, types detected)"}


SQLITE_INT = {"population", "geonames_id", "since", "year", "participants", "cities_count", "countries_count", "signed"}
SQLITE_REAL = {"lat", "lon", "amount", "cost"}


def sqlite_script(data, db):
    lines = [".bail on", "PRAGMA journal_mode = OFF;", "PRAGMA synchronous = OFF;", "BEGIN;"]
    for f in FILES:
        with open(f"{data}/{f}.csv", newline="") as fh:
            header = next(csv.reader(fh))
        cols = []
        for i, c in enumerate(header):
            t = "INTEGER" if c in SQLITE_INT else "REAL" if c in SQLITE_REAL else "TEXT"
            pk = " PRIMARY KEY" if i == 0 and c in ("id", "code") else ""
            cols.append(f'"{c}" {t}{pk}')
        lines.append(f"CREATE TABLE {f} ({', '.join(cols)});")
        lines.append(f".import --csv --skip 1 {data}/{f}.csv {f}")
    lines.append('CREATE INDEX twin_from ON twinnings("from");')
    lines.append('CREATE INDEX twin_to ON twinnings("to");')
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def peer_sqlite(data, p):
    import sqlite3
    if not shutil.which("sqlite3"):
        raise RuntimeError("the sqlite3 command is not installed (apt-get install -y sqlite3)")
    tmp = tempfile.mkdtemp(prefix="reseau-sqlite-")
    db = f"{tmp}/net.db"
    script = sqlite_script(data, db)
    loads = []
    for _ in range(3):
        if os.path.exists(db):
            os.remove(db)
        t = time.perf_counter()
        subprocess.run(["sqlite3", db], input=script, text=True, check=True, capture_output=True)
        loads.append((time.perf_counter() - t) * 1e3)
    size = os.path.getsize(db)
    before = rss()
    con = sqlite3.connect(db)
    con.execute("PRAGMA cache_size = -4000000")   # keep the whole file in the page cache
    con.execute("SELECT count(*) FROM twinnings").fetchall()
    mem = rss() - before

    def one(sql, *args):
        return lambda: con.execute(sql, args).fetchall()
    w = {
        "W2": one("SELECT name, population FROM cities WHERE country_code = ? AND population > ? ORDER BY population DESC LIMIT 10",
                  p["country"], p["population_bound"]),
        "W3": one("SELECT org, sum(amount) AS total FROM fundings WHERE year = ? GROUP BY org ORDER BY total DESC LIMIT 10", p["year"]),
        "W4": one(q_w4_sql("?1"), p["hub"]["id"]),
        "W5a": one(q_w5_sql(p["path4"]["from"], p["path4"]["to"])),
        "W5b": one(q_w5_sql(p["path8"]["from"], p["path8"]["to"])),
        "W6": one(Q_W6_SQL.replace("a.michelin AND b.michelin", "a.michelin = 'true' AND b.michelin = 'true'")),
    }
    info = {"version": sqlite3.sqlite_version, "loaded": "all 13 files (sqlite3 CLI .import into typed tables, 2 indexes)",
            "db_bytes": size, "memory_note": "database on disk; memory is the page cache after one scan"}
    return loads, mem, w, info, lambda: shutil.rmtree(tmp, ignore_errors=True)


def peer_kuzu(data, p):
    import kuzu
    schema = [
        "CREATE NODE TABLE City(id STRING, name STRING, country_code STRING, lat DOUBLE, lon DOUBLE, population INT64, "
        "michelin BOOLEAN, aliases STRING, geonames_id INT64, source STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Org(id STRING, name STRING, kind STRING, city STRING, aliases STRING, source STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Project(id STRING, name STRING, kind STRING, theme STRING, pstart STRING, pend STRING, status STRING, "
        "signed INT64, aliases STRING, source STRING, PRIMARY KEY(id))",
        "CREATE REL TABLE Twin(FROM City TO City, since INT64, kind STRING, source STRING)",
        "CREATE REL TABLE Funds(FROM Org TO Project, amount DOUBLE, year INT64, note STRING, source STRING)",
    ]
    copies = [("City", "cities"), ("Org", "orgs"), ("Project", "projects"), ("Twin", "twinnings"), ("Funds", "fundings")]
    state = {}

    def load():
        state.pop("con", None)
        state.pop("db", None)
        db = kuzu.Database(":memory:")
        con = kuzu.Connection(db)
        for s in schema:
            con.execute(s)
        for table, f in copies:
            con.execute(f"COPY {table} FROM '{data}/{f}.csv' (header = true)")
        state["db"], state["con"] = db, con
    before = rss()
    t = time.perf_counter()
    load()
    first = (time.perf_counter() - t) * 1e3
    mem = rss() - before
    loads = [first]
    for _ in range(2):
        t = time.perf_counter()
        load()
        loads.append((time.perf_counter() - t) * 1e3)
    con = state["con"]

    def one(cypher, **params):
        def run():
            r = con.execute(cypher, params)
            out = []
            while r.has_next():
                out.append(r.get_next())
            return out
        return run
    w = {
        "W2": one("MATCH (c:City) WHERE c.country_code = $cc AND c.population > $n RETURN c.name, c.population "
                  "ORDER BY c.population DESC LIMIT 10", cc=p["country"], n=p["population_bound"]),
        "W3": one("MATCH (o:Org)-[f:Funds]->(:Project) WHERE f.year = $y RETURN o.id, sum(f.amount) AS total "
                  "ORDER BY total DESC LIMIT 10", y=p["year"]),
        "W4": one("MATCH (a:City {id: $hub})-[:Twin*1..2]-(b:City) WHERE b.id <> $hub RETURN count(DISTINCT b.id)", hub=p["hub"]["id"]),
        "W5a": one("MATCH p = (a:City {id: $a})-[:Twin* SHORTEST 1..8]-(b:City {id: $b}) RETURN length(p)",
                   a=p["path4"]["from"], b=p["path4"]["to"]),
        "W5b": one("MATCH p = (a:City {id: $a})-[:Twin* SHORTEST 1..8]-(b:City {id: $b}) RETURN length(p)",
                   a=p["path8"]["from"], b=p["path8"]["to"]),
        "W6": one("MATCH (a:City)-[:Twin]->(b:City) WHERE a.michelin AND b.michelin AND a.country_code <> b.country_code RETURN count(*)"),
    }
    return loads, mem, w, {"version": kuzu.__version__, "loaded": "cities, orgs, projects, twinnings, fundings (COPY, in-memory)"}


def read_city_graph(data):
    """Cities and twinnings read with the csv module: ids, attributes, edges as index pairs."""
    ids, names, cc, pop, mich = [], [], [], [], []
    with open(f"{data}/cities.csv", newline="") as fh:
        r = csv.reader(fh)
        next(r)
        for row in r:
            ids.append(row[0]); names.append(row[1]); cc.append(row[2])
            pop.append(int(row[5]) if row[5] else None); mich.append(row[6] == "true")
    index = {c: i for i, c in enumerate(ids)}
    edges = []
    with open(f"{data}/twinnings.csv", newline="") as fh:
        r = csv.reader(fh)
        next(r)
        for row in r:
            edges.append((index[row[0]], index[row[1]]))
    return ids, names, cc, pop, mich, index, edges


def top10(names, cc, pop, country, bound, nodes):
    hits = [(pop[i], names[i]) for i in nodes if cc[i] == country and pop[i] is not None and pop[i] > bound]
    hits.sort(key=lambda x: -x[0])
    return [(n, p_) for p_, n in hits[:10]]


def peer_igraph(data, p):
    import igraph as ig
    state = {}

    def load():
        ids, names, cc, pop, mich, index, edges = read_city_graph(data)
        g = ig.Graph(n=len(ids), edges=edges)
        g.vs["id"] = ids; g.vs["name"] = names; g.vs["country_code"] = cc
        g.vs["population"] = pop; g.vs["michelin"] = mich
        state.update(g=g, index=index)
    before = rss()
    t = time.perf_counter()
    load()
    first = (time.perf_counter() - t) * 1e3
    mem = rss() - before
    loads = [first]
    for _ in range(2):
        state.clear()
        t = time.perf_counter()
        load()
        loads.append((time.perf_counter() - t) * 1e3)
    g, index = state["g"], state["index"]

    def w2():
        vs = g.vs.select(country_code_eq=p["country"], population_gt=p["population_bound"])
        hits = sorted(((v["population"], v["name"]) for v in vs), key=lambda x: -x[0])[:10]
        return [(n, p_) for p_, n in hits]

    def w6():
        m, c = g.vs["michelin"], g.vs["country_code"]
        return sum(1 for a, b in g.get_edgelist() if m[a] and m[b] and c[a] != c[b])

    def path(k):
        a, b = index[p[k]["from"]], index[p[k]["to"]]
        return lambda: len(g.get_shortest_path(a, b)) - 1
    hub = index[p["hub"]["id"]]
    w = {
        "W2": w2,
        "W4": lambda: len(g.neighborhood(hub, order=2, mindist=1)),
        "W5a": path("path4"),
        "W5b": path("path8"),
        "W6": w6,
    }
    return loads, mem, w, {"version": ig.__version__, "loaded": "cities and twinnings (csv module → igraph.Graph with city attributes)"}


def peer_networkx(data, p):
    import networkx as nx
    state = {}

    def load():
        ids, names, cc, pop, mich, index, edges = read_city_graph(data)
        g = nx.Graph()
        g.add_nodes_from((ids[i], {"name": names[i], "country_code": cc[i], "population": pop[i], "michelin": mich[i]})
                         for i in range(len(ids)))
        g.add_edges_from((ids[a], ids[b]) for a, b in edges)
        state.update(g=g)
    before = rss()
    t = time.perf_counter()
    load()
    first = (time.perf_counter() - t) * 1e3
    mem = rss() - before
    loads = [first]
    for _ in range(2):
        state.clear()
        t = time.perf_counter()
        load()
        loads.append((time.perf_counter() - t) * 1e3)
    g = state["g"]

    def w2():
        hits = [(d["population"], d["name"]) for _, d in g.nodes(data=True)
                if d["country_code"] == p["country"] and d["population"] is not None and d["population"] > p["population_bound"]]
        hits.sort(key=lambda x: -x[0])
        return [(n, p_) for p_, n in hits[:10]]

    def w6():
        nd = g.nodes
        return sum(1 for a, b in g.edges() if nd[a]["michelin"] and nd[b]["michelin"] and nd[a]["country_code"] != nd[b]["country_code"])

    def path(k):
        a, b = p[k]["from"], p[k]["to"]
        return lambda: len(nx.bidirectional_shortest_path(g, a, b)) - 1
    hub = p["hub"]["id"]
    w = {
        "W2": w2,
        "W4": lambda: len(nx.single_source_shortest_path_length(g, hub, cutoff=2)) - 1,
        "W5a": path("path4"),
        "W5b": path("path8"),
        "W6": w6,
    }
    return loads, mem, w, {"version": nx.__version__, "loaded": "cities and twinnings (csv module → networkx.Graph with city attributes)"}


PEERS = {"duckdb": peer_duckdb, "sqlite": peer_sqlite, "kuzu": peer_kuzu, "igraph": peer_igraph, "networkx": peer_networkx}


# ---------------------------------------------------------------------------------------------
# Answers: normalise each peer's raw result to the shape reseau-bench writes.

def normalise(w, raw):
    if w in ("W2", "W3"):
        return [[r[0], r[1]] for r in raw]
    if isinstance(raw, list):          # one row, one column
        raw = raw[0][0] if raw and raw[0] else None
    if w.startswith("W5"):
        return {"hops": raw if raw is not None else -1}
    return raw


def same_top(a, b, tol):
    """Top-k lists equal up to ties: the same values in order, the same keys for every value
    strictly above the last (which a tie may cut differently)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if not math.isclose(float(x[1]), float(y[1]), rel_tol=tol, abs_tol=tol):
            return False
    if not a:
        return True
    last = float(a[-1][1])
    ka = sorted(str(x[0]) for x in a if not math.isclose(float(x[1]), last, rel_tol=tol))
    kb = sorted(str(x[0]) for x in b if not math.isclose(float(x[1]), last, rel_tol=tol))
    return ka == kb


def compare(w, reseau, peer):
    if w in ("W2", "W3"):
        return same_top(reseau, peer, 1e-9)
    if w.startswith("W5"):
        return reseau["hops"] == peer["hops"]
    return reseau == peer


# ---------------------------------------------------------------------------------------------

def run_peer(name, data, params, runs, budget):
    """Runs in a child process: loads, runs every workload, prints one JSON object."""
    out = {"peer": name}
    try:
        r = PEERS[name](data, params)
    except ImportError as e:
        print(json.dumps({"peer": name, "unavailable": f"cannot import: {e}"}))
        return
    except Exception as e:   # a peer that fails to load is recorded, not fatal
        print(json.dumps({"peer": name, "unavailable": f"{type(e).__name__}: {e}"}))
        return
    loads, mem, workloads, info = r[:4]
    cleanup = r[4] if len(r) > 4 else None
    out["info"] = info
    out["timings"] = {"W1": stats(loads)}
    out["memory_bytes"] = mem
    out["answers"] = {}
    for w, fn in workloads.items():
        try:
            st, raw = bench(fn, runs, budget)
        except Exception as e:
            out.setdefault("errors", {})[w] = f"{type(e).__name__}: {e}"
            continue
        out["timings"][w] = st
        out["answers"][w] = normalise(w, raw)
        print(f"  {name} {w}: {st['median_ms']:.3f} ms", file=sys.stderr, flush=True)
    if cleanup:
        cleanup()
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--reseau", required=True, help="reseau-bench's JSON for the same folder")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--budget", type=float, default=60, help="seconds of timed runs per workload at most")
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    with open(f"{data}/bench-params.json") as fh:
        params = json.load(fh)
    if a.child:
        run_peer(a.child, data, params, a.runs, a.budget)
        return
    with open(a.reseau) as fh:
        reseau = json.load(fh)

    results = {"scale": params["scale"], "data": data, "peers": {}}
    mismatches = []
    for name in a.peers.split(","):
        print(f"peer {name} on {params['scale']}…", file=sys.stderr, flush=True)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--data", data, "--reseau", a.reseau,
                               "--out", a.out, "--runs", str(a.runs), "--budget", str(a.budget), "--child", name],
                              capture_output=True, text=True)
        sys.stderr.write(proc.stderr)
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            results["peers"][name] = {"peer": name, "unavailable": f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"}
            continue
        r = json.loads(lines[-1])
        r["wall_s"] = time.perf_counter() - t
        for w, ans in r.get("answers", {}).items():
            ok = compare(w, reseau["answers"].get(w), ans)
            r.setdefault("checked", {})[w] = ok
            if not ok:
                mismatches.append(f"{name} {w}: reseau {reseau['answers'].get(w)!r} ≠ {name} {ans!r}")
        results["peers"][name] = r

    results["mismatches"] = mismatches
    with open(a.out, "w") as fh:
        json.dump(results, fh, indent=1, sort_keys=True)
    if mismatches:
        print("MISMATCH between Reseau and a peer:\n  " + "\n  ".join(mismatches), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
