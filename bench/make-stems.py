#!/usr/bin/python3
"""make-stems.py SONG.mid OUTDIR [RATE]: render every MIDI channel of SONG to its own
stereo 24-bit WAV stem with fluidsynth and the FluidR3 GM soundfont.

For each channel, the song is copied with the note events of every other channel replaced
by a no-op controller message (CC 110) with the same delta time, so tempo, programs,
volumes, pans and pitch bends stay exactly as the arranger wrote them and only that channel
sounds. Files are named NN_instrument.wav (NN = the 0-based MIDI channel).

Same method as examples/demo/make-stems.sh and the team's shared tool; the benchmark keeps
its own copy so that bench/run.sh needs nothing outside the repository.
Needs Debian's python3-mido (in the system Python: run with /usr/bin/python3)."""
import os, subprocess, sys, tempfile

import mido

GM = ["piano"] * 4 + ["epiano"] * 2 + ["harpsi", "clav", "celesta", "glock", "musicbox", "vibes",
      "marimba", "xylo", "bells", "dulcimer"] + ["organ"] * 5 + ["accordion", "harmonica", "bandoneon",
      "nylon", "steel", "jazzgtr", "cleangtr", "mutedgtr", "odgtr", "distgtr", "harmonics"] + \
     ["bass"] * 6 + ["synbass"] * 2 + ["violin", "viola", "cello", "contrabass", "tremolo", "pizz",
      "harp", "timpani", "strings", "strings", "synstr", "synstr", "choir", "voice", "synvoice", "hit",
      "trumpet", "trombone", "tuba", "mutetpt", "horn", "brass", "synbrass", "synbrass",
      "sax", "sax", "sax", "sax", "oboe", "enghorn", "bassoon", "clarinet", "piccolo", "flute",
      "recorder", "panflute", "bottle", "shaku", "whistle", "ocarina"] + ["synth"] * 48
SF2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"


def main():
    song, out = sys.argv[1], sys.argv[2]
    rate = sys.argv[3] if len(sys.argv) > 3 else "48000"
    os.makedirs(out, exist_ok=True)
    m = mido.MidiFile(song)
    chans, progs = set(), {}
    for t in m.tracks:
        for msg in t:
            if msg.type == "note_on":
                chans.add(msg.channel)
            if msg.type == "program_change":
                progs.setdefault(msg.channel, msg.program)
    for ch in sorted(chans):
        solo = mido.MidiFile(type=m.type, ticks_per_beat=m.ticks_per_beat)
        for t in m.tracks:
            nt = mido.MidiTrack()
            for msg in t:
                if msg.type in ("note_on", "note_off") and msg.channel != ch:
                    msg = mido.Message("control_change", channel=msg.channel, control=110, value=0, time=msg.time)
                nt.append(msg)
            solo.tracks.append(nt)
        name = "drums" if ch == 9 else GM[progs.get(ch, 0)]
        path = f"{out}/{ch:02d}_{name}.wav"
        with tempfile.NamedTemporaryFile(suffix=".mid") as tmp:
            solo.save(tmp.name)
            subprocess.run(["fluidsynth", "-ni", "-q", "-g", "0.6", "-r", rate, "-O", "s24", "-T", "wav",
                            "-F", path, SF2, tmp.name],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(path)


if __name__ == "__main__":
    main()
