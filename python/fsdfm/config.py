"""Job configurations: one frozen dataclass per job kind, built once from a run's camelCase config.

What a config may hold, and every range, comes from the contract (contract/run-spec.schema.json,
generated from the TypeScript job specs): `parse_config` checks the config there first, so this
module only maps names onto fields and adds the checks JSON Schema cannot express (one field
against another). Field defaults equal the contract's (tests/test_contract.py keeps them so).
The original FS-DFM project's keys are translated by the standalone CLI (cli.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Dict, Mapping, Optional, Tuple

from .contract import validate_config

__all__ = [
    "OptimConfig",
    "PretrainConfig",
    "DistillConfig",
    "SampleConfig",
    "EvaluateConfig",
    "JudgeConfig",
    "EvalModelConfig",
    "MatchEntropyConfig",
    "parse_config",
    "field_of",
    "CONFIG_KINDS",
]


@dataclass(frozen=True)
class OptimConfig:
    lr: float = 3e-4
    warmup_steps: int = 50
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.03
    grad_clip: float = 1.0
    grad_accum: int = 1
    batch_size: int = 16
    seq_len: int = 128
    steps: int = 500
    checkpoint_every: int = 100
    log_every: int = 10
    seed: int = 0
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-8
    compile: Any = "auto"  # "auto" | True | False: torch.compile (_compat.resolve_compile)


@dataclass(frozen=True)
class PretrainConfig:
    optim: OptimConfig
    model_type: str = "teacher"  # 'teacher' | 'arm'
    model: Optional[Mapping[str, Any]] = None
    source: str = "mask"
    scheduler_exponent: float = 1.0
    loss: str = "cross_entropy"  # 'cross_entropy' | 'generalized_kl'
    ema_decay: float = 0.999
    time_eps: float = 1e-3  # t ~ U[0, 1 - time_eps)


@dataclass(frozen=True)
class DistillConfig:
    optim: OptimConfig
    shortcut: str = "rk4"  # 'rk4' | 'heun' | 'rk4_reference' (teachers.SHORTCUT_METHODS)
    threshold: Optional[float] = None  # h <= threshold takes the path loss; None: the smallest step 2^-P only
    grid_powers: int = 10
    ema_decay: float = 0.9995
    time_eps: float = 0.0  # t + h <= 1 - time_eps; 0 is the method's grid (1e-3 was our old default)


@dataclass(frozen=True)
class SampleConfig:
    solver: str = "cumulative_scalar"
    steps: int = 8
    step_sizes: Optional[Tuple[float, ...]] = None
    temperature: float = 1.0
    seed: int = 0
    count: int = 4
    batch_size: int = 4
    seq_len: int = 64
    model: Optional[Mapping[str, Any]] = None
    vocab_size: int = 50257  # random-init models only
    source: str = "mask"  # random-init models only
    fixed_tokens: Optional[Tuple[int, ...]] = None
    edit_mask: Optional[Tuple[int, ...]] = None
    compile: Any = "auto"  # "auto" | True | False: torch.compile of the model (_compat.resolve_compile)
    trace: bool = False  # report every sample's tokens after each step (Reporter.trace)


@dataclass(frozen=True)
class JudgeConfig:
    kind: str  # 'ngram' | 'arm' | 'hf'
    order: int = 3
    smoothing: str = "kn"  # ngram: 'kn' | 'addk'
    checkpoint: Optional[str] = None  # arm
    path: Optional[str] = None  # hf

    @property
    def name(self) -> str:
        if self.kind == "ngram":
            return f"ngram{self.order}"
        if self.kind == "arm":
            return "arm"
        return "hf"


@dataclass(frozen=True)
class EvalModelConfig:
    name: str
    checkpoint: str


@dataclass(frozen=True)
class MatchEntropyConfig:
    """The entropy-matched control of an evaluation (evaluate.py's docstring)."""

    model: str  # the model re-sampled at a matched temperature (e.g. the teacher)
    target: str  # whose entropy it matches (e.g. the student) ...
    target_steps: int = 8  # ... at this step budget
    budgets: Tuple[int, ...] = (8,)  # where the control is sampled
    tolerance: float = 0.005  # relative entropy mismatch accepted
    max_evaluations: int = 4  # sample sets per budget spent on the search


@dataclass(frozen=True)
class EvaluateConfig:
    models: Tuple[EvalModelConfig, ...] = ()
    judges: Tuple[JudgeConfig, ...] = (JudgeConfig("ngram", 3),)
    step_budgets: Tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)
    solver: str = "cumulative_scalar"
    temperature: float = 1.0
    samples: int = 8
    batch_size: int = 8
    seq_len: Optional[int] = None
    elbo: bool = True
    elbo_time_points: int = 16
    infill: bool = True
    infill_fraction: float = 0.5
    infill_steps: Optional[int] = None  # default: the largest step budget <= 64
    seed: int = 0
    comparisons: Tuple[Tuple[str, str], ...] = ()  # extra paired comparisons ("model@steps", "model@steps")
    match_entropy: Optional[MatchEntropyConfig] = None
    compile: Any = "auto"  # "auto" | True | False: torch.compile of the sampled models (_compat.resolve_compile)


CONFIG_KINDS = ("pretrain", "distill", "sample", "evaluate")

