#!/bin/sh
# Generates the IVR prompts shipped with Passerelle: prompts/<lang>/<name>.wav, 16 kHz mono
# 16-bit PCM, peak-normalised to -3 dBFS, leading and trailing silence trimmed. The product
# reads them at run time (PromptLibrary converts to 48 kHz); espeak-ng is only needed here.
#
#   apt-get install -y espeak-ng sox
#   gateway/src/main/resources/prompts/generate.sh
#
# Voice: Debian's espeak-ng (main, GPL-3). The better-sounding MBROLA voices are not in Debian
# main (mbrola-fr*, mbrola-us*: non-free, non-commercial licence), so the product does not ship
# recordings made with them. Admins may replace any prompt with their own recording: same
# name, any 16-bit PCM WAV at 8, 16 or 48 kHz, in their prompt directory <dir>/<lang>/<name>.wav.
set -eu
cd "$(dirname "$0")"
command -v espeak-ng >/dev/null || { echo "generate.sh: espeak-ng missing (apt-get install -y espeak-ng)" >&2; exit 1; }
command -v sox >/dev/null || { echo "generate.sh: sox missing (apt-get install -y sox)" >&2; exit 1; }

# "pin" is written in lower case: espeak-ng spells out "PIN" letter by letter.
WORDS_PER_MINUTE=150
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# say LANG VOICE NAME TEXT
say() {
    mkdir -p "$1"
    espeak-ng -v "$2" -s "$WORDS_PER_MINUTE" -w "$tmp/raw.wav" "$4"
    # silence effect twice around reverse: trim the start, then the end (below 0.5 % for 30 ms)
    sox -R "$tmp/raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$tmp/trimmed.wav" \
        silence 1 0.03 0.5% reverse silence 1 0.03 0.5% reverse
    # short fades so a prompt never starts or ends with a click; -R: same dither, same bytes each run
    sox -R "$tmp/trimmed.wav" "$1/$3.wav" fade t 0.01 -0 0.02 norm -3
    echo "$1/$3.wav: $(soxi -D "$1/$3.wav") s"
}

say fr fr welcome     "Bienvenue. Veuillez saisir le code de votre réunion, suivi de la touche dièse."
say fr fr wrong-pin   "Ce code n'est pas valide. Veuillez réessayer."
say fr fr goodbye     "Désolé, nous n'avons pas pu reconnaître votre code. Au revoir."
say fr fr locked      "Trop de tentatives. Veuillez réessayer plus tard. Au revoir."
say fr fr joining     "Vous rejoignez la réunion."
say fr fr waiting     "Vous êtes le premier participant. Veuillez patienter."
say fr fr closed      "Ce service est fermé. Au revoir."
say fr fr unavailable "Le service n'est pas disponible pour le moment. Veuillez réessayer plus tard."

say en en welcome     "Welcome. Please enter your meeting pin, followed by the hash key."
say en en wrong-pin   "This pin is not valid. Please try again."
say en en goodbye     "Sorry, we could not recognise your pin. Goodbye."
say en en locked      "Too many attempts. Please try again later. Goodbye."
say en en joining     "You are joining the meeting."
say en en waiting     "You are the first participant. Please wait for the others."
say en en closed      "This service is closed. Goodbye."
say en en unavailable "The service is not available at the moment. Please try again later."
