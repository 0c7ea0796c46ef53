"""Declarative function configuration: a JSON (or TOML) file and a command-line shortcut.

File format (paths are relative to the file's directory)::

    {
      "region": "us-east-1",                 # optional
      "account_id": "123456789012",          # optional
      "functions": {
        "echo": {
          "code": "common",                  # directory holding the handler module
          "handler": "lambda_handlers.echo", # module.function
          "timeout": 3,                      # seconds, default 3 (AWS's default)
          "memory_size": 128,                # MB, reported only
          "environment": {"KEY": "value"},
          "reserved_concurrency": 2,         # optional; beyond it -> 429
          "versions": {                      # published versions
            "1": {"code": "echo_v1"},        # any field above may be overridden
            "2": "echo_v2",                  # shorthand for {"code": ...}
            "3": {}                          # same code and settings as $LATEST
          },
          "aliases": {"live": "1"},          # alias -> version ("$LATEST" allowed)
          "import_check": true               # false: skip the start-up handler check
        }
      }
    }
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LATEST = "$LATEST"
DEFAULT_TIMEOUT = 3.0
DEFAULT_MEMORY = 128
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

# A function's own name; Lambda@Edge replicas are named "<region>.<name>" by AWS.
_FUNCTION_NAME_RE = re.compile(r"(?:[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d\.)?[a-zA-Z0-9_-]{1,64}")
_ALIAS_RE = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}")
_VERSION_RE = re.compile(r"[1-9][0-9]{0,9}")
_ENV_KEY_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")
_REGION_RE = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
_ACCOUNT_RE = re.compile(r"\d{12}")

# Keys AWS refuses in a function's environment (the runtime sets them itself).
RESERVED_ENV_KEYS = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)

_FUNCTION_KEYS = frozenset(
    {
        "code",
        "handler",
        "timeout",
        "memory_size",
        "environment",
        "reserved_concurrency",
        "versions",
        "aliases",
        "import_check",
    }
)
_VERSION_KEYS = frozenset({"code", "handler", "timeout", "memory_size", "environment"})


class ConfigError(ValueError):
    """The configuration is invalid; the message names the offending key."""


@dataclass(frozen=True)
class VersionSpec:
    """What one runtime process runs: a function at one version."""

    function_name: str
    version: str
    code_dir: Path
    handler: str
    timeout: float
    memory_size: int
    environment: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    latest: VersionSpec
    versions: Mapping[str, VersionSpec] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    # False: the start-up check (preflight.py) skips this function's handlers, for a
    # function whose init is meant to fail.
    import_check: bool = True

    def resolve(self, qualifier: str | None) -> VersionSpec | None:
        """The version a qualifier designates (alias -> its version), or None."""
        if qualifier is None or qualifier == LATEST:
            return self.latest
        if qualifier == LATEST + ".PUBLISHED":
            if not self.versions:
                return None
            return self.versions[max(self.versions, key=int)]
        if qualifier in self.versions:
            return self.versions[qualifier]
        target = self.aliases.get(qualifier)
        if target is None:
            return None
        return self.latest if target == LATEST else self.versions[target]


@dataclass(frozen=True)
class Config:
    functions: Mapping[str, FunctionSpec]
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT

    def function_arn(self, name: str, qualifier: str | None = None) -> str:
        arn = f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"
        return f"{arn}:{qualifier}" if qualifier else arn

    def merged(self, extra: Mapping[str, FunctionSpec]) -> Config:
        clash = sorted(set(self.functions) & set(extra))
        if clash:
            raise ConfigError(f"function defined twice: {', '.join(clash)}")
        return Config({**self.functions, **extra}, self.region, self.account_id)


def _number(where: str, value: Any, *, minimum: float, maximum: float, integer: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: expected a number, got {value!r}")
    if integer and not isinstance(value, int):
        raise ConfigError(f"{where}: expected an integer, got {value!r}")
    if not minimum <= value <= maximum:
        raise ConfigError(f"{where}: must be between {minimum:g} and {maximum:g}, got {value!r}")
    return value


def _code_dir(where: str, value: Any, base: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: expected a directory path, got {value!r}")
    path = (base / value).resolve()
    if not path.is_dir():
        raise ConfigError(f"{where}: not a directory: {path}")
    return path


def _handler(where: str, value: Any) -> str:
    if not isinstance(value, str) or "." not in value.strip(".") or len(value) > 128:
        raise ConfigError(f"{where}: expected 'module.function', got {value!r}")
    return value


def _environment(where: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected an object of strings, got {value!r}")
    env: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not _ENV_KEY_RE.fullmatch(key):
            raise ConfigError(f"{where}: invalid variable name {key!r}")
        if key in RESERVED_ENV_KEYS:
            raise ConfigError(f"{where}: {key} is reserved by Lambda and cannot be set")
        if not isinstance(item, str):
            raise ConfigError(f"{where}.{key}: expected a string, got {item!r}")
        env[key] = item
    return env


def _check_keys(where: str, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _version(
    where: str, data: Mapping[str, Any], base: Path, inherit: VersionSpec, version: str
) -> VersionSpec:
    _check_keys(where, data, _VERSION_KEYS)
    return VersionSpec(
        function_name=inherit.function_name,
        version=version,
        code_dir=_code_dir(f"{where}.code", data["code"], base) if "code" in data else inherit.code_dir,
        handler=_handler(f"{where}.handler", data["handler"]) if "handler" in data else inherit.handler,
        timeout=float(_number(f"{where}.timeout", data["timeout"], minimum=0.001, maximum=900, integer=False))
        if "timeout" in data
        else inherit.timeout,
        memory_size=int(
            _number(f"{where}.memory_size", data["memory_size"], minimum=128, maximum=10240, integer=True)
        )
        if "memory_size" in data
        else inherit.memory_size,
        environment=_environment(f"{where}.environment", data["environment"])
        if "environment" in data
        else inherit.environment,
    )


def parse_function(name: str, data: Any, base: Path) -> FunctionSpec:
    where = f"functions.{name}"
    if not _FUNCTION_NAME_RE.fullmatch(name):
        raise ConfigError(
            f"{where}: a function name is 1-64 characters of letters, digits, - and _ "
            "(a Lambda@Edge replica: <region>.<name>)"
        )
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: expected an object")
    _check_keys(where, data, _FUNCTION_KEYS)
    for required in ("code", "handler"):
        if required not in data:
            raise ConfigError(f"{where}: '{required}' is required")
    placeholder = VersionSpec(name, LATEST, base, "x.y", DEFAULT_TIMEOUT, DEFAULT_MEMORY)
    latest = _version(where, {k: data[k] for k in _VERSION_KEYS if k in data}, base, placeholder, LATEST)

    versions: dict[str, VersionSpec] = {}
    raw_versions = data.get("versions", {})
    if not isinstance(raw_versions, Mapping):
        raise ConfigError(f"{where}.versions: expected an object")
    for key, item in raw_versions.items():
        vwhere = f"{where}.versions.{key}"
        if not isinstance(key, str) or not _VERSION_RE.fullmatch(key):
            raise ConfigError(f"{vwhere}: a version is a positive integer written as a string")
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, Mapping):
            raise ConfigError(f"{vwhere}: expected an object or a code directory")
        versions[key] = _version(vwhere, item, base, latest, key)

    aliases: dict[str, str] = {}
    raw_aliases = data.get("aliases", {})
    if not isinstance(raw_aliases, Mapping):
        raise ConfigError(f"{where}.aliases: expected an object")
    for alias, target in raw_aliases.items():
        awhere = f"{where}.aliases.{alias}"
        if not isinstance(alias, str) or not _ALIAS_RE.fullmatch(alias) or alias.startswith("$"):
            raise ConfigError(f"{awhere}: an alias is letters, digits, - and _, not only digits")
        if not isinstance(target, str) or (target != LATEST and target not in versions):
            raise ConfigError(f"{awhere}: points at unknown version {target!r}")
        aliases[alias] = target

    reserved = data.get("reserved_concurrency")
    if reserved is not None:
        reserved = int(
            _number(f"{where}.reserved_concurrency", reserved, minimum=0, maximum=1000, integer=True)
        )
    import_check = data.get("import_check", True)
    if not isinstance(import_check, bool):
        raise ConfigError(f"{where}.import_check: expected true or false, got {import_check!r}")
    return FunctionSpec(name, latest, versions, aliases, reserved, import_check)


def parse_config(data: Any, base: Path) -> Config:
    if not isinstance(data, Mapping):
        raise ConfigError("top level: expected an object")
    _check_keys("top level", data, frozenset({"functions", "region", "account_id"}))
    region = data.get("region", DEFAULT_REGION)
    if not isinstance(region, str) or not _REGION_RE.fullmatch(region):
        raise ConfigError(f"region: invalid region {region!r}")
    account = data.get("account_id", DEFAULT_ACCOUNT)
    if not isinstance(account, str) or not _ACCOUNT_RE.fullmatch(account):
        raise ConfigError(f"account_id: expected 12 digits as a string, got {account!r}")
    functions = data.get("functions", {})
    if not isinstance(functions, Mapping):
        raise ConfigError("functions: expected an object")
    specs = {name: parse_function(str(name), spec, base) for name, spec in functions.items()}
    return Config(specs, region, account)


def load_config(path: str | Path) -> Config:
    """Read a .json (or, on Python 3.11+, a .toml) configuration file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        if path.suffix == ".toml":
            import tomllib  # 3.11+; JSON works everywhere

            data: Any = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_config(data, path.resolve().parent)


def parse_function_shortcut(text: str, base: Path, timeout: float = DEFAULT_TIMEOUT) -> FunctionSpec:
    """`name=dir:module.handler` from the command line; dir is relative to `base`."""
    name, sep, rest = text.partition("=")
    code, sep2, handler = rest.rpartition(":")
    if not sep or not sep2 or not name or not code:
        raise ConfigError(f"--function {text!r}: expected NAME=DIR:MODULE.HANDLER")
    return parse_function(name, {"code": code, "handler": handler, "timeout": timeout}, base)