# camelCase keys whose field is not simply their snake_case.
_FIELD_OF = {"adamEps": "eps"}


def field_of(key: str) -> str:
    """The dataclass field of a camelCase config key."""
    return _FIELD_OF.get(key) or re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def _fields(cls) -> set:
    return {f.name for f in fields(cls)}


def _split(config: Mapping[str, Any], cls, optim: bool) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(kwargs of cls, kwargs of OptimConfig) from a config the contract has accepted."""
    own, opt = _fields(cls), _fields(OptimConfig) if optim else set()
    kw: Dict[str, Any] = {}
    okw: Dict[str, Any] = {}
    for key, value in config.items():
        name = field_of(key)
        if name in opt:
            okw[name] = value
        elif name in own:
            kw[name] = value
    return kw, okw


def _optim(kwargs: Dict[str, Any], defaults: Mapping[str, Any]) -> OptimConfig:
    cfg = OptimConfig(**{**defaults, **kwargs})
    if cfg.grad_accum > cfg.batch_size:
        raise ValueError(f"config.gradAccum ({cfg.grad_accum}) cannot exceed config.batchSize ({cfg.batch_size})")
    return cfg


def _parse_pretrain(config: Mapping[str, Any]) -> PretrainConfig:
    kw, okw = _split(config, PretrainConfig, optim=True)
    return PretrainConfig(optim=_optim(okw, {}), **kw)


def _parse_distill(config: Mapping[str, Any]) -> DistillConfig:
    kw, okw = _split(config, DistillConfig, optim=True)
    return DistillConfig(optim=_optim(okw, {"lr": 1e-4}), **kw)


def _parse_sample(config: Mapping[str, Any]) -> SampleConfig:
    kw, _ = _split(config, SampleConfig, optim=False)
    for name in ("step_sizes", "fixed_tokens", "edit_mask"):
        if kw.get(name) is not None:
            kw[name] = tuple(kw[name])
    cfg = SampleConfig(**kw)
    for key, value in (("fixedTokens", cfg.fixed_tokens), ("editMask", cfg.edit_mask)):
        if value is not None and len(value) != cfg.seq_len:
            raise ValueError(f"config.{key} must have seqLen={cfg.seq_len} entries, got {len(value)}")
    if cfg.edit_mask is not None and cfg.fixed_tokens is None:
        raise ValueError("config.editMask needs config.fixedTokens")
    return cfg


def _parse_evaluate(config: Mapping[str, Any]) -> EvaluateConfig:
    kw, _ = _split(config, EvaluateConfig, optim=False)
    if "models" in kw:
        kw["models"] = tuple(EvalModelConfig(name=m["name"], checkpoint=m["checkpoint"]) for m in kw["models"])
    if "judges" in kw:
        kw["judges"] = tuple(JudgeConfig(**{field_of(k): v for k, v in j.items()}) for j in kw["judges"])
    if "step_budgets" in kw:
        kw["step_budgets"] = tuple(kw["step_budgets"])
    if "comparisons" in kw:
        kw["comparisons"] = tuple((c["a"], c["b"]) for c in kw["comparisons"])
    if kw.get("match_entropy") is not None:
        m = {field_of(k): v for k, v in kw["match_entropy"].items()}
        if "budgets" in m:
            m["budgets"] = tuple(m["budgets"])
        kw["match_entropy"] = MatchEntropyConfig(**m)
    cfg = EvaluateConfig(**kw)
    names = [m.name for m in cfg.models]
    if len(set(names)) != len(names):
        raise ValueError(f"config.models names must be unique, got {names}")
    _check_evaluate_names(cfg)
    return cfg


def _check_evaluate_names(cfg: "EvaluateConfig") -> None:
    """Names in matchEntropy and comparisons refer to evaluated models and budgets."""
    names = [m.name for m in cfg.models]
    m = cfg.match_entropy
    if m is not None:
        for key, name in (("model", m.model), ("target", m.target)):
            if names and name not in names:
                raise ValueError(f"config.matchEntropy.{key} {name!r} is not one of the evaluated models {names}")
        if m.target_steps not in cfg.step_budgets:
            raise ValueError(f"config.matchEntropy.targetSteps {m.target_steps} is not one of stepBudgets {list(cfg.step_budgets)}")
    sets = {f"{n}@{b}" for n in names for b in cfg.step_budgets}
    if m is not None:
        sets |= {f"{m.model}~matched@{b}" for b in m.budgets}
    for i, pair in enumerate(cfg.comparisons):
        for side, key in zip(("a", "b"), pair):
            if names and key not in sets:
                raise ValueError(f"config.comparisons[{i}].{side} {key!r} is not an evaluated model@steps")


_PARSERS = {"pretrain": _parse_pretrain, "distill": _parse_distill, "sample": _parse_sample, "evaluate": _parse_evaluate}


def parse_config(kind: str, config: Optional[Mapping[str, Any]]):
    """The frozen config of a `kind` job from its camelCase config (ValueError naming the field when it is not valid)."""
    if kind not in _PARSERS:
        raise ValueError(f"unknown job kind {kind!r}; expected one of {', '.join(CONFIG_KINDS)}")
    config = dict(config or {})
    validate_config(kind, config)
    return _PARSERS[kind](config)
