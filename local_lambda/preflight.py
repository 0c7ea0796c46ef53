"""The start-up check: can the runtime Python run awslambdaric and find every handler?

Without it, an endpoint started with a Python that lacks awslambdaric (or with a handler that
does not exist) says it is ready, and then every invocation fails with `Runtime.ExitError`,
the cause showing only in the log tail. The check runs once, in the runtime Python itself,
with the environment a runtime process gets (the inherited variables only, no PYTHONPATH of
ours), before the endpoint listens and in `--check`:

* awslambdaric is imported as a runtime process imports it (its bootstrap and the runtime
  client, whose C extension fails on a Python it was not built for);
* each handler's module is *found* on its code directory, without running it (a module's
  top-level code is the function's init, which runs in the runtime, not here), and parsed:
  a syntax error or a handler name the module never binds at top level is reported.

A function whose init is meant to fail (a test fixture) opts out with `"import_check": false`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .config import Config, VersionSpec

# Runs in the runtime Python (any version the runtimes support): stdlib only, no f-strings
# that need 3.12, no annotations.
_PROBE = r"""
import ast, importlib.machinery, json, sys

def bound_names(tree):
    names, star = set(), False
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    star = True
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, field, []) or [])
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)
    # globals() tricks, `from x import *` and a module __getattr__ cannot be judged statically.
    return names, star or "__getattr__" in names or "globals" in ast.dump(tree)

def find(modname, code_dir):
    path, spec = [code_dir] + sys.path, None
    for depth, part in enumerate(modname.split(".")):
        spec = importlib.machinery.PathFinder.find_spec(part, path)
        if spec is None:
            return None, ".".join(modname.split(".")[: depth + 1])
        path = list(spec.submodule_search_locations or [])
    return spec, None

def check(code_dir, handler):
    modname, _, fname = handler.rpartition(".")
    modname = modname.replace("/", ".")
    if modname.split(".")[0] in sys.builtin_module_names:
        return "module %s is a built-in module, which cannot be a handler module" % modname
    spec, missing = find(modname, code_dir)
    if spec is None:
        return "no module named %s in %s" % (missing, code_dir)
    origin = spec.origin or ""
    if not origin.endswith(".py"):
        return None  # an extension or namespace package: only importing it could tell
    try:
        with open(origin, "rb") as source:
            tree = ast.parse(source.read(), origin)
    except SyntaxError as exc:
        return "syntax error in module %s (%s, line %s)" % (modname, origin, exc.lineno)
    except (OSError, ValueError) as exc:
        return "module %s cannot be read (%s)" % (modname, type(exc).__name__)
    names, undecidable = bound_names(tree)
    if fname not in names and not undecidable:
        return "module %s (%s) defines no %s at top level" % (modname, origin, fname)
    return None

report = {"python": sys.version.split()[0], "awslambdaric": None, "handlers": []}
try:
    import awslambdaric.bootstrap, awslambdaric.lambda_runtime_client
except Exception as exc:
    report["awslambdaric"] = "%s: %s" % (type(exc).__name__, exc)
for code_dir, handler in json.load(sys.stdin):
    report["handlers"].append(check(code_dir, handler))
json.dump(report, sys.stdout)
"""

_TIMEOUT = 60.0


class PreflightError(Exception):
    """The runtime Python cannot run the configured functions; the message says which and why."""


@dataclass(frozen=True)
class _Target:
    function: str
    version: str
    code_dir: str
    handler: str


def _targets(config: Config) -> list[_Target]:
    targets: list[_Target] = []
    for name in sorted(config.functions):
        function = config.functions[name]
        if not function.import_check:
            continue
        specs: Iterable[VersionSpec] = [function.latest, *function.versions.values()]
        for spec in specs:
            targets.append(_Target(name, spec.version, str(spec.code_dir), spec.handler))
    return targets


def check_runtime(config: Config, python: str, env: Mapping[str, str]) -> None:
    """Raise PreflightError unless `python` imports awslambdaric and finds every handler."""
    targets = _targets(config)
    pairs = [[target.code_dir, target.handler] for target in targets]
    try:
        done = subprocess.run(
            [python, "-c", _PROBE],
            input=json.dumps(pairs),
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=_TIMEOUT,
            check=False,
        )
    except OSError as exc:
        raise PreflightError(f"cannot run the runtime Python {python}: {exc.strerror}") from None
    except subprocess.TimeoutExpired:
        raise PreflightError(
            f"the runtime Python {python} did not answer the start-up check in {_TIMEOUT:g} s"
        ) from None
    try:
        report = json.loads(done.stdout)
        problems = report["handlers"]
        if len(problems) != len(targets):
            raise ValueError("one answer per handler expected")
    except (ValueError, KeyError, TypeError):
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise PreflightError(f"the runtime Python {python} failed the start-up check: {tail[0]}") from None
    lines: list[str] = []
    if report["awslambdaric"]:
        functions = ", ".join(sorted(config.functions))
        lines.append(
            f"the runtime Python {python} (Python {report['python']}) cannot import awslambdaric "
            f"({report['awslambdaric']}), so no function can run ({functions}): run the endpoint "
            "with the project's venv (.venv/bin/python -m local_lambda), or pass --python with an "
            "interpreter that has awslambdaric installed"
        )
    for target, problem in zip(targets, problems):
        if problem:
            lines.append(
                f"function {target.function} ({target.version}), handler {target.handler}: {problem}"
            )
    if lines:
        raise PreflightError("\n".join(lines))
