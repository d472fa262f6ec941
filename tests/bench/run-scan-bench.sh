#!/usr/bin/env bash
# The full scanner benchmark: every corpus frame (default seed and the
# held-out seed), then 15 s per live scenario at 720p30 beside the stock zbar
# element. JSON lines in $OUT, a markdown summary on stdout.
#   tests/bench/run-scan-bench.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${CURB_BUILD_DIR:-$src/_build}}
out=${OUT:-$build/scan-bench}
export CURB_BUILD_ROOT=$build
export CURB_SHARED_DIR=${CURB_SHARED_DIR:-$src/../shared}
mkdir -p "$out"
ninja -C "$build" tests/bench/bench-scan-corpus tests/bench/bench-scan-live >/dev/null
"$build/tests/bench/bench-scan-corpus" > "$out/corpus-default.jsonl"
heldout="$build/qr-corpus/seed-7"
if [ ! -f "$heldout/manifest.tsv" ]; then
  /usr/bin/python3 "$CURB_SHARED_DIR/qr-corpus/gen_corpus.py" --out "$heldout" --seed 7 --jobs 2 2>/dev/null
fi
"$build/tests/bench/bench-scan-corpus" --corpus "$heldout" > "$out/corpus-heldout.jsonl"
"$build/tests/bench/bench-scan-live" --seconds 15 --frames 60 --preview > "$out/live.jsonl"
/usr/bin/python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    d = {}
    for line in open(os.path.join(out, name)):
        if line.startswith("{"):
            o = json.loads(line); d[o["name"]] = o["value"]
    return d
for name, title in [("corpus-default.jsonl", "default seed"), ("corpus-heldout.jsonl", "held-out seed 7")]:
    d = load(name)
    cats = sorted({k.split("/")[2] for k in d if k.startswith("ours/success/")}, key=lambda c: (c.startswith("all"), c))
    print(f"\n### Corpus, {title}\n\n| category | ours | stock | ours false reads | stock false reads |\n|---|---|---|---|---|")
    for c in cats + ["neg_empty", "neg_barcodes"]:
        print(f"| {c} | {d.get('ours/success/'+c, '-')} | {d.get('stock/success/'+c, '-')} | "
              f"{d.get('ours/false_reads/'+c, 0):.0f} | {d.get('stock/false_reads/'+c, 0):.0f} |")
    print("\n| decode time, all frames (read or not) | ours p50/p95/p99 ms | stock p50/p95/p99 ms |\n|---|---|---|")
    for r in ["480p", "720p", "1080p"]:
        f = lambda w: "/".join(f"{d.get(f'{w}/{r}/{p}', 0):.1f}" for p in ["p50", "p95", "p99"])
        print(f"| {r} | {f('ours')} | {f('stock')} |")
d = load("live.jsonl")
print("\n### Live, 1280x720 I420 at 30 fps (appsrc, real time)\n\n| scenario | feed only CPU | ours CPU | stock CPU | ours frames not decoded | stock frames dropped | ours frame-to-result p50/p95/p99 ms | stock frame-to-message p50/p95/p99 ms |\n|---|---|---|---|---|---|---|---|")
for s in ["idle", "active"]:
    g = lambda k: d.get(k, 0)
    pushed_o, pushed_s = g(f"live/ours/{s}/frames_pushed"), g(f"live/stock/{s}/frames_pushed")
    lat = lambda w, m: "/".join(f"{g(f'live/{w}/{s}/{m}/{p}'):.1f}" for p in ["p50", "p95", "p99"])
    print(f"| {s} | {g(f'live/feed_only/{s}/cpu'):.1f}% | {g(f'live/ours/{s}/cpu'):.1f}% | {g(f'live/stock/{s}/cpu'):.1f}% | "
          f"{g(f'live/ours/{s}/frames_not_decoded'):.0f}/{pushed_o:.0f} | {g(f'live/stock/{s}/frames_dropped'):.0f}/{pushed_s:.0f} | "
          f"{lat('ours', 'frame_to_result')} | {lat('stock', 'frame_to_message')} |")
print("\nWith the BGRA preview branch (what the kiosk uses without gtk4paintablesink): " +
      ", ".join(f"{s} {d.get(f'live/ours_with_preview/{s}/cpu', 0):.1f}% of a core" for s in ["idle", "active"]))
PY
