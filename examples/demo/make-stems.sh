#!/bin/sh
# make-stems.sh: rebuild examples/demo/stems/*.flac from the MIDI song "Keep on Rolling"
# (OpenMSX, GPL-2.0) with fluidsynth and the FluidR3_GM soundfont. See ATTRIBUTION.md.
#
# Not run in CI: the committed stems are the source of truth for tests and the demo.
# This script only documents, reproducibly, how they were made.
#
# Needs (Debian 12):
#   apt-get update
#   apt-get install -y fluidsynth fluid-soundfont-gm python3-mido openttd-openmsx sox flac
# Tested with FluidSynth 2.3.1, SoX 14.4.2, flac 1.4.2, mido 1.2.10, openttd-openmsx 0.4.2.
#
# Usage: sh examples/demo/make-stems.sh [OUTDIR]   (default: stems/ beside this script)
#
# Steps:
#   1. Check the song is the one OpenMSX 0.4.2 ships (md5 from openmsx.obm).
#   2. For each stem, write a copy of the song in which every note of the other channels is
#      replaced by a no-op controller message (CC 110) with the same delta time, so the timing,
#      tempo, programs, volumes and pitch bends of the whole song are kept and only the stem's
#      channels sound. (Same idea as /work/shared/tools/make-stems.py.)
#   3. Render that copy with fluidsynth, DRY: -R 0 -C 0 turn the built-in reverb and chorus
#      off (mixdown adds its own). -g 0.6 is one gain for every stem, so the stems keep the
#      song's own balance; float output so nothing clips before the final conversion.
#   4. Cut every stem at the same samples: bars 4-12 of the song (1-based; bar 4 is the drum
#      fill that brings the band in, bars 5-12 are the first 8-bar horn chorus), 9 bars at
#      104 BPM = 915923 samples = 20.77 s. No fades: the mix does those.
#   5. Fold to mono where the instrument is mono (see MONO below) and convert to 16-bit
#      44100 Hz WAV with sox: TPDF dither, but with -a so digital silence (where the
#      instrument rests) stays exactly zero; -R seeds the dither so the output is repeatable.
#   6. Compress losslessly to FLAC with flac --best (about a third of the WAV size), without
#      padding or tags beyond the encoder's vendor string.
#
# The output is deterministic: running the script twice gives byte-identical files.
set -eu

SONG=/usr/share/games/openttd/baseset/openmsx/keep_on_rolling.mid
SONG_MD5=c81d548e718d336f9e4d35375be643bd
SF2=/usr/share/sounds/sf2/FluidR3_GM.sf2
RATE=44100
GAIN=0.6
# Debian's python3-mido lives in the system Python; a pyenv/venv python3 may not have it.
PY=/usr/bin/python3

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/stems}

# Stems: name and the MIDI channels (0-based) that sound in it.
# The piano (ch 4, 5) and the pad (ch 6) stay stereo: with FluidR3 they are genuinely stereo
# (stereo samples, L/R correlation near 0). As WAV they did not fit the demo's size budget;
# as FLAC all eight stems do (see STEMS.md).
STEMS="drums:9 bass:8 guitar:7 saxes:0,1 trumpet:3 trombone:2 piano:4,5 pad:6"
# Stems stored mono. bass, guitar, trumpet and trombone render with L == R exactly (mono
# samples, no CC10 pan in the song). FluidR3's saxophones are stereo samples, but their side
# signal is 18 dB below mid (correlation 0.97): a sax is a point source, so mono.
# drums stay stereo: the kit is panned per drum in the soundfont.
MONO="bass guitar saxes trumpet trombone"

for tool in fluidsynth sox flac "$PY"; do
	command -v "$tool" >/dev/null || { echo "missing $tool (see the apt-get line above)" >&2; exit 1; }
done
[ -f "$SF2" ] || { echo "missing $SF2 (apt-get install fluid-soundfont-gm)" >&2; exit 1; }
echo "$SONG_MD5  $SONG" | md5sum -c --quiet - || { echo "unexpected $SONG" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# Step 2, and the cut points in samples from the song's own tempo map.
"$PY" - "$SONG" "$WORK" "$RATE" $STEMS >"$WORK/cut" <<'EOF'
import sys, mido
song, work, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
m = mido.MidiFile(song)
for spec in sys.argv[4:]:
    name, chans = spec.split(":")
    keep = {int(c) for c in chans.split(",")}
    solo = mido.MidiFile(type=m.type, ticks_per_beat=m.ticks_per_beat)
    for track in m.tracks:
        nt = mido.MidiTrack()
        for msg in track:
            if msg.type in ("note_on", "note_off") and msg.channel not in keep:
                msg = mido.Message("control_change", channel=msg.channel, control=110, value=0, time=msg.time)
            nt.append(msg)
        solo.tracks.append(nt)
    solo.save(f"{work}/{name}.mid")
# The song has one tempo (576923 us per beat = 104 BPM) and 4/4 throughout; check, then cut
# from the start of bar 4 to the start of bar 13 (1-based), rounded to whole samples.
tempos = [x.tempo for t in m.tracks for x in t if x.type == "set_tempo"]
sigs = {(x.numerator, x.denominator) for t in m.tracks for x in t if x.type == "time_signature"}
assert len(set(tempos)) == 1 and sigs == {(4, 4)}, (tempos, sigs)
bar = 4 * tempos[0] * 1e-6 * rate
start, end = round(3 * bar), round(12 * bar)
print(start, end - start)
EOF
read -r START LEN <"$WORK/cut"
echo "cut: start sample $START, length $LEN samples ($RATE Hz)"

for spec in $STEMS; do
	name=${spec%%:*}
	# Step 3: dry render, 32-bit float stereo.
	fluidsynth -n -i -q -R 0 -C 0 -g "$GAIN" -r "$RATE" -O float -T wav \
		-F "$WORK/$name.wav" "$SF2" "$WORK/$name.mid" >/dev/null 2>&1
	# Steps 4 and 5: cut, fold, convert; step 6: FLAC.
	case " $MONO " in
	*" $name "*) fold="remix -m 1v0.5,2v0.5" ;; # (L+R)/2; equals L exactly when L == R
	*) fold="" ;;
	esac
	# shellcheck disable=SC2086 # $fold is deliberately split into sox effect arguments
	sox -R -V1 "$WORK/$name.wav" -b 16 -e signed-integer "$WORK/$name-cut.wav" \
		trim "${START}s" "${LEN}s" $fold dither -a
	flac --best --no-padding --silent --force -o "$OUT/$name.flac" "$WORK/$name-cut.wav"
	printf '%-9s %s ch, %s samples\n' "$name" "$(soxi -c "$OUT/$name.flac" 2>/dev/null)" \
		"$(soxi -s "$OUT/$name.flac" 2>/dev/null)"
done
