#!/bin/sh
# Regenerates the codec reference vectors with ffmpeg (Debian: apt-get install ffmpeg).
#   sweep-16k.s16le          0.5 s, 16 kHz mono s16le: a 200 Hz -> 6 kHz chirp, amplitude-modulated
#                            at 4 Hz (a crude speech-like envelope), peak about -8 dBFS
#   sweep-16k.g722           ffmpeg's G.722 64 kbit/s encoding of it (one byte per 2 samples)
#   sweep-16k.g722.dec.s16le ffmpeg's decoding of that bitstream
#   noise-16k.*             the same three files for 0.25 s of full-scale white noise, which
#                            drives the ADPCM into its saturation and limiter paths
#   g711-codes.bin           the 256 byte values 0..255
#   g711-ulaw.dec.s16le      ffmpeg's pcm_mulaw decoding of those codes
#   g711-alaw.dec.s16le      ffmpeg's pcm_alaw decoding of those codes
set -eu
cd "$(dirname "$0")"
ff="ffmpeg -hide_banner -loglevel error -y"

$ff -f lavfi -i "aevalsrc=exprs='0.4*(0.6+0.4*sin(2*PI*4*t))*sin(2*PI*(200*t+5800*t*t))':s=16000:d=0.5" \
    -ac 1 -c:a pcm_s16le -f s16le sweep-16k.s16le
$ff -f s16le -ar 16000 -ac 1 -i sweep-16k.s16le -c:a g722 -f g722 sweep-16k.g722
$ff -f g722 -i sweep-16k.g722 -c:a pcm_s16le -ar 16000 -f s16le sweep-16k.g722.dec.s16le

$ff -f lavfi -i "aevalsrc=exprs='2*random(0)-1':s=16000:d=0.25" -ac 1 -c:a pcm_s16le -f s16le noise-16k.s16le
$ff -f s16le -ar 16000 -ac 1 -i noise-16k.s16le -c:a g722 -f g722 noise-16k.g722
$ff -f g722 -i noise-16k.g722 -c:a pcm_s16le -ar 16000 -f s16le noise-16k.g722.dec.s16le

i=0
: > g711-codes.bin
while [ $i -lt 256 ]; do
    printf "\\$(printf %03o $i)" >> g711-codes.bin
    i=$((i + 1))
done
$ff -f mulaw -ar 8000 -ac 1 -i g711-codes.bin -c:a pcm_s16le -f s16le g711-ulaw.dec.s16le
$ff -f alaw -ar 8000 -ac 1 -i g711-codes.bin -c:a pcm_s16le -f s16le g711-alaw.dec.s16le
ffmpeg -version | head -1 > ffmpeg-version.txt
