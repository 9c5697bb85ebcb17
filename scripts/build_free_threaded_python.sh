#!/usr/bin/env bash
# A free-threaded CPython 3.13 (3.13t, the GIL off) for the free-threaded lanes and their tests, built
# from Debian trixie's python3.13 source package into a cache folder outside the checkout. Idempotent:
# an existing build is reused at once. The interpreter's path is the last line printed.
#
#   scripts/build_free_threaded_python.sh          # about 2.5 minutes on 2 cores the first time
#
# The package archive is the one this machine's own apt configuration names (no address is written
# here); apt is pointed at a private sources file and private lists, so the system's apt configuration
# and state are left alone. Exit 3: it can't be had here (no apt, no compiler, no network).
set -euo pipefail

cache="${TUICONC_PYTHON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tuiconc/python-3.13t}"
python="$cache/install/bin/python3.13t"
gil_off='import sys; sys.exit(0 if not sys._is_gil_enabled() else 1)'

if [ -x "$python" ] && "$python" -c "$gil_off" 2>/dev/null; then
    echo "$python"
    exit 0
fi

cannot() { echo "build_free_threaded_python: $*" >&2; exit 3; }
command -v apt-get >/dev/null || cannot "no apt-get here to fetch Debian's python3.13 source"
command -v cc >/dev/null && command -v make >/dev/null || cannot "no C compiler or make here"
uris=$(awk '$1 == "URIs:" {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$uris" ] || uris=$(awk '$1 == "deb" && $2 !~ /^\[/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$uris" ] || cannot "no Debian archive named in this machine's apt configuration"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/cache/archives/partial"
cat > "$work/parts/trixie-source.sources" <<EOF
Types: deb-src
URIs: $uris
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_options=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$work/parts"
             -o "Dir::State::lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1"
             -o "APT::Sandbox::User=$(id -un)")
apt-get "${apt_options[@]}" -qq update >/dev/null || cannot "apt-get update failed (no network?)"
(cd "$work" && apt-get "${apt_options[@]}" -qq source --download-only python3.13 >/dev/null) \
    || cannot "apt-get source python3.13 failed"
tarball=$(ls "$work"/python3.13_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || cannot "the python3.13 source package holds no upstream tarball"
tar -xf "$tarball" -C "$work"
source_dir=$(find "$work" -maxdepth 1 -type d -name 'Python-3.13*' | head -1)

echo "building free-threaded $(basename "$source_dir") into $cache/install …" >&2
rm -rf "$cache/install"
(
    cd "$source_dir"
    ./configure --disable-gil --prefix="$cache/install" --without-ensurepip >"$work/configure.log" 2>&1
    make -j"$(nproc)" >"$work/make.log" 2>&1
    make altinstall >"$work/install.log" 2>&1
) || { tail -20 "$work"/*.log >&2; cannot "the build failed (its last lines are above)"; }

"$python" -c "$gil_off" || cannot "$python runs with the GIL on"
"$python" -c 'import zlib, hashlib, json, sqlite3' 2>/dev/null \
    || echo "build_free_threaded_python: warning: some standard modules were not built (missing headers)" >&2
echo "$python"
