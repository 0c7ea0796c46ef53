"""Every environment and check of the project, declared once (nox, environments made by uv).

    scripts/nox              the full run (the test command of the README; .ci/run calls it)
    scripts/nox -s quick     the inner loop: ruff, mypy and the fast tests, on one Python
    scripts/nox -s demo      the main job against the local Lambda endpoint
    scripts/nox -l           every session

The matrices are read from where they are declared: the Pythons from pyproject's classifiers,
the version floors from pyproject.toml and meta/runtime.yml (scripts/floors.py), the
ansible-core releases from scripts/ansible_cores.txt.

An environment that tests use from another process (the floors, the other Pythons, each
ansible-core release) is a session of its own; it is linked at the path the tests look for
(`.venv-<name>`), and the project's development environment at `.venv`.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))
import floors  # noqa: E402  (scripts/floors.py: the declared floors, read once)

COLLECTION = ROOT / "ansible_collections/ephemeral/aws"
MAIN_PYTHON = "3.12"  # ansible-core 2.21 needs >= 3.12 on the controller; awslambdaric has wheels to 3.13
PYTHONS = floors.claimed_pythons()
FLOORS = floors.floors()
CORE_DEPTHS = dict(
    line.split()[:2]
    for line in (ROOT / "scripts/ansible_cores.txt").read_text().splitlines()
    if line.strip() and not line.lstrip().startswith("#")
)
ANSIBLE_CORES = list(CORE_DEPTHS)


def _series(release: str) -> str:
    return ".".join(release.split(".")[:2])


# ansible-test's rules change from one series to the next, not between patch releases, and
# the playbook suite runs the plugins on every listed release: sanity and units run on the
# newest listed release of each series, units also on the oldest (the claimed floor).
SANITY_CORES = [
    release
    for index, release in enumerate(ANSIBLE_CORES)
    if index + 1 == len(ANSIBLE_CORES) or _series(ANSIBLE_CORES[index + 1]) != _series(release)
]
ANSIBLE_TEST_CORES = [
    release for release in ANSIBLE_CORES if release in SANITY_CORES or release == ANSIBLE_CORES[0]
]

nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.download_python = "never"
# uv would otherwise fetch a Python it does not find, from a host this machine cannot reach.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
nox.options.error_on_missing_interpreters = True


def _pyenv_pythons() -> None:
    """Interpreters under ~/.pyenv/versions go on PATH by their own folders: pyenv's shims
    refuse to run unless a version is selected, and uv and ansible-test look for python3.X."""
    versions = Path.home() / ".pyenv/versions"
    if not versions.is_dir():
        return
    links = ROOT / ".nox/pythons"
    links.mkdir(parents=True, exist_ok=True)
    found = sorted(
        (path for path in versions.glob("3.*") if re.fullmatch(r"3\.\d+\.\d+", path.name)),
        key=lambda path: tuple(int(part) for part in path.name.split(".")),
    )
    for path in found:  # ascending: the newest patch release of a minor wins
        minor = ".".join(path.name.split(".")[:2])
        target = path / f"bin/python{minor}"
        if target.exists():
            link = links / f"python{minor}"
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(target)
    os.environ["PATH"] = f"{links}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["PYENV_VERSION"] = ":".join(path.name for path in reversed(found))


_pyenv_pythons()


def _link(session: nox.Session, name: str) -> Path:
    """Link the session's environment where the tests and scripts look for it."""
    link = ROOT / name
    location = Path(session.virtualenv.location)
    if link.is_symlink():
        if Path(os.readlink(link)) == location:
            return link
        link.unlink()
    elif link.exists():  # a folder from an older checkout's scripts: generated, replaced
        shutil.rmtree(link)
    link.symlink_to(location)
    return link


DEV = ROOT / ".venv"


def _in(session: nox.Session, venv: Path) -> None:
    """For ansible-lint, which looks ansible-playbook up on PATH: another environment's bin
    folder goes first on the PATH of what the session runs (_ansible_test does the same for
    ansible-test's command alone). Other sessions call every command by its full path and
    leave PATH alone, as a user's shell would."""
    session.env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    session.env["VIRTUAL_ENV"] = str(venv)


def _bin(venv: Path, name: str) -> str:
    return str(venv / "bin" / name)


