# Sourced by the floor venv scripts: find CPython interpreters of a given minor version.
#
#   find_python 3.10        prints the path of a CPython 3.10 with venv and ensurepip, or fails
#   pythons_from 3.9        prints the minor versions 3.9, 3.10, ... up to 3.20, one a line
#
# pyenv's shims refuse to run unless a version is selected, so the interpreters under
# ~/.pyenv/versions are called by their full paths; PYTHON3_<minor without dot>=/path
# (e.g. PYTHON3_10=/opt/py310/bin/python3) names one explicitly.

find_python() {
    local minor=$1 override candidate
    override=PYTHON${minor/./_}
    for candidate in "${!override:-}" "python$minor" "$HOME"/.pyenv/versions/"$minor".*/bin/python"$minor" \
        "/usr/local/bin/python$minor" "/usr/bin/python$minor"; do
        [ -n "$candidate" ] || continue
        if "$candidate" -c "import sys, venv, ensurepip; sys.exit('%d.%d' % sys.version_info[:2] != '$minor')" \
            >/dev/null 2>&1; then
            command -v "$candidate" || echo "$candidate"
            return 0
        fi
    done
    return 1
}

pythons_from() {
    local major=${1%%.*} minor=${1#*.}
    while [ "$minor" -le 20 ]; do
        echo "$major.$minor"
        minor=$((minor + 1))
    done
}

# Pip output without this machine's noise about configured mirrors that are absent.
quiet_pip() {
    grep -v "^WARNING: Location '.*' is ignored" >&2 || true
}

# The lowest botocore that an installed boto3 accepts (boto3 pins a range of botocore).
botocore_floor_of() {
    "$1" -c 'import importlib.metadata as m, re
print(next(re.search(r">=\s*([0-9.]+)", r).group(1) for r in m.requires("boto3") if r.startswith("botocore")))'
}
