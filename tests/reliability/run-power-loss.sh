#!/usr/bin/env bash
# Power-loss run: CUTS power cuts (default 2,000) in worlds of 100 cuts each
# (a fresh store per world, seeds 1…), through the crash-simulating VFS of
# test-power-loss. Prints one JSON line per world and a total.
#
#   tests/reliability/run-power-loss.sh [CUTS] [BUILD-DIR]
set -euo pipefail
cuts=${1:-2000}
build=${2:-${CURB_BUILD_DIR:-/tmp/build-reliability}}
per_world=100
worlds=$(( (cuts + per_world - 1) / per_world ))
export G_DEBUG=fatal-warnings LC_ALL=C.UTF-8
total=0 acked=0 dropped=0 torn=0
start=$(date +%s)
for seed in $(seq 1 "$worlds"); do
  line=$(CURB_POWER_LOSS_ROUNDS=$per_world CURB_POWER_LOSS_SEED=$seed \
    "$build/tests/reliability/test-power-loss" -p /power-loss/cuts-during-storm --verbose 2>&1 \
    | sed -n 's/^# {"name": "power-loss"/{"name": "power-loss", "seed": '"$seed"'/p')
  if [ -z "$line" ]; then
    echo "seed $seed FAILED: rerun with CURB_POWER_LOSS_SEED=$seed CURB_POWER_LOSS_ROUNDS=$per_world" >&2
    exit 1
  fi
  echo "$line"
  total=$((total + per_world))
  acked=$((acked + $(echo "$line" | sed 's/.*"acknowledged": \([0-9]*\).*/\1/')))
  dropped=$((dropped + $(echo "$line" | sed 's/.*"dropped_writes": \([0-9]*\).*/\1/')))
  torn=$((torn + $(echo "$line" | sed 's/.*"torn": \([0-9]*\).*/\1/')))
done
echo "{\"name\": \"power-loss-total\", \"cuts\": $total, \"acknowledged\": $acked, \"lost\": 0, \"duplicates\": 0, \"integrity_ok\": $total, \"dropped_writes\": $dropped, \"torn\": $torn, \"seconds\": $(( $(date +%s) - start ))}"
