"""Read a published configuration from `tests/corpus/configs/<name>/` exactly as its page passes it.

A directory holds verbatim copies from the page its README names:
- connection files, one per way the page installs (any of them):
  `helm.sh` (the `helm upgrade ... --set k=v` command), `values.yaml` (Helm values),
  `docker.sh` (the `docker run ... -e NAME=value` command), `settings.env` (NAME=value lines);
- `mapping*.yml`: the port-app-config blocks, in file-name order (a page's several `resources:`
  blocks are pasted together into one mapping, as Port's UI mapping editor takes them);
- `README.md`: which corpus section the files come from.

Helm keys become env vars by the chart rule: `integration.config.<key>` and
`integration.secrets.<key>` → `OCEAN__INTEGRATION__CONFIG__<SNAKE_UPPER(key)>`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.ocean_config import helm_snakecase

CONFIGS = Path(__file__).parent / "configs"
CONFIG_PREFIX = "OCEAN__INTEGRATION__CONFIG__"
SECRETS_PREFIX = "OCEAN__INTEGRATION__SECRETS__"
CONNECTION_FILES = ("helm.sh", "values.yaml", "docker.sh", "settings.env")
# `YOUR_API_KEY`, `<your-instance>`, `${SLACK_BOT_TOKEN}`: how Port's pages mark what to fill in.
PLACEHOLDER = re.compile(r"YOUR_[A-Z0-9_]+|<[A-Za-z][A-Za-z0-9_ .-]*>|\$\{[A-Za-z_][A-Za-z0-9_]*\}")
# Settings whose value is a credential (spec `sensitive: true`, plus the documented spellings).
SECRET_NAMES = {
    "API_TOKEN",
    "TOKEN",
    "PASSWORD",
    "API_KEY",
    "AUTH_VALUE",
    "OAUTH_CLIENT_SECRET",
    "CUSTOM_AUTH_REQUEST",
    "CUSTOM_AUTH_REQUEST_TEMPLATE",
    "CUSTOM_AUTH_RESPONSE",
    "CUSTOM_HEADERS",
}


def dummy(placeholder: str, secret: bool) -> str:
    """The value a placeholder gets: long and unique, so a leak is found by plain search."""
    slug = re.sub(r"[^a-z0-9]+", "-", placeholder.lower()).strip("-")
    if not secret:
        return f"corpus-{slug}"
    return f"corpus-secret-{slug}-{hashlib.sha256(placeholder.encode()).hexdigest()[:32]}"


@dataclass(frozen=True)
class Published:
    """One published configuration: its integration env vars and its port-app-config.

    `env` holds the `OCEAN__INTEGRATION__CONFIG__*` / `__SECRETS__*` variables as written
    (placeholders still in); `other_env` the rest (Port credentials, event listener), which the
    in-process harness replaces with its own. `mapping` is None when a block does not parse;
    `mapping_errors` then says why (file name and the parser's message).
    """

    name: str
    connection: str
    env: dict[str, str]
    other_env: dict[str, str]
    mapping: dict[str, Any] | None
    mapping_errors: list[str] = field(default_factory=list)
    parsable: list[Any] = field(default_factory=list)  # resources of the blocks that do parse

    def without_unparsable_blocks(self) -> Published:
        """The mapping a user gets by pasting only the blocks that parse."""
        return replace(self, mapping={"resources": list(self.parsable)}, mapping_errors=[])

    def with_env(self, **env: str) -> Published:
        """This configuration plus settings its page gives elsewhere (a parameter table)."""
        return replace(self, env={**self.env, **env})

    def value(self, placeholder: str) -> str:
        """The dummy a placeholder is replaced with (what the fake must check)."""
        return self.filled(placeholder)[0]

    def filled(self, placeholder: str) -> tuple[str, bool]:
        for name, raw in self.env.items():
            if placeholder in raw:
                secret = _secret_position(name, raw, placeholder)
                return dummy(placeholder, secret), secret
        raise KeyError(f"{self.name}/{self.connection}: no placeholder {placeholder!r}")

    @property
    def secrets(self) -> set[str]:
        """Every dummy standing in for a credential: none may appear in any log line."""
        found = {match for raw in self.env.values() for match in PLACEHOLDER.findall(raw)}
        return {value for value, secret in map(self.filled, found) if secret}

    def env_for(self, fake_url: str) -> dict[str, str]:
        """The env vars with placeholders filled and baseUrl's scheme+host set to `fake_url`.

        baseUrl's path and query string are kept. A `${VAR}` inside customHeaders is left
        for the integration to resolve: `referenced_env` gives VAR its value.
        """
        env: dict[str, str] = {}
        for name, raw in self.env.items():
            value = raw
            if not name.endswith("CUSTOM_HEADERS"):
                value = PLACEHOLDER.sub(lambda match: self.value(match.group()), raw)
            if name.endswith("__BASE_URL"):
                parts = urlsplit(value)
                value = fake_url + parts.path + (f"?{parts.query}" if parts.query else "")
            env[name] = value
        return env

    def referenced_env(self) -> dict[str, str]:
        """`${VAR}` references inside customHeaders values → the dummy secret VAR must hold."""
        return {
            match[2:-1]: dummy(match, secret=True)
            for name, raw in self.env.items()
            if name.endswith("CUSTOM_HEADERS")
            for match in re.findall(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}", raw)
        }


def _secret_position(name: str, raw: str, placeholder: str) -> bool:
    if name.startswith(SECRETS_PREFIX):
        return True
    key = name.removeprefix(CONFIG_PREFIX)
    if key == "BASE_URL":  # path segments are addresses; query values are credentials
        return placeholder in urlsplit(raw).query
    return key in SECRET_NAMES


def connections(name: str) -> list[str]:
    """The connection files a configuration directory holds, for `pytest.mark.parametrize`."""
    return [file for file in CONNECTION_FILES if (CONFIGS / name / file).is_file()]


def load(name: str, connection: str | None = None) -> Published:
    """Load `configs/<name>/`: the given connection file (default: the first one present)."""
    folder = CONFIGS / name
    chosen = connection or connections(name)[0]
    text = (folder / chosen).read_text()
    if chosen == "helm.sh":
        variables = _helm_env(_helm_set_values(text))
    elif chosen == "values.yaml":
        variables = _helm_env(yaml.safe_load(text))
    elif chosen == "docker.sh":
        variables = _docker_env(text)
    else:
        variables = _env_file(text)
    resources, errors = _mapping(folder)
    mapping = None if errors else _whole(folder, resources)
    integration = {
        k: v for k, v in variables.items() if k.startswith((CONFIG_PREFIX, SECRETS_PREFIX))
    }
    other = {k: v for k, v in variables.items() if k not in integration}
    return Published(name, chosen, integration, other, mapping, errors, resources)


def _mapping(folder: Path) -> tuple[list[Any], list[str]]:
    """The resources of every block that parses, and a message per block that does not.

    A block that is a bare list (`- kind: ...`, no `resources:` key, as Cursor's first block)
    is taken as pasted under the mapping's `resources:`.
    """
    resources: list[Any] = []
    errors: list[str] = []
    for path in sorted(folder.glob("mapping*.yml")):
        try:
            block = yaml.safe_load(path.read_text())
        except yaml.YAMLError as error:
            errors.append(f"{path.name}: {error}")
            continue
        resources.extend(block if isinstance(block, list) else block["resources"])
    return resources, errors


def _whole(folder: Path, resources: list[Any]) -> dict[str, Any]:
    """One mapping: the top-level keys a block sets (n8n's deleteDependentEntities...) kept."""
    top: dict[str, Any] = {}
    for path in sorted(folder.glob("mapping*.yml")):
        block = yaml.safe_load(path.read_text())
        if isinstance(block, dict):
            top.update({k: v for k, v in block.items() if k != "resources"})
    return {**top, "resources": resources}


def _shell_words(text: str) -> list[str]:
    return shlex.split(text.replace("\\\n", " "), comments=True)


def _helm_set_values(text: str) -> dict[str, Any]:
    """`--set a.b.c="x"` pairs as Helm nests them (shell quoting removed, as the shell does)."""
    words = _shell_words(text)
    values: dict[str, Any] = {}
    for flag, assignment in pairwise(words):
        if flag not in ("--set", "--set-string"):
            continue
        key, _, value = assignment.partition("=")
        if re.search(r"(?<!\\),", value):
            raise ValueError(f"--set {key}: Helm splits a value at commas; not modelled")
        *parents, leaf = key.split(".")
        node = values
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return values


def _helm_env(values: dict[str, Any]) -> dict[str, str]:
    integration = values.get("integration") or {}
    env = {f"OCEAN__PORT__{k.upper()}": str(v) for k, v in (values.get("port") or {}).items()}
    for section in ("config", "secrets"):
        for key, value in (integration.get(section) or {}).items():
            env[CONFIG_PREFIX + helm_snakecase(key).upper()] = _go_string(value, section)
    return env


def _go_string(value: Any, section: str) -> str:
    """How the chart prints a value: its Secret template JSON-encodes a map (`toJson`), its
    ConfigMap template prints it with sprig's `quote`, i.e. Go's `%v` (`map[k:v]`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":")) if section == "secrets" else _go_v(value)
    return str(value)


def _go_v(value: Any) -> str:
    """Go's `fmt` `%v` of a decoded JSON/YAML value: maps with sorted keys, no quotes."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_v(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_v(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _docker_env(text: str) -> dict[str, str]:
    words = _shell_words(text)
    env: dict[str, str] = {}
    for flag, assignment in pairwise(words):
        if flag in ("-e", "--env") and "=" in assignment:
            name, _, value = assignment.partition("=")
            env[name] = value
    return env


def _env_file(text: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[name.strip()] = value
    return env