# ---------------------------------------------------------------- environments


# Seeded with pip: tests build the wheel and install it with pip, as users do.
@nox.session(python=MAIN_PYTHON, tags=["env"], venv_params=["--seed"])
def dev(session: nox.Session) -> None:
    """The development environment (.venv): the project editable with its dev extra."""
    session.install("-e", ".[dev]")
    _link(session, ".venv")


@nox.session(python=FLOORS["python"], name="floor-core", tags=["env"])
def floor_core(session: nox.Session) -> None:
    """The version floors (.venv-floor-core): boto3, the lowest botocore it accepts and pulumi,
    exactly, on the oldest claimed Python, with the tools the core's tests need."""
    pins = [f"boto3=={FLOORS['boto3']}", f"pulumi=={FLOORS['pulumi']}"]
    session.install("-e", ".[pulumi]", *pins, *floors.test_tools())
    session.install(f"botocore=={_botocore_floor(session)}", *pins, *floors.test_tools())
    _link(session, ".venv-floor-core")


# The oldest controller Python of the collection's ansible-core floor: ansible-core's own
# Requires-Python, which the session checks against the release it installs.
FLOOR_ANSIBLE_PYTHON = "3.10"


@nox.session(python=FLOOR_ANSIBLE_PYTHON, name="floor-ansible", tags=["env"])
def floor_ansible(session: nox.Session) -> None:
    """The collection's floor (.venv-floor-ansible): ansible-core and boto3 at their floors,
    the lowest botocore that boto3 accepts, on that ansible-core's oldest controller Python."""
    pins = [f"ansible-core=={FLOORS['ansible-core']}", f"boto3=={FLOORS['boto3']}"]
    session.install(*pins)
    requires = session.run(
        "python",
        "-c",
        "import importlib.metadata as m; print(m.metadata('ansible-core')['Requires-Python'])",
        silent=True,
    )
    assert isinstance(requires, str)
    if requires.strip().splitlines()[-1] != f">={FLOOR_ANSIBLE_PYTHON}":
        session.error(
            f"ansible-core {FLOORS['ansible-core']} requires Python {requires.strip()}: "
            f"set FLOOR_ANSIBLE_PYTHON in noxfile.py to its lower bound"
        )
    session.install(f"botocore=={_botocore_floor(session)}", *pins)
    _link(session, ".venv-floor-ansible")


# The oldest claimed Python runs on the floors; the main one is .venv's.
OTHER_PYTHONS = [version for version in PYTHONS if version not in (FLOORS["python"], MAIN_PYTHON)]


def _python_session(version: str) -> None:
    @nox.session(python=version, name=f"python-{version}", tags=["env"])
    def env(session: nox.Session) -> None:
        """A claimed Python (.venv-py3.X): the project with its pulumi extra, newest releases."""
        session.install("-e", ".[pulumi]")
        _link(session, f".venv-py{version}")


for _version in OTHER_PYTHONS:
    _python_session(_version)


def _botocore_floor(session: nox.Session) -> str:
    out = session.run(
        "python",
        "-c",
        "import importlib.metadata as m, re; print(next(re.search(r'>=\\s*([0-9.]+)', r).group(1)"
        " for r in m.requires('boto3') if r.startswith('botocore')))",
        silent=True,
    )
    assert isinstance(out, str)
    return out.strip().splitlines()[-1]


def _ansible_sessions(release: str) -> None:
    @nox.session(python=MAIN_PYTHON, name=f"ansible-{release}", tags=["env"])
    def env(session: nox.Session) -> None:
        """An ansible-core release (.venv-ansible-RELEASE) with the newest boto3 the floor
        allows: the playbook suite (tests/ansible) runs ansible-playbook from here."""
        session.install(f"ansible-core=={release}", f"boto3>={FLOORS['boto3']}")
        _link(session, f".venv-ansible-{release}")

    if release not in ANSIBLE_TEST_CORES:
        return

    @nox.session(
        name=f"ansible-test-{release}",
        venv_backend="none",
        requires=[f"ansible-{release}"],
        tags=["ansible-test"],
    )
    def ansible_test(session: nox.Session) -> None:
        """ansible-test units and sanity (sanity not on the oldest release, whose series' newest
        runs it); compile and import on every other target Python on the oldest and the newest."""
        venv = ROOT / f".venv-ansible-{release}"
        if release in SANITY_CORES:
            _ansible_test(session, venv, "sanity", "--python", MAIN_PYTHON)
        else:
            session.log(f"sanity: not on {release}; it runs on {', '.join(SANITY_CORES)} (one a series)")
        _ansible_test(session, venv, "units", "--python", MAIN_PYTHON)
        if release in (ANSIBLE_CORES[0], ANSIBLE_CORES[-1]):
            # The controller tests need a controller Python of the core: the other target
            # Pythons the collection claims run compile and import.
            for version in PYTHONS:
                if version != MAIN_PYTHON and (release == ANSIBLE_CORES[-1] or version != PYTHONS[-1]):
                    _ansible_test(
                        session, venv, "sanity", "--python", version, "--test", "compile", "--test", "import"
                    )


