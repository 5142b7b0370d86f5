#!/usr/bin/env bash
# Installs the peers the end-to-end tests talk to. Idempotent: installs only what is missing.
# Add new peers as one "ensure_*" step each.
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

# LiveKit server, built from its Go module. v1.13.5: the newest release whose whole dependency
# closure the Go module proxy serves here and that verifies against the checksum database
# (v1.13.6+ need livekit/protocol pseudo-versions the proxy refuses with 403; v1.9.11 is missing
# from the checksum database); it builds with Go >= 1.26 (its go.mod says go 1.26).
# Built in the module's own directory so that its go.mod (and any replace directive in it)
# applies; "go install module@version" would ignore replace directives. Cached outside the repo.
LIVEKIT_VERSION="${LIVEKIT_VERSION:-v1.13.5}"
LIVEKIT_CACHE="${PASSERELLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/passerelle}"
LIVEKIT_BIN="$LIVEKIT_CACHE/livekit-server-$LIVEKIT_VERSION"

# Firefox ESR and geckodriver, so the room page is tested in Firefox's WebRTC stack too.
# geckodriver is not packaged by Debian and GitHub release downloads are out of reach: it is built
# from its crate on crates.io (cargo install --locked: the dependency versions its Cargo.lock pins)
# into the same cache as livekit-server. 0.37.1 (edition 2024; its locked time/plist crates say
# rust-version 1.88) needs Rust >= 1.88, e.g. rustup's in ~/.cargo/bin. Debian 12's cargo has
# rustc 1.63: with it the older 0.32.2 is built instead (edition 2018, dependencies of late 2022).
GECKODRIVER_VERSION="${GECKODRIVER_VERSION:-0.37.1}"
GECKODRIVER_OLD_RUST_VERSION="0.32.2"
GECKODRIVER_MIN_RUST="1.88"

find_cargo() {
    if command -v cargo >/dev/null 2>&1; then
        command -v cargo
    elif [[ -x "$HOME/.cargo/bin/cargo" ]]; then
        printf '%s\n' "$HOME/.cargo/bin/cargo"
    fi
}

geckodriver_bin() {
    printf '%s\n' "$LIVEKIT_CACHE/geckodriver-$1/bin/geckodriver"
}

