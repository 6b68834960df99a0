#!/usr/bin/env python3
"""W0: the whole process, timed with one harness for Reseau and the sqlite3 CLI.

    w0.py --out W0.json [--reseau BIN] [--e0 BIN] [--runs N]

- `reseau -e 'cities | count'` (the command line; skipped with a note when it lacks -e),
  and beside it `reseau --version` (the process and argument parsing alone, no network
  loaded) and `reseau` reading `.quit` from a pipe (the start of a session on stdin: the
  network loaded, no query),
- `reseau-e0 'cities | count'` (a stand-in: ReseauCore loads the bundled network, runs the
  query, prints a table),
- `sqlite3 :memory: 'select 1'` (the issue's reference) and `sqlite3 bundled.db 'select count(*)
  from cities'` (the bundled network imported beforehand).
Medians of --runs runs after two warm-up runs; each run is a fork+exec from Python, with stdout
read to the end.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from peers import sqlite_script, stats  # noqa: E402


def timed(argv, runs, stdin=""):
    xs, out = [], None
    for i in range(runs + 2):
        t = time.perf_counter()
        r = subprocess.run(argv, capture_output=True, text=True, input=stdin)
        d = (time.perf_counter() - t) * 1e3
        if r.returncode != 0:
            return None, (r.stdout + r.stderr).strip()
        out = r.stdout.strip()
        if i >= 2:
            xs.append(d)
    return stats(xs), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--reseau")
    ap.add_argument("--e0")
    ap.add_argument("--runs", type=int, default=40)
    a = ap.parse_args()
    data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Data"))
    with open(f"{data}/cities.csv") as fh:
        cities = str(sum(1 for _ in fh) - 1)
    res = {"bundled_cities": int(cities)}
    if a.reseau:
        st, out = timed([a.reseau, "-e", "cities | count"], a.runs)
        if st and out and cities in out:
            res["reseau"] = st
            res["reseau_output"] = out
        else:
            res["reseau_note"] = f"`reseau -e 'cities | count'` did not print {cities} (printed {out!r}): no -e in this tree yet"
        res["reseau_version"], _ = timed([a.reseau, "--version"], a.runs)
        res["reseau_stdin_quit"], _ = timed([a.reseau], a.runs, stdin=".quit\n")
    if a.e0:
        st, out = timed([a.e0, "cities | count"], a.runs)
        if st and cities in (out or ""):
            res["reseau_e0"] = st
    if shutil.which("sqlite3"):
        res["sqlite_select1"], _ = timed(["sqlite3", ":memory:", "select 1"], a.runs)
        tmp = tempfile.mkdtemp(prefix="reseau-w0-")
        db = f"{tmp}/bundled.db"
        subprocess.run(["sqlite3", db], input=sqlite_script(data, db), text=True, check=True, capture_output=True)
        res["sqlite_count"], out = timed(["sqlite3", db, "select count(*) from cities"], a.runs)
        res["sqlite_count_output"] = out
        shutil.rmtree(tmp, ignore_errors=True)
    res["true"], _ = timed(["/bin/true"], a.runs)
    with open(a.out, "w") as fh:
        json.dump(res, fh, indent=1, sort_keys=True)
    for k in ["reseau", "reseau_version", "reseau_stdin_quit", "reseau_e0", "sqlite_select1", "sqlite_count", "true"]:
        if res.get(k):
            print(f"W0 {k}: {res[k]['median_ms']:.2f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
