#!/usr/bin/env bash
# Benchmarks/run.sh [S|M|L …] — generates each scale of each data shape, measures Reseau and
# the peers on it, and rewrites BENCHMARKS.md and Benchmarks/plot.svg. Default scales: S M.
#
#   SHAPES       data shapes (default "gen chunglu"): gen is reseau-gen's own network,
#                chunglu a Chung–Lu power-law graph (reseau-gen --shape chunglu)
#   BENCH_DATA   where the generated folders go (default /tmp/reseau-bench)
#   RUNS         timed runs per workload after the warm-up (default 7)
#   PEERS        comma-separated peers (default duckdb,sqlite,kuzu,igraph,networkx)
#   SEED         generator seed of the gen shape (default 42)
#   SEED_CHUNGLU generator seed of the chunglu shape (default 26)
#   PEERS_L      peers at L (default: PEERS; e.g. duckdb,igraph where L is too long for the rest)
#   RESEAU_BIN   the `reseau` binary for W0 (default: build the root package's in release;
#                SKIP_CLI=1 skips W0's real command line and keeps the reseau-e0 stand-in)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="${BENCH_DATA:-/tmp/reseau-bench}"
runs="${RUNS:-7}"
seed="${SEED:-42}"
seed_chunglu="${SEED_CHUNGLU:-26}"
peers="${PEERS:-duckdb,sqlite,kuzu,igraph,networkx}"
peers_l="${PEERS_L:-$peers}"
read -r -a shapes <<<"${SHAPES:-gen chunglu}"
results="$here/results"
scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(S M)
mkdir -p "$data" "$results"

echo "== building (release)"
swift build -c release --package-path "$here" --product reseau-gen
swift build -c release --package-path "$here" --product reseau-bench
swift build -c release --package-path "$here" --product reseau-e0
bin="$(swift build -c release --package-path "$here" --show-bin-path)"
# W0 needs the real command line; build it when the root package has one.
reseau_bin="${RESEAU_BIN:-}"
if [ -z "$reseau_bin" ] && [ -z "${SKIP_CLI:-}" ]; then
    echo "== building the command line (release) for W0"
    if swift build -c release --static-swift-stdlib --package-path "$root" --product reseau; then
        reseau_bin="$(swift build -c release --package-path "$root" --show-bin-path)/reseau"
    fi
fi

python3 - <<'PY' || { echo "peers: pip install duckdb kuzu igraph networkx (missing ones are recorded as unavailable)"; }
import importlib
for m in ["duckdb", "kuzu", "igraph", "networkx"]:
    try: importlib.import_module(m)
    except ImportError: print("missing", m)
PY
command -v sqlite3 >/dev/null || echo "sqlite3 CLI missing: apt-get install -y sqlite3"

declare -A gen
# Results about to be measured again are removed first: a run stopped halfway leaves no older
# figure of the same scale and shape behind to be mixed with this run's.
for s in "${scales[@]}"; do
  for shape in "${shapes[@]}"; do
    prefix=""; [ "$shape" = chunglu ] && prefix="chunglu-"
    rm -f "$results/reseau-$prefix$s.json" "$results/peers-$prefix$s.json" "$results/params-$prefix$s.json"
  done
done

echo "== W0: whole processes"
w0args=(--e0 "$bin/reseau-e0")
[ -n "$reseau_bin" ] && w0args+=(--reseau "$reseau_bin")
python3 "$here/w0.py" --out "$results/w0.json" "${w0args[@]}"

# machine.json and the report are rewritten after each scale, so that an interrupted run leaves
# BENCHMARKS.md consistent with the scales it finished (each listed with its command).
write_report() {
gen_json="{"; sep=""
for s in "${!gen[@]}"; do gen_json+="$sep\"$s\": \"${gen[$s]}\""; sep=", "; done
gen_json+="}"
# The command as run (with the settings that change what is measured), for each scale it wrote.
cmd="Benchmarks/run.sh ${scales[*]}"
for v in SHAPES PEERS PEERS_L RUNS SKIP_CLI; do [ -n "${!v:-}" ] && cmd="$v=${!v} $cmd"; done
GEN="$gen_json" CMD="$cmd" TAGS="$scale_tags" python3 - "$results/machine.json" <<'PY'
import json, os, platform, subprocess, sys, datetime
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return ""
path = sys.argv[1]
old = json.load(open(path)) if os.path.exists(path) else {}
gen = old.get("generation", {}); gen.update(json.loads(os.environ["GEN"]))
runs = old.get("runs", {})
for tag in os.environ["TAGS"].split():
    runs[tag] = os.environ["CMD"] + " (" + datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + ")"
vers = []
for m in ["duckdb", "kuzu", "igraph", "networkx"]:
    try: vers.append(f"{m} {__import__(m).__version__}")
    except ImportError: vers.append(f"{m} unavailable")
vers.append("sqlite3 " + sh("sqlite3 --version").split(" ")[0])
json.dump({
    "date": datetime.date.today().isoformat(),
    "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
    "cores": sh("nproc"),
    "memory": sh("free -h | awk '/Mem:/ {print $2}'"),
    "os": platform.platform(),
    "swift": sh("swift --version 2>&1 | head -1"),
    "python": platform.python_version(),
    "peers": ", ".join(vers),
    "generation": gen,
    "runs": runs,
    "load": sh("cat /proc/loadavg"),
}, open(path, "w"), indent=1)
PY


python3 "$here/report.py" "$results" "$root/BENCHMARKS.md" "$here/plot.svg"
echo "== wrote $root/BENCHMARKS.md and $here/plot.svg"
}

for s in "${scales[@]}"; do
  scale_tags=""
  for shape in "${shapes[@]}"; do
    case "$shape" in
      gen) sseed="$seed"; prefix="" ;;
      chunglu) sseed="$seed_chunglu"; prefix="chunglu-" ;;
      *) echo "unknown shape $shape (gen or chunglu)"; exit 2 ;;
    esac
    tag="$prefix$s"
    scale_tags+=" $tag"
    echo "== $shape scale $s: generating"
    out="$data/$tag"
    line="$("$bin/reseau-gen" --scale "$s" --seed "$sseed" --shape "$shape" --out "$out" --verify | tee /dev/stderr | head -1)"
    gen[$tag]="$(sed -n 's/.* in \([0-9.]* s\) .*/\1/p' <<<"$line")"
    cp "$out/bench-params.json" "$results/params-$tag.json"
    echo "== $shape scale $s: reseau"
    "$bin/reseau-bench" --data "$out" --runs "$runs" --out "$results/reseau-$tag.json"
    echo "== $shape scale $s: peers"
    p="$peers"; [ "$s" = L ] && p="$peers_l"
    python3 "$here/peers/peers.py" --data "$out" --reseau "$results/reseau-$tag.json" \
        --out "$results/peers-$tag.json" --runs "$runs" --peers "$p"
  done
  write_report
done