# true when version $1 >= version $2 (dotted numbers)
version_at_least() {
    [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

ensure_firefox() {
    # firefox-esr: headless Firefox with fake media (media.navigator.streams.fake) for the room page;
    # pulseaudio: a private null sink per Firefox, its sound card (no device: no AudioContext runs)
    ensure_debs firefox-esr pulseaudio
    ensure_command firefox-esr
    ensure_command pulseaudio
    local version
    for version in "$GECKODRIVER_VERSION" "$GECKODRIVER_OLD_RUST_VERSION"; do
        if [[ -x "$(geckodriver_bin "$version")" ]]; then
            say "geckodriver $version: $(geckodriver_bin "$version")"
            return
        fi
    done
    local cargo rustc rust_version
    cargo="$(find_cargo)"
    if [[ -z "$cargo" ]]; then
        ensure_debs cargo
        cargo="$(find_cargo)"
    fi
    [[ -n "$cargo" ]] || die "cargo not found: geckodriver is built from its crate (install Rust with rustup)"
    rustc="$(dirname "$cargo")/rustc"
    [[ -x "$rustc" ]] || rustc="rustc"
    rust_version="$("$rustc" --version | awk '{print $2}')"
    version="$GECKODRIVER_VERSION"
    if ! version_at_least "$rust_version" "$GECKODRIVER_MIN_RUST"; then
        version="$GECKODRIVER_OLD_RUST_VERSION"
        say "geckodriver: rustc $rust_version is older than $GECKODRIVER_MIN_RUST (needed by $GECKODRIVER_VERSION): building $version"
    fi
    local root="$LIVEKIT_CACHE/geckodriver-$version" start=$SECONDS status=0
    say "geckodriver $version: not built yet; cargo install with $("$cargo" --version), a few minutes"
    mkdir -p "$LIVEKIT_CACHE"
    # cargo prints its own progress (Downloading / Compiling lines). The target dir is temporary.
    "$cargo" install --locked geckodriver --version "$version" \
        --root "$root" --target-dir "$root.build" || status=$?
    rm -rf "$root.build"
    [[ $status -eq 0 && -x "$(geckodriver_bin "$version")" ]] \
        || die "building geckodriver $version failed (cargo exit $status)"
    say "geckodriver $version: built in $((SECONDS - start)) s: $(geckodriver_bin "$version")"
}

ensure_livekit() {
    if [[ -x "$LIVEKIT_BIN" ]]; then
        say "livekit-server $LIVEKIT_VERSION: $LIVEKIT_BIN"
        return
    fi
    command -v go >/dev/null 2>&1 || die "go not found: livekit-server is built from its Go module (go >= 1.26)"
    go_build_module livekit-server "github.com/livekit/livekit-server" "$LIVEKIT_VERSION" ./cmd/server \
        "$LIVEKIT_BIN" 0 "several minutes"
}

# Builds the command PKG of the Go module MODULE@VERSION into BIN, from the module's own directory
# so its replace directives apply: go_build_module NAME MODULE VERSION PKG BIN CGO HOW_LONG.
# -mod=mod lets go fetch what go.sum names without asking to edit the (read-only) go.mod; the
# binary goes to a temp file, renamed once complete. go build is silent for minutes: a heartbeat
# says it is alive.
go_build_module() {
    local name=$1 module=$2 version=$3 pkg=$4 bin=$5 cgo=$6 how_long=$7
    say "$name $version: not built yet; downloading its Go module ($(go version))"
    local json dir start=$SECONDS
    json="$(go mod download -json "$module@$version")" \
        || die "go mod download $module@$version failed: $json"
    dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    [[ -n "$dir" && -d "$dir" ]] || die "no module directory in: $json"
    say "$name $version: building in $dir (one time; $how_long on 2 cores)"
    mkdir -p "$(dirname "$bin")"
    (while sleep 30; do say "$name $version: still building ($((SECONDS - start)) s)"; done) &
    local heartbeat=$! status=0
    (cd "$dir" && GOFLAGS="${GOFLAGS:-} -mod=mod" CGO_ENABLED=$cgo \
        go build -trimpath -o "$bin.tmp" "$pkg") || status=$?
    kill "$heartbeat" 2>/dev/null || true
    wait "$heartbeat" 2>/dev/null || true
    [[ $status -eq 0 ]] || die "building $name $version failed (go build exit $status)"
    mv "$bin.tmp" "$bin"
    say "$name $version: built in $((SECONDS - start)) s: $bin"
}

# LiveKit SIP (the comparison peer of the benchmarks), built from its Go module like the server.
# v1.8.0: served by the Go module proxy here (the proxy refuses the module's version list, 403,
# but serves v1.8.0, v1.7.0 and v1.0.0 by exact version). Unlike livekit-server it needs cgo:
# libopus/libopusfile (Opus) and libsoxr (resampling) through pkg-config, and a C compiler.
LIVEKIT_SIP_VERSION="${LIVEKIT_SIP_VERSION:-v1.8.0}"
LIVEKIT_SIP_BIN="$LIVEKIT_CACHE/livekit-sip-$LIVEKIT_SIP_VERSION"

ensure_livekit_sip() {
    if [[ -x "$LIVEKIT_SIP_BIN" ]]; then
        say "livekit-sip $LIVEKIT_SIP_VERSION: $LIVEKIT_SIP_BIN"
        return
    fi
    ensure_debs gcc libc6-dev pkg-config libopus-dev libopusfile-dev libsoxr-dev
    command -v go >/dev/null 2>&1 || die "go not found: livekit-sip is built from its Go module (go >= 1.26)"
    go_build_module livekit-sip "github.com/livekit/sip" "$LIVEKIT_SIP_VERSION" ./cmd/livekit-sip \
        "$LIVEKIT_SIP_BIN" 1 "a few minutes"
}

# LiveKit keeps SIP trunks and dispatch rules only in Redis: without it every SIP API call
# answers "sip not connected (redis required)". The tests start a private redis-server.
ensure_redis() {
    ensure_debs redis-server
    ensure_command redis-server
}

# The LiveKit test client (tests/livekit/client): @livekit/rtc-node, pinned by package-lock.json.
ensure_livekit_client() {
    local dir
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/livekit/client"
    command -v npm >/dev/null 2>&1 || ensure_debs nodejs npm
    # Installed, and not older than the lock file (npm writes node_modules/.package-lock.json).
    if [[ -d "$dir/node_modules" && ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
        say "livekit client: $dir/node_modules present"
        return
    fi
    say "livekit client: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in $dir failed"
}

# With arguments, runs only those steps (e.g. "setup.sh livekit redis"); without, all of them.
main() {
    if [[ $# -gt 0 ]]; then
        local step
        for step in "$@"; do
            declare -F "ensure_$step" >/dev/null || die "unknown step: $step"
            "ensure_$step"
        done
        return
    fi
    say "checking test peers"
    ensure_sip_peers
    ensure_browser
    ensure_firefox
    ensure_redis
    ensure_livekit
    ensure_livekit_sip
    ensure_livekit_client
    say "done"
}

main "$@"
