#!/usr/bin/env bash
# Installs the peers the end-to-end tests talk to. Idempotent: installs only what is missing.
# Add new peers as one "ensure_*" step each (a LiveKit server comes later).
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Root runs apt-get directly; anyone else needs sudo.
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
    if [[ "$(id -u)" -ne 0 && -z "$SUDO" ]]; then
        die "need root or sudo to install: $*"
    fi
    if [[ $APT_UPDATED -eq 0 ]]; then
        say "apt-get update"
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
        APT_UPDATED=1
    fi
    say "apt-get install -y $*"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

deb_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

# Debian packages: one package name per line, with what the tests use it for.
ensure_debs() {
    local missing=() pkg
    for pkg in "$@"; do
        if deb_installed "$pkg"; then
            say "$pkg: already installed"
        else
            say "$pkg: missing"
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        apt_install "${missing[@]}"
    fi
}

ensure_command() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' still not on PATH after install"
    say "$1: $(command -v "$1")"
}

ensure_sip_peers() {
    # sip-tester: SIPp scenarios; baresip: real phones (tone source, recorder);
    # sox: test audio files for SIPp rtp_stream.
    ensure_debs sip-tester baresip sox
    ensure_command sipp
    ensure_command baresip
    ensure_command sox
}

ensure_browser() {
    # chromium: headless browser with fake media devices (room page end-to-end tests);
    # chromium-driver: the matching chromedriver, so Selenium never downloads one.
    ensure_debs chromium chromium-driver
    ensure_command chromium
    ensure_command chromedriver
}

# Later: ensure_livekit (LiveKit server from its Go module).

main() {
    say "checking test peers"
    ensure_sip_peers
    ensure_browser
    say "done"
}

main "$@"
