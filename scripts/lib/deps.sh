# shellcheck shell=bash
# Relais: the one list of Debian 12 packages the project needs, and the functions that install what is missing.
# Sourced by scripts/run and scripts/test; nothing here runs at source time.

# Build and run: compiler, build tools, the libraries found by CMake, SQLite's shell (backups, debugging),
# the time zone library and database (tzdata), Node.js/npm (contract lint), clang-14 with its runtime
# (fuzzing), wrk and curl (benchmarks, smoke checks), libcurl (the SMTP and HTTP client of the email and SMS
# channels), libphonenumber's library and what its headers include (protobuf, abseil): phone numbers (parsing,
# E.164, mobile or landline). Its -dev package cannot be installed beside Boost 1.81 (it depends on Debian's
# default Boost 1.74 through libboost-thread-dev, which its headers do not use), so its headers are unpacked
# from the package into var/deps/ instead (relais_ensure_phonenumber_headers). libxlsxwriter: the bilan's
# spreadsheet export (one workbook, one sheet per table). zlib: the compressed address files of
# `relais import addresses` (and the tests' reading of the bilan's workbooks).
RELAIS_PACKAGES="build-essential cmake ninja-build pkg-config git
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libsqlitecpp-dev libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev doctest-dev libsodium-dev libssl-dev
    liblemon-dev libhowardhinnant-date-dev tzdata nodejs npm clang-14 libclang-rt-14-dev wrk curl
    libcurl4-openssl-dev libphonenumber8 libprotobuf-dev libabsl-dev libxlsxwriter-dev zlib1g-dev"

# Extra packages only the test suites need: Debian's Chromium for the browser tests (tests/web, driven by
# playwright-core from npm; chromium-driver ships the matching chromedriver), a real SMTP server for the
# email channel's tests (aiosmtpd) and openssl's command to give it a certificate for STARTTLS.
TEST_PACKAGES="chromium chromium-driver python3-aiosmtpd python3-cryptography openssl"

# Some packages may be satisfied by another install of the same tool: a Node.js build that bundles npm
# provides the `npm` command without Debian's npm package (and the two conflict), so for these a command on
# PATH is enough.
relais_command_for_package() {
    case "$1" in
        nodejs) echo node ;;
        npm) echo npm ;;
        *) echo "" ;;
    esac
}

# Prints the packages of "$@" that are not installed, one per line.
relais_missing_packages() {
    local pkg cmd status
    for pkg in "$@"; do
        cmd=$(relais_command_for_package "$pkg")
        if [[ -n "$cmd" ]] && command -v "$cmd" >/dev/null 2>&1; then
            continue
        fi
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [[ "$status" != "install ok installed" ]]; then
            echo "$pkg"
        fi
    done
}

# Installs the missing packages among "$@" (word-split lists accepted). As root: apt-get update + install.
# Otherwise: prints the exact command to run and exits 1.
relais_install_packages() {
    local -a wanted missing
    # shellcheck disable=SC2206  # the lists are whitespace-separated package names on purpose
    wanted=($*)
    mapfile -t missing < <(relais_missing_packages "${wanted[@]}")
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    echo "relais: missing Debian packages: ${missing[*]}" >&2
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    else
        echo "relais: run this, then start again:" >&2
        echo "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
}

# The headers of libphonenumber-dev (the same version as the installed libphonenumber8), unpacked into
# var/deps/libphonenumber-dev unless the package itself is installed. CMake looks there (CMakeLists.txt).
relais_ensure_phonenumber_headers() {
    local root dir version deb
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    [[ -f /usr/include/phonenumbers/phonenumberutil.h ]] && return 0
    version=$(dpkg-query -W -f='${Version}' libphonenumber8)
    dir="$root/var/deps/libphonenumber-dev"
    if [[ -f "$dir/version" && "$(cat "$dir/version")" == "$version" ]]; then
        return 0
    fi
    rm -rf "$dir" && mkdir -p "$dir/deb"
    if ! (cd "$dir/deb" && apt-get download "libphonenumber-dev=$version" >/dev/null 2>&1); then
        if [[ $(id -u) -eq 0 ]]; then
            apt-get update >/dev/null
        fi
        (cd "$dir/deb" && apt-get download "libphonenumber-dev=$version")
    fi
    deb=$(ls "$dir"/deb/libphonenumber-dev_*.deb)
    dpkg-deb -x "$deb" "$dir/root"
    echo "$version" >"$dir/version"
}

# The packages needed to build and run.
relais_ensure_deps() {
    relais_install_packages "$RELAIS_PACKAGES"
    relais_ensure_phonenumber_headers
}

# The packages needed to build and run every test suite.
relais_ensure_test_deps() {
    relais_install_packages "$RELAIS_PACKAGES $TEST_PACKAGES"
    relais_ensure_phonenumber_headers
}

# Installs the npm dev dependencies (contract lint, browser tests) when the project has a package.json and
# node_modules is missing or older than package-lock.json. `npm ci` installs exactly the lock file.
relais_ensure_node_modules() {
    local root="$1"
    [[ -f "$root/package.json" ]] || return 0
    if [[ ! -d "$root/node_modules" ]] ||
        { [[ -f "$root/package-lock.json" ]] && [[ "$root/package-lock.json" -nt "$root/node_modules" ]]; }; then
        if [[ -f "$root/package-lock.json" ]]; then
            (cd "$root" && npm ci --no-audit --no-fund)
        else
            (cd "$root" && npm install --no-audit --no-fund)
        fi
        # npm ci may leave the folder's mtime older than the lock file; mark it fresh.
        touch "$root/node_modules"
    fi
}