for _release in ANSIBLE_CORES:
    _ansible_sessions(_release)


GET_PIP_STAND_IN = '''"""Stand-in for get-pip.py, used where the official download is unreachable.

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
'''


# The pip release that this ansible-test bootstraps its venvs with.
ANSIBLE_TEST_PIP = """
import pathlib, re, ansible_test
text = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"default_packages = dict\\(\\s*pip='([^']+)'", text).group(1))
"""


def _ansible_test(session: nox.Session, venv: Path, *args: str) -> None:
    """ansible-test from the session's environment, run from the collection's root, without
    Docker (--venv; --local for integration). ansible-test bootstraps pip in each of its venvs
    from a download that this kind of machine cannot reach: an ensurepip stand-in is seeded in
    its cache instead (it is only used where that download would be)."""
    version = session.run(_bin(venv, "python"), "-c", ANSIBLE_TEST_PIP, silent=True, external=True)
    assert isinstance(version, str)
    stand_in = Path.home() / f".ansible/test/cache/get_pip_{version.strip().replace('.', '_')}.py"
    if not stand_in.exists():
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_text(GET_PIP_STAND_IN)
    mode = ["--local"] if args[0] == "integration" else ["--venv"]
    with session.chdir(COLLECTION):
        # ansible-test and the targets it runs look their tools up on PATH: the environment's first.
        path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
        session.run(
            _bin(venv, "ansible-test"),
            args[0],
            *mode,
            "--color",
            "no",
            *args[1:],
            external=True,
            env={"PATH": path},
        )


# ---------------------------------------------------------------- checks

ENVIRONMENTS = [
    "dev",
    "floor-core",
    "floor-ansible",
    *(f"python-{version}" for version in OTHER_PYTHONS),
    *(f"ansible-{release}" for release in ANSIBLE_CORES),
]


def _lint(session: nox.Session) -> None:
    session.run(_bin(DEV, "ruff"), "check", ".", external=True)
    session.run(_bin(DEV, "ruff"), "format", "--check", ".", external=True)
    session.run(_bin(DEV, "mypy"), external=True)
    session.run(_bin(DEV, "python"), "scripts/sync_module_utils.py", "--check", external=True)


@nox.session(venv_backend="none", requires=["dev"])
def lint(session: nox.Session) -> None:
    """ruff (lint and format), mypy, and the collection's copy of the core is fresh."""
    _lint(session)


# The inner loop's tests: the core, the local endpoint, Pulumi's SDK and provider host, and
# the collection's units (ansible-test units); the slow ones, the floors, the other
# Pythons and ansible-core releases, the playbook suite and ansible-test are the full run's.
QUICK_TESTS = ["tests/core", "tests/local_lambda", "tests/pulumi", "tests/integration", "tests/faults"]
QUICK_LEAVES_OUT = (
    "tests marked slow, tests/floors (version floors, other Pythons), tests/ansible (the playbook "
    "suite on every ansible-core), tests/pulumi_engine (the Pulumi CLI), ansible-lint, ansible-test "
    "sanity and integration, units on the listed ansible-core releases"
)


