#!/usr/bin/env bash
# bench/watch.sh: how long watch mode takes to re-render after one edit,
# against a full render of the same mix (issue: at most 20%).
#
# NOT run in CI (it writes about 700 MB of generated stems and takes a few
# minutes on 2 cores).
#
#     bash bench/watch.sh                 # 3-minute song, 3 runs each
#     SECONDS_LONG=60 RUNS=5 bash bench/watch.sh
#
# The workload is graph/bench_test.go's benchMix(true): 10 stereo tracks at
# 48 kHz, each with a 4-band EQ and a compressor and sends to a reverb bus
# and a delay bus, a master limiter and a loudness target (-14 LUFS,
# -1 dBTP). "full" renders it from scratch, as `mixdown render` does;
# "eq-edit" renders it after changing one track's bell gain, with the render
# cache holding the render before, as `mixdown watch` does after a save
# (every run changes the gain to a new value, so nothing is a free hit).
# ratio = eq-edit / full (wall time per render).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
export MIXDOWN_BENCH_SECONDS=${SECONDS_LONG:-180}
go test ./graph -run '^$' -bench 'Rerender' -benchtime "${RUNS}x" -timeout 60m | tee /dev/stderr |
  awk '/Rerender\/full/ {full=$3} /Rerender\/eq-edit/ {edit=$3; for (i=1;i<=NF;i++) if ($(i+1)=="ratio") r=$i; if ($(i+1)=="%cached") c=$i}
       END { if (full && edit) printf "\nfull render %.2f s, re-render after one EQ edit %.2f s: ratio %.2f\n", full/1e9, edit/1e9, edit/full }'
