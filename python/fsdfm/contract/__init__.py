"""The bridge contract: what a run spec may hold, as JSON Schema.

`run-spec.schema.json` beside this file is generated from the TypeScript job specs
(src/schemas/run-spec.ts, `npm run contract`) and checked for staleness there. Every run spec
(from the worker or the standalone CLI) is validated against it before any work starts; a
mismatch names the field path. The validator is Debian's python3-jsonschema.
"""
from __future__ import annotations

import functools
import json
import os
from typing import Any, Dict, Mapping

__all__ = ["ContractError", "run_spec_schema", "config_schema", "validate_run_spec", "validate_config"]

SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run-spec.schema.json")


class ContractError(ValueError):
    """A run spec (or config) outside the contract; the message names the field path."""


@functools.lru_cache(maxsize=None)
def run_spec_schema() -> Dict[str, Any]:
    with open(SCHEMA_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def _branch(kind: Any) -> Dict[str, Any]:
    branches = {b["properties"]["kind"]["const"]: b for b in run_spec_schema()["oneOf"]}
    if kind not in branches:
        raise ContractError(f"run spec at /kind: must be one of {', '.join(sorted(branches))}, got {kind!r}")
    return branches[kind]


def config_schema(kind: str) -> Dict[str, Any]:
    """The schema of a run's config of `kind` (ContractError for an unknown kind)."""
    return _branch(kind)["properties"]["config"]


def _jsonschema():
    try:
        import jsonschema
    except ImportError:
        raise ImportError("checking run specs needs jsonschema: apt install python3-jsonschema (Debian) or pip install jsonschema") from None
    return jsonschema


@functools.lru_cache(maxsize=None)
def _validator(kind: str, part: str):
    jsonschema = _jsonschema()

    schema = _branch(kind) if part == "spec" else config_schema(kind)
    return jsonschema.Draft202012Validator(schema)


def _check(kind: str, part: str, value: Any, where: str) -> None:
    validator = _validator(kind, part)
    errors = list(validator.iter_errors(value))
    if not errors:
        return
    best = _jsonschema().exceptions.best_match(errors)
    path = "/" + "/".join(str(p) for p in best.absolute_path)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise ContractError(f"{where} at {path}: {best.message}{more}")


def validate_run_spec(spec: Any) -> None:
    """ContractError naming the first field of `spec` outside the contract."""
    if not isinstance(spec, Mapping):
        raise ContractError(f"run spec must be a JSON object, got {type(spec).__name__}")
    _check(_branch(spec.get("kind"))["properties"]["kind"]["const"], "spec", dict(spec), "run spec")


def validate_config(kind: str, config: Any) -> None:
    """ContractError naming the first field of a `kind` config outside the contract."""
    config_schema(kind)
    _check(kind, "config", config, f"{kind} config")
