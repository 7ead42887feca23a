#!/usr/bin/env bash
# bench/run.sh: mixdown against SoX and an ffmpeg filtergraph on the same work,
# on this machine, in one run. Prints a Markdown table (docs/performance.md).
#
# NOT run in CI (it needs fluidsynth, SoX and ffmpeg, and takes minutes).
#
#     bash bench/run.sh                # 5 timed runs per contender (~10 min on 2 cores)
#     RUNS=3 bash bench/run.sh         # fewer runs (~7 min)
#     LONG=0 bash bench/run.sh         # skip the 2x-length memory check (~2.5 min less)
# The first run also renders the stems (~30 s).
#
# Needs (Debian 12):
#   apt-get update
#   apt-get install -y fluidsynth fluid-soundfont-gm python3-mido openttd-openmsx sox ffmpeg time
# plus Go. Everything generated (stems, mixes, outputs, timings) goes to
# bench/work/ (git-ignored; override with WORK=DIR); stems are rendered once and
# reused by later runs.
#
# Workload: "Keep on Rolling" (OpenMSX 0.4.2, GPL-2.0) has 10 MIDI channels.
# Each is rendered by fluidsynth to a stereo stem, converted by SoX to 48 kHz
# 24-bit and cut to 198 s (3:18); the 2x length (6:36) is every stem played
# twice. Every track runs
#     highpass 40 Hz, bell 300 Hz -3 dB Q 1, bell 3 kHz +2 dB Q 1,
#     high shelf 10 kHz +1.5 dB, compressor (-20 dB, 3:1, 10 ms, 100 ms), gain -2 dB
# all tracks are summed, limited at -1 dB and written as a 24-bit WAV.
#
# Contenders (each as close to that chain as the tool allows; see the
# functions below and docs/performance.md):
#   sox           10 SoX effect chains as pipes into one `sox -m` (all run
#                 at once; faster than per-track temp files), limiter
#                 approximated with compand.
#   ffmpeg        one filtergraph, ffmpeg's defaults.
#   ffmpeg-1t     the same with -filter_complex_threads 1, which is ffmpeg's
#                 faster setting for audio graphs.
#   mixdown       a generated mix file, `mixdown render`, as a user runs it
#                 again on the same stems: the lock's source hashes come
#                 from the digest cache (graph/digest, docs/git.md).
#   mixdown-cold  the same with MIXDOWN_DIGESTS=off: every source hashed,
#                 as on a fresh checkout (CI).
#   mixdown-full  the same plus a reverb send, a delay send (buses) and a
#                 loudness target (-14 LUFS, -1 dBTP): spool, gain search,
#                 true-peak limiter.
#
# Measured with GNU time: wall (%e), CPU = user + sys (%U + %S, children
# included) and peak RSS (%M). For a pipeline of processes %M is the largest
# single process (SoX's 11 processes together hold about 11 times that).
# The table shows the median and the best wall time and the median CPU over
# RUNS runs, the largest RSS, the realtime factor (seconds of song per second
# of median wall time) and mixdown's wall time as a multiple of each
# contender's, median against median and best against best. Runs are
# interleaved (run 1 of every contender, then run 2, ...) so a change in
# machine load hits all; on a shared machine the best run is the one least
# disturbed by other work.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$ROOT/bench/work}
RUNS=${RUNS:-5}
LONG=${LONG:-1}
SONG=/usr/share/games/openttd/baseset/openmsx/keep_on_rolling.mid
SONG_MD5=c81d548e718d336f9e4d35375be643bd
RATE=48000
SECS=198 # the song is 198.16 s; every stem is cut to the same length
PY=/usr/bin/python3 # Debian's python3-mido is in the system Python
TIME=/usr/bin/time
CONTENDERS="sox ffmpeg ffmpeg-1t mixdown mixdown-cold mixdown-full"

die() {
	echo "run.sh: $*" >&2
	exit 1
}