@nox.session(venv_backend="none", requires=["dev"])
def quick(session: nox.Session) -> None:
    """The inner loop: ruff, mypy and the fast tests on one Python (says what it leaves out)."""
    _lint(session)
    session.run(
        _bin(DEV, "python"), "-m", "pytest", "-n", "2", "-q", "-m", "not slow", *QUICK_TESTS, *session.posargs
    )
    # The collection's unit tests, with .venv's ansible-core.
    _ansible_test(session, DEV, "units", "--python", MAIN_PYTHON)
    session.log(f"quick: left out: {QUICK_LEAVES_OUT}; the full run (scripts/nox) runs them")


@nox.session(name="pulumi-cli", venv_backend="none")
def pulumi_cli(session: nox.Session) -> None:
    """The Pulumi CLI, built from source once into a cache folder keyed by its version
    (tools/pulumi_cli): tests/pulumi_engine run under it."""
    session.run("python3", "tools/pulumi_cli/build.py", external=True)


@nox.session(venv_backend="none", requires=[*ENVIRONMENTS, "pulumi-cli"])
def tests(session: nox.Session) -> None:
    """Every pytest test (pytest-xdist, PYTEST_WORKERS workers, 2 by default)."""
    workers = os.environ.get("PYTEST_WORKERS", "2")
    session.run(_bin(DEV, "python"), "-m", "pytest", "-n", workers, "--durations=30", *session.posargs)


@nox.session(name="ansible-lint", venv_backend="none", requires=["dev"])
def ansible_lint(session: nox.Session) -> None:
    """ansible-lint (production profile, offline): the collection, the example and test playbooks.
    Each part has its own configuration file; the playbooks are checked against this working
    tree's collection, so an unknown module or option name fails the syntax check."""
    _in(session, DEV)
    session.env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT),
            "ANSIBLE_NOCOLOR": "1",
            "NO_COLOR": "1",
            "PYTHONWARNINGS": "ignore::ResourceWarning",
        }
    )
    lint = [_bin(DEV, "ansible-lint"), "--offline", "--profile", "production", "-c"]
    with session.chdir(COLLECTION):
        session.run(*lint, ".ansible-lint", external=True)
    with session.chdir(ROOT / "examples/ansible"):
        session.run(*lint, ".ansible-lint", external=True)
    playbooks = [str(path) for path in sorted((ROOT / "tests/ansible/playbooks").glob("*.yml"))]
    floor_playbooks = [str(path) for path in sorted((ROOT / "tests/floors/playbooks").glob("*.yml"))]
    with session.chdir(ROOT / "tests/ansible"):
        # option_habits.yml names group/amazon.aws.aws: a stand-in amazon.aws declares that group.
        session.run(
            *lint,
            ".ansible-lint",
            *playbooks,
            external=True,
            env={
                "ANSIBLE_COLLECTIONS_PATH": f"{ROOT}{os.pathsep}{ROOT / 'tests/ansible/stand_in_collections'}"
            },
        )
    with session.chdir(ROOT / "tests/floors"):
        session.run(*lint, str(ROOT / "tests/ansible/.ansible-lint"), *floor_playbooks, external=True)


@nox.session(venv_backend="none", requires=["dev"])
def integration(session: nox.Session) -> None:
    """ansible-test integration (tests/integration/targets) in .venv, whose targets start the
    local Lambda endpoint from the project installed there."""
    _ansible_test(session, DEV, "integration", "--python", MAIN_PYTHON)


@nox.session(venv_backend="none", requires=["dev", "pulumi-cli"])
def demo(session: nox.Session) -> None:
    """The main job: the local Lambda endpoint with the sample function, invoked through the
    core, a Pulumi program and an Ansible playbook (results used, never printed)."""
    session.run("scripts/demo.sh", external=True)


@nox.session(venv_backend="none", requires=["dev"])
def benchmarks(session: nox.Session) -> None:
    """Every benchmark, one after the other, on a quiet machine: the tables kept in
    benchmarks/README.md. Not a test: nothing here passes or fails on a figure."""
    python = _bin(DEV, "python")
    session.run(python, "benchmarks/compare.py", external=True)
    session.run(python, "benchmarks/endpoint_bench.py", external=True)
    session.run(python, "benchmarks/ansible_compare.py", "--rounds", "5", external=True)


nox.options.sessions = [
    *ENVIRONMENTS,
    "pulumi-cli",
    "lint",
    "tests",
    "ansible-lint",
    *(f"ansible-test-{release}" for release in ANSIBLE_TEST_CORES),
    "integration",
]
