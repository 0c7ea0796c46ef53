#!/usr/bin/env bash
# Run ansible-test sanity, units or integration on the ephemeral.aws collection, without Docker.
#
# Usage: scripts/ansible_sanity.sh [--core current|oldest|newest|RELEASE|/path/to/venv] [--python X.Y]...
#                                  [sanity|units|all|integration] [-- extra ansible-test arguments]
#   all is sanity and units; integration runs tests/integration/targets with --local, in the
#   core's venv itself (its targets start what they need, e.g. the local Lambda endpoint, from
#   the project installed there: use it with --core current).
#   --core current  the project venv .venv (ansible-core 2.21; run scripts/bootstrap.sh first)
#   --core RELEASE  a release of scripts/ansible_cores.txt, e.g. 2.19.0, in its venv
#                   (created by scripts/ansible_core_venv.sh when missing)
#   --core oldest, --core newest   the first and the last release of that list
#   --python X.Y    Python version(s) to test with (repeatable; default 3.12). The controller
#                   tests need a controller Python of that core; for other versions only the
#                   target tests (compile, import, ...) run.
# Environment: ANSIBLE_TEST_EXTRA="..." extra ansible-test arguments.
#
# Two workarounds for this kind of machine (see shared NOTES section 5):
# * ansible-test looks target Pythons up as python3.X on PATH, where pyenv's shims refuse to
#   run without PYENV_VERSION (which ansible-test drops): links to the real interpreters go
#   first on PATH.
# * ansible-test bootstraps pip in each test venv from a get-pip script it downloads. When
#   that download is unreachable, a stand-in is seeded in ~/.ansible/test/cache that
#   bootstraps pip with ensurepip and pip-installs the requested packages from the registry.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
COLLECTION="$ROOT/ansible_collections/ephemeral/aws"

core=current
pythons=()
what=all
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --core) core=$2; shift 2 ;;
        --python) pythons+=("$2"); shift 2 ;;
        sanity|units|all|integration) what=$1; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "ansible_sanity: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ ${#pythons[@]} -gt 0 ] || pythons=(3.12)
# shellcheck disable=SC2206
extra+=(${ANSIBLE_TEST_EXTRA:-})

case "$core" in
    current) venv="$ROOT/.venv" ;;
    oldest) venv=$("$ROOT/scripts/ansible_core_venv.sh" "$("$ROOT/scripts/ansible_core_venv.sh" --list | head -1)") ;;
    newest) venv=$("$ROOT/scripts/ansible_core_venv.sh" "$("$ROOT/scripts/ansible_core_venv.sh" --list | tail -1)") ;;
    [0-9]*.[0-9]*.[0-9]*) venv=$("$ROOT/scripts/ansible_core_venv.sh" "$core") ;;
    *) venv=$core ;;
esac
[ -x "$venv/bin/ansible-test" ] || { echo "ansible_sanity: no ansible-test in $venv (run scripts/bootstrap.sh?)" >&2; exit 1; }

# ansible-test finds target Pythons as python3.X on PATH. pyenv's shims only run with
# PYENV_VERSION set, and ansible-test does not pass that variable on to the commands it runs,
# so a folder of links to the real interpreters goes first on PATH (PYENV_VERSION is set too,
# for the shims ansible-test may still meet).
if [ -d "$HOME/.pyenv/versions" ]; then
    links="${XDG_CACHE_HOME:-$HOME/.cache}/ephemeral-aws/pythons"
    mkdir -p "$links"
    versions=$(cd "$HOME/.pyenv/versions" && ls -d 3.* 2>/dev/null | sort -t. -k1,1n -k2,2n -k3,3n)
    for version in $versions; do  # ascending: the newest patch release of a minor wins
        minor=${version%.*}
        [ -x "$HOME/.pyenv/versions/$version/bin/python$minor" ] &&
            ln -sfn "$HOME/.pyenv/versions/$version/bin/python$minor" "$links/python$minor"
    done
    PATH="$links:$PATH"
    PYENV_VERSION=$(echo "$versions" | sort -t. -k1,1n -k2,2nr | paste -sd: -)
    export PATH PYENV_VERSION
fi

# The pip bootstrap script this ansible-test wants, and a stand-in if it cannot be downloaded.
pip_version=$("$venv/bin/python" - <<'PY'
import re, ansible_test, pathlib
text = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"default_packages = dict\(\s*pip='([^']+)'", text).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
url="https://ci-files.testing.ansible.com/ansible-test/get-pip-${pip_version}.py"
if [ ! -f "$cache" ]; then
    if "$venv/bin/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "$url" >/dev/null 2>&1; then
        echo "ansible_sanity: $url is reachable; ansible-test will download it" >&2
    else
        echo "ansible_sanity: $url is unreachable; seeding the ensurepip stand-in $cache" >&2
        mkdir -p "$(dirname "$cache")"
        cat > "$cache" <<'PY'
"""Stand-in for get-pip.py, used where the official download is unreachable.

Bootstraps pip into the running interpreter with ensurepip (the wheel bundled with Python),
then pip-installs the arguments (the pinned pip and friends ansible-test asks for) from the
configured package index. get-pip's own --no-setuptools/--no-wheel flags are dropped.
"""
import subprocess
import sys

# In a child process: ensurepip.bootstrap() in this one would leave PIP_CONFIG_FILE=/dev/null
# and no PIP_* variables in our environment, dropping the machine's pip configuration.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
PY
    fi
fi

cd "$COLLECTION"
export PATH="$venv/bin:$PATH"
status=0
for py in "${pythons[@]}"; do
    if [ "$what" = sanity ] || [ "$what" = all ]; then
        echo "== ansible-test sanity --python $py (ansible-core $("$venv/bin/python" -c "import ansible; print(ansible.__version__)"))" >&2
        "$venv/bin/ansible-test" sanity --venv --python "$py" --color no "${extra[@]}" || status=1
    fi
    if [ "$what" = units ] || [ "$what" = all ]; then
        echo "== ansible-test units --python $py" >&2
        "$venv/bin/ansible-test" units --venv --python "$py" --color no "${extra[@]}" || status=1
    fi
    if [ "$what" = integration ]; then
        echo "== ansible-test integration --local --python $py" >&2
        "$venv/bin/ansible-test" integration --local --python "$py" --color no "${extra[@]}" || status=1
    fi
done
exit $status