for tool in fluidsynth sox ffmpeg go "$PY" "$TIME"; do
	command -v "$tool" >/dev/null || die "missing $tool (see the apt-get line at the top)"
done
"$TIME" -f %e true 2>/dev/null || die "$TIME is not GNU time (apt-get install time)"
"$PY" -c 'import mido' 2>/dev/null || die "$PY has no mido (apt-get install python3-mido)"
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || die "missing FluidR3_GM.sf2 (apt-get install fluid-soundfont-gm)"
echo "$SONG_MD5  $SONG" | md5sum -c --quiet - >/dev/null 2>&1 || die "missing or unexpected $SONG (apt-get install openttd-openmsx)"

mkdir -p "$WORK"
cd "$WORK"

# 1. Stems (once): raw fluidsynth renders, then 48 kHz 24-bit stereo at each length.
if [ ! -f raw/.done ]; then
	echo "== rendering stems with fluidsynth" >&2
	rm -rf raw
	"$PY" "$ROOT/bench/make-stems.py" "$SONG" raw "$RATE" >/dev/null
	touch raw/.done
fi
STEMS=$(cd raw && ls ./*.wav | sed 's|^\./||; s|\.wav$||')
[ "$(echo "$STEMS" | wc -l)" -ge 10 ] || die "expected at least 10 stems in $WORK/raw"
LENGTHS=$SECS
[ "$LONG" = 1 ] && LENGTHS="$SECS $((2 * SECS))"
if [ ! -f "s$SECS/.done" ]; then
	echo "== converting stems to ${RATE} Hz 24-bit stereo, $SECS s" >&2
	mkdir -p "s$SECS"
	for s in $STEMS; do
		sox -D raw/"$s".wav -b 24 -c 2 -r "$RATE" "s$SECS/$s.wav" trim 0 "$SECS"
	done
	touch "s$SECS/.done"
fi
if [ "$LONG" = 1 ] && [ ! -f "s$((2 * SECS))/.done" ]; then
	echo "== making the 2x-length stems" >&2
	mkdir -p "s$((2 * SECS))"
	for s in $STEMS; do
		sox -D "s$SECS/$s.wav" "s$SECS/$s.wav" "s$((2 * SECS))/$s.wav"
	done
	touch "s$((2 * SECS))/.done"
fi

# 2. mixdown, built from this tree.
echo "== building mixdown" >&2
(cd "$ROOT" && go build -o "$WORK/bin/mixdown" ./cmd/mixdown)
REV=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
MIXDOWN=$WORK/bin/mixdown

# 3. The mix files, beside the stems (a mix may only read and write inside its
# own folder). full=1 adds the sends, their buses and a loudness target.
gen_mix() { # LEN FULL
	local len=$1 full=$2 s
	printf 'mix {\n  sample_rate = %d\n}\n' "$RATE"
	for s in $STEMS; do
		printf '\ntrack "t%s" {\n  source = "s%d/%s.wav"\n  gain   = -2\n' "${s%%_*}" "$len" "$s"
		cat <<-'EOF'
		  eq {
		    highpass  { freq = 40 }
		    bell      { freq = 300, gain = -3, q = 1 }
		    bell      { freq = 3000, gain = 2, q = 1 }
		    highshelf { freq = 10000, gain = 1.5 }
		  }
		  compressor {
		    threshold = -20
		    ratio     = 3
		    attack    = 10
		    release   = 100
		  }
		EOF
		if [ "$full" = 1 ]; then
			printf '  send {\n    to    = bus.verb\n    level = -14\n  }\n'
			printf '  send {\n    to    = bus.echo\n    level = -18\n  }\n'
		fi
		printf '}\n'
	done
	if [ "$full" = 1 ]; then
		cat <<-'EOF'

		bus "verb" {
		  reverb {
		    decay = 1.8
		    mix   = 1
		  }
		}

		bus "echo" {
		  delay {
		    time     = 375
		    feedback = 0.3
		    mix      = 1
		    pingpong = true
		    highcut  = 5000
		  }
		}

		master {
		  limiter {
		    ceiling = -1
		  }
		  target {
		    loudness  = -14
		    true_peak = -1
		  }
		}
		EOF
	else
		# Sample peak, as SoX and ffmpeg limit.
		printf '\nmaster {\n  limiter {\n    ceiling   = -1\n    true_peak = false\n  }\n}\n'
	fi
	printf '\noutput "main" {\n  file      = "out/%s.wav"\n  bit_depth = 24\n}\n' "$3"
}
mkdir -p out tmp times
for len in $LENGTHS; do
	gen_mix "$len" 0 "mixdown-$len" >"chain-$len.mix.hcl"
	gen_mix "$len" 0 "mixdown-cold-$len" >"cold-$len.mix.hcl"
	gen_mix "$len" 1 "mixdown-full-$len" >"full-$len.mix.hcl"
done

# 4. The contenders. Each renders s$LEN into out/NAME-LEN.wav.
SOX_CHAIN="highpass 40 equalizer 300 1q -3 equalizer 3000 1q 2 treble 1.5 10000 0.7071q compand 0.01,0.1 6:-20,-20,0,-13.3333 gain -2"
# Limiter: instant attack, 50 ms release, -1 dB ceiling, 5 ms lookahead (delay).
SOX_LIMIT="compand 0,0.05 -1,-1,0,-1 0 -90 0.005"
FF_TRACK="highpass=f=40,equalizer=f=300:t=q:w=1:g=-3,equalizer=f=3000:t=q:w=1:g=2,highshelf=f=10000:g=1.5:t=q:w=0.7071"
FF_TRACK="$FF_TRACK,acompressor=threshold=0.1:ratio=3:attack=10:release=100:knee=2:detection=peak:link=maximum,volume=-2dB"
FF_MASTER="alimiter=limit=0.891251:attack=5:release=50:level=disabled"

run_contender() { # NAME LEN
	local name=$1 len=$2 out=out/$1-$2.wav s i args graph mix
	rm -f "$out"
	case $name in
	sox)
		args=()
		for s in $STEMS; do
			args+=(-v 1 "|sox -D -q s$len/$s.wav -p $SOX_CHAIN")
		done
		sox -D -q -m "${args[@]}" -b 24 "$out" $SOX_LIMIT
		;;
	ffmpeg | ffmpeg-1t)
		args=() graph="" mix="" i=0
		for s in $STEMS; do
			args+=(-i "s$len/$s.wav")
			graph="$graph[$i:a]$FF_TRACK[a$i];"
			mix="$mix[a$i]"
			i=$((i + 1))
		done
		graph="$graph${mix}amix=inputs=$i:normalize=0,$FF_MASTER[out]"
		[ "$name" = ffmpeg-1t ] && args+=(-filter_complex_threads 1)
		ffmpeg -nostdin -hide_banner -loglevel error -y "${args[@]}" \
			-filter_complex "$graph" -map "[out]" -c:a pcm_s24le "$out"
		;;
	mixdown)
		"$MIXDOWN" render "chain-$len.mix.hcl" >/dev/null
		;;
	mixdown-cold)
		MIXDOWN_DIGESTS=off "$MIXDOWN" render "cold-$len.mix.hcl" >/dev/null
		;;
	mixdown-full)
		"$MIXDOWN" render "full-$len.mix.hcl" >/dev/null
		;;
	esac
}

export -f run_contender
export STEMS MIXDOWN SOX_CHAIN SOX_LIMIT FF_TRACK FF_MASTER
timed() { # NAME LEN: append "wall cpu rss_kb" to times/NAME-LEN
	local f=tmp/time.$$
	"$TIME" -f "%e %U %S %M" -o "$f" bash -c 'run_contender "$@"' _ "$1" "$2" ||
		die "$1 failed at length $2"
	awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' "$f" >>"times/$1-$2"
	rm -f "$f"
}

rm -f times/*
LOAD=$(cut -d" " -f1-3 /proc/loadavg)
for run in $(seq "$RUNS"); do
	for c in $CONTENDERS; do
		echo "== run $run/$RUNS: $c ($SECS s)" >&2
		timed "$c" "$SECS"
	done
done
if [ "$LONG" = 1 ]; then
	for c in $CONTENDERS; do
		echo "== $c ($((2 * SECS)) s, memory check)" >&2
		timed "$c" "$((2 * SECS))"
	done
fi

# 5. The table.
calc() { awk "BEGIN {print $*}"; }
median() { # FILE COLUMN
	awk -v c="$2" '{print $c}' "$1" | sort -g |
		awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
best() { sort -g -k1,1 "$1" | head -1 | cut -d' ' -f1; }
rss() { awk 'BEGIN {m = 0} $3 > m {m = $3} END {print m / 1024}' "$1"; } # MB, largest run
lufs() { "$MIXDOWN" meter "$1" -json | sed -n 's/.*"integrated_lufs": *\([-0-9.]*\).*/\1/p'; }

mixwall=$(median "times/mixdown-$SECS" 1)
mixbest=$(best "times/mixdown-$SECS")
echo
echo "Workload: $(echo "$STEMS" | wc -l) stereo stems x $SECS s, ${RATE} Hz 24-bit; median of $RUNS runs."
echo
echo '| contender | wall s (median) | wall s (best) | CPU s | peak RSS MB | realtime x | mixdown / this (median) | mixdown / this (best) | output LUFS |'
echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|'
for c in $CONTENDERS; do
	f=times/$c-$SECS
	w=$(median "$f" 1)
	b=$(best "$f")
	printf '| %s | %.2f | %.2f | %.2f | %.1f | %.0f | %.2f | %.2f | %s |\n' "$c" "$w" "$b" "$(median "$f" 2)" "$(rss "$f")" \
		"$(calc "$SECS / $w")" "$(calc "$mixwall / $w")" "$(calc "$mixbest / $b")" "$(lufs "out/$c-$SECS.wav")"
done
if [ "$LONG" = 1 ]; then
	echo
	echo "Peak RSS at two song lengths (one run at $((2 * SECS)) s):"
	echo
	echo "| contender | peak RSS MB, $SECS s | peak RSS MB, $((2 * SECS)) s | wall s, $((2 * SECS)) s |"
	echo '|---|---:|---:|---:|'
	for c in $CONTENDERS; do
		printf '| %s | %.1f | %.1f | %.2f |\n' "$c" "$(rss "times/$c-$SECS")" \
			"$(rss "times/$c-$((2 * SECS))")" "$(median "times/$c-$((2 * SECS))" 1)"
	done
fi
echo
echo "Goals: mixdown wall <= 0.25 x SoX and <= 0.1 x ffmpeg; peak RSS < 300 MB, not growing with length."
for c in sox ffmpeg ffmpeg-1t; do
	printf 'mixdown / %s: wall %.2f (median), %.2f (best); CPU %.2f\n' "$c" "$(calc "$mixwall / $(median "times/$c-$SECS" 1)")" \
		"$(calc "$mixbest / $(best "times/$c-$SECS")")" "$(calc "$(median "times/mixdown-$SECS" 2) / $(median "times/$c-$SECS" 2)")"
done
echo
echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load average before: $LOAD, after: $(cut -d" " -f1-3 /proc/loadavg)"
echo "Tools: $(go version | cut -d' ' -f3-), SoX $(sox --version | sed 's/.*SoX v//'), ffmpeg $(ffmpeg -version | sed -n '1s/ffmpeg version \([^ ]*\).*/\1/p'), mixdown $REV (built at the start)"
