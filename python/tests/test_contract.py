"""The bridge contract (contract/run-spec.schema.json, generated from the TypeScript job specs)
and the Python side agree: every default, every solver, and a run spec outside it is refused."""
import pytest

from fsdfm import runner
from fsdfm.config import field_of, parse_config
from fsdfm.contract import ContractError, config_schema, run_spec_schema, validate_run_spec
from fsdfm.solvers import SOLVERS

# The least each kind's config needs; everything else takes its default.
MINIMAL = {"pretrain": {}, "distill": {}, "sample": {}, "evaluate": {"models": [{"name": "m", "checkpoint": "m.pt"}]}}


def _value(cfg, key):
    """The parsed config's value for a camelCase key (training knobs live in cfg.optim)."""
    name = field_of(key)
    holder = cfg.optim if hasattr(cfg, "optim") and hasattr(cfg.optim, name) else cfg
    value = getattr(holder, name)
    if isinstance(value, tuple) and key == "judges":
        return [{"kind": j.kind, "order": j.order, "smoothing": j.smoothing} for j in value]
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("kind", ["pretrain", "distill", "sample", "evaluate"])
def test_python_defaults_are_the_contracts(kind):
    schema = config_schema(kind)
    cfg = parse_config(kind, MINIMAL[kind])
    checked = 0
    for key, prop in schema["properties"].items():
        if "default" not in prop:
            continue
        assert _value(cfg, key) == prop["default"], f"{kind}.{key}: Python's default differs from the contract's"
        checked += 1
    assert checked >= 5


def test_every_contract_key_reaches_a_field():
    for kind, minimal in MINIMAL.items():
        cfg = parse_config(kind, minimal)
        for key in config_schema(kind)["properties"]:
            _value(cfg, key)  # AttributeError when a key has no field to land in


def test_the_solver_registry_is_the_contracts():
    names = set(config_schema("sample")["properties"]["solver"]["enum"])
    assert names == set(SOLVERS), "a solver is one entry in solvers.SOLVERS and one in src/schemas/solvers.ts"


def test_a_run_spec_outside_the_contract_is_refused_with_its_path(tmp_path):
    good = {"kind": "sample", "workDir": str(tmp_path), "config": {"steps": 4, "seqLen": 8, "vocabSize": 30}}
    validate_run_spec(good)
    runner.prepare(good)
    for change, path in (
        ({"config": {"steps": 0}}, "/config/steps"),
        ({"config": {"solver": "magic"}}, "/config/solver"),
        ({"config": {"model": {"preset": "tiny", "colour": "red"}}}, "/config/model"),
        ({"inputs": {"elsewhere": "/x"}}, "/inputs"),
        ({"worldSize": 0}, "/worldSize"),
        ({"kind": "bake"}, "/kind"),
    ):
        with pytest.raises(ContractError, match=f"at {path}"):
            runner.prepare({**good, **change})


def test_the_contract_is_a_tagged_union_of_the_run_kinds():
    schema = run_spec_schema()
    assert schema["discriminator"] == {"propertyName": "kind"}
    assert sorted(b["properties"]["kind"]["const"] for b in schema["oneOf"]) == ["distill", "evaluate", "pretrain", "sample"]
