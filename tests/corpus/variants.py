"""Small additions to the corpus kit for sections B-D: documented variants and `--set-json`.

- `variant`: a configuration a page documents in prose or a table rather than as a command (B1's
  `basic_auth`, the historical `authValue`), built from the documented env names and paired
  with a configuration directory's mapping.
- `with_placeholders`: some files write credentials as plain words (`your-api-key-here`,
  `xoxb-your-slack-bot-token`) rather than `YOUR_...`/`<...>`; marking them as placeholders
  makes the kit fill them with long dummy secrets and search the log for those.
- `load_helm_json`: B4's Helm command uses `--set-json`, which the kit's `--set` reader skips.
- `items_by_blueprint`: the expected identifiers of a fake's items.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from typing import Any

import yaml

from tests.corpus.kit import Published, load
from tests.corpus.published import CONFIGS, _helm_env, _shell_words


def variant(name: str, mapping_from: str, env: dict[str, str]) -> Published:
    """`env` (integration env vars, placeholders in) + the mapping of `configs/<mapping_from>`."""
    return Published(name, "variant", dict(env), {}, read_mapping(mapping_from))


def read_mapping(name: str) -> dict[str, Any]:
    """`configs/<name>/mapping*.yml` as one port-app-config (top-level keys kept)."""
    whole: dict[str, Any] = {"resources": []}
    for path in sorted((CONFIGS / name).glob("mapping*.yml")):
        block = yaml.safe_load(path.read_text())
        whole.update({k: v for k, v in block.items() if k != "resources"})
        whole["resources"].extend(block["resources"])
    return whole


def with_placeholders(published: Published, words: dict[str, str]) -> Published:
    """Replace each plain-word credential `word` by the placeholder `words[word]` (`YOUR_...`)."""
    env = dict(published.env)
    for name, value in env.items():
        for word, placeholder in words.items():
            value = value.replace(word, placeholder)
        env[name] = value
    return replace(published, env=env)


def load_helm_json(name: str, file: str = "helm.sh") -> Published:
    """`configs/<name>/<file>`, a Helm command with `--set` and `--set-json` flags."""
    words = _shell_words((CONFIGS / name / file).read_text())
    values: dict[str, Any] = {}
    for flag, assignment in itertools.pairwise(words):
        if flag not in ("--set", "--set-string", "--set-json"):
            continue
        key, _, raw = assignment.partition("=")
        value: Any = json.loads(raw) if flag == "--set-json" else raw
        *parents, leaf = key.split(".")
        node = values
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    env = _helm_env(values)
    base = load(name)
    integration = {k: v for k, v in env.items() if k.startswith("OCEAN__INTEGRATION__")}
    return replace(base, connection=file, env=integration, other_env={})


def items_by_blueprint(
    blueprint: str, items: list[dict[str, Any]], key: str = "id"
) -> dict[str, set[str]]:
    return {blueprint: {str(item[key]) for item in items}}


def log_mentions(lines: list[str], pattern: str) -> bool:
    return any(re.search(pattern, line) for line in lines)
