"""Job configurations: one frozen dataclass per job kind, built once from camelCase JSON.

The camelCase keys and defaults mirror `src/schemas/jobs.ts` (the TypeScript side validates
first; we check again because the standalone CLI has no TypeScript in front of it). The
original FS-DFM project's Hydra keys (`flow.*`, `optim.*`, `training.*`, `model.*`) are
mapped onto ours by `normalize_config`; any other key is rejected with its name.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple

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
    "normalize_config",
    "ORIGINAL_KEYS",
    "CONFIG_KINDS",
]

SOLVERS = ("cumulative_scalar", "dfm_euler", "mixture_euler")
MODEL_SPEC_KEYS = ("preset", "hidden", "blocks", "heads", "condDim", "dropout", "attentionBias")
# Keys the TypeScript side puts in a spec that only matter there (ids resolved to paths).
_TS_ONLY_KEYS = {"datasetJobId", "teacherJobId", "checkpointJobId", "prompt"}
# Accepted in every kind: makes the job raise inside its thread (service failure tests).
_DEBUG_KEYS = {"debugRaise"}


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
    debug_raise: Optional[str] = None


@dataclass(frozen=True)
class DistillConfig:
    optim: OptimConfig
    shortcut: str = "rk4"  # 'rk4' | 'heun' | 'rk4_reference' (teachers.SHORTCUT_METHODS)
    threshold: Optional[float] = None  # h <= threshold takes the path loss; None: the smallest step 2^-P only
    grid_powers: int = 10
    ema_decay: float = 0.9995
    time_eps: float = 0.0  # t + h <= 1 - time_eps; 0 is the method's grid (1e-3 was our old default)
    debug_raise: Optional[str] = None


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
    debug_raise: Optional[str] = None


@dataclass(frozen=True)
class JudgeConfig:
    kind: str  # 'ngram' | 'arm' | 'hf'
    order: int = 3
    smoothing: str = "kn"  # ngram: 'kn' | 'addk'
    checkpoint: Optional[str] = None  # arm
    path: Optional[str] = None  # hf
    job_id: Optional[str] = None

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
    checkpoint: Optional[str] = None
    job_id: Optional[str] = None


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
    debug_raise: Optional[str] = None


CONFIG_KINDS = ("pretrain", "distill", "sample", "evaluate")

def _compile_setting(value: Any) -> Any:
    """The `compile` option: "auto" (torch.compile on CUDA where it exists), true or false."""
    if value == "auto" or isinstance(value, bool):
        return value
    raise ValueError(f'config.compile must be "auto", true or false, got {value!r}')


# camelCase key -> (dataclass field, caster); OptimConfig keys shared by pretrain and distill.
_OPTIM_KEYS = {
    "lr": ("lr", float),
    "warmupSteps": ("warmup_steps", int),
    "minLrRatio": ("min_lr_ratio", float),
    "weightDecay": ("weight_decay", float),
    "gradClip": ("grad_clip", float),
    "gradAccum": ("grad_accum", int),
    "batchSize": ("batch_size", int),
    "seqLen": ("seq_len", int),
    "steps": ("steps", int),
    "checkpointEvery": ("checkpoint_every", int),
    "logEvery": ("log_every", int),
    "seed": ("seed", int),
    "beta1": ("beta1", float),
    "beta2": ("beta2", float),
    "adamEps": ("eps", float),
    "compile": ("compile", _compile_setting),
}


def _model_spec(value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f"config.model must be an object, got {type(value).__name__}")
    unknown = sorted(set(value) - set(MODEL_SPEC_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) in config.model: {', '.join(unknown)} (allowed: {', '.join(MODEL_SPEC_KEYS)})")
    return dict(value)


def _choice(name: str, value: Any, allowed: Tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"config.{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _positive(name: str, value: Any, *, minimum: float = 1) -> Any:
    if value < minimum:
        raise ValueError(f"config.{name} must be >= {minimum}, got {value!r}")
    return value


def _split(kind: str, config: Mapping[str, Any], own: Mapping[str, Tuple[str, Any]], optim: bool) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    if not isinstance(config, Mapping):
        raise ValueError(f"config must be an object, got {type(config).__name__}")
    allowed = set(own) | _TS_ONLY_KEYS | _DEBUG_KEYS | (set(_OPTIM_KEYS) if optim else set())
    unknown = sorted(k for k in config if k not in allowed)
    if unknown:
        raise ValueError(f"unknown {kind} config key(s): {', '.join(unknown)}")
    own_kwargs: Dict[str, Any] = {}
    optim_kwargs: Dict[str, Any] = {}
    for key, value in config.items():
        if key in _TS_ONLY_KEYS or value is None and key not in ("model", "stepSizes", "fixedTokens", "editMask", "seqLen"):
            continue
        if key in _DEBUG_KEYS:
            own_kwargs["debug_raise"] = str(value)
        elif key in own:
            name, cast = own[key]
            own_kwargs[name] = cast(value) if value is not None else None
        else:
            name, cast = _OPTIM_KEYS[key]
            optim_kwargs[name] = cast(value)
    return own_kwargs, optim_kwargs


def _optim(kind: str, kwargs: Dict[str, Any], defaults: Mapping[str, Any]) -> OptimConfig:
    merged = {**defaults, **kwargs}
    cfg = OptimConfig(**merged)
    if not cfg.lr > 0:
        raise ValueError(f"config.lr must be > 0, got {cfg.lr}")
    for name in ("grad_accum", "batch_size", "steps", "checkpoint_every", "log_every"):
        _positive(name, getattr(cfg, name))
    _positive("seq_len", cfg.seq_len, minimum=2)
    if cfg.grad_accum > cfg.batch_size:
        raise ValueError(f"config.gradAccum ({cfg.grad_accum}) cannot exceed config.batchSize ({cfg.batch_size})")
    return cfg


def _tuple_of(cast):
    return lambda v: tuple(cast(x) for x in v)


def _parse_pretrain(config: Mapping[str, Any]) -> PretrainConfig:
    own = {
        "modelType": ("model_type", str),
        "model": ("model", _model_spec),
        "source": ("source", str),
        "schedulerExponent": ("scheduler_exponent", float),
        "loss": ("loss", str),
        "emaDecay": ("ema_decay", float),
        "timeEps": ("time_eps", float),
    }
    kw, okw = _split("pretrain", config, own, optim=True)
    cfg = PretrainConfig(optim=_optim("pretrain", okw, {}), **kw)
    _choice("modelType", cfg.model_type, ("teacher", "arm"))
    _choice("source", cfg.source, ("mask", "uniform"))
    _choice("loss", cfg.loss, ("cross_entropy", "generalized_kl"))
    if not 0 <= cfg.ema_decay <= 1:
        raise ValueError(f"config.emaDecay must be in [0, 1], got {cfg.ema_decay}")
    return cfg


def _parse_distill(config: Mapping[str, Any]) -> DistillConfig:
    own = {
        "shortcut": ("shortcut", str),
        "threshold": ("threshold", float),
        "gridPowers": ("grid_powers", int),
        "emaDecay": ("ema_decay", float),
        "timeEps": ("time_eps", float),
    }
    kw, okw = _split("distill", config, own, optim=True)
    cfg = DistillConfig(optim=_optim("distill", okw, {"lr": 1e-4}), **kw)
    _choice("shortcut", cfg.shortcut, ("rk4", "heun", "rk4_reference"))
    if cfg.threshold is not None and not 0 < cfg.threshold <= 1:
        raise ValueError(f"config.threshold must be in (0, 1], got {cfg.threshold}")
    if not 1 <= cfg.grid_powers <= 16:
        raise ValueError(f"config.gridPowers must be in [1, 16], got {cfg.grid_powers}")
    if not 0 <= cfg.time_eps < 1:
        raise ValueError(f"config.timeEps must be in [0, 1), got {cfg.time_eps}")
    return cfg


def _parse_sample(config: Mapping[str, Any]) -> SampleConfig:
    own = {
        "solver": ("solver", str),
        "steps": ("steps", int),
        "stepSizes": ("step_sizes", _tuple_of(float)),
        "temperature": ("temperature", float),
        "seed": ("seed", int),
        "count": ("count", int),
        "batchSize": ("batch_size", int),
        "seqLen": ("seq_len", int),
        "model": ("model", _model_spec),
        "vocabSize": ("vocab_size", int),
        "source": ("source", str),
        "fixedTokens": ("fixed_tokens", _tuple_of(int)),
        "editMask": ("edit_mask", _tuple_of(int)),
        "infill": ("_infill", str),
        "compile": ("compile", _compile_setting),
    }
    kw, _ = _split("sample", config, own, optim=False)
    kw.pop("_infill", None)  # the template is resolved into fixedTokens/editMask by TypeScript
    if kw.get("seq_len", 0) is None:
        kw.pop("seq_len")
    cfg = SampleConfig(**kw)
    _choice("solver", cfg.solver, SOLVERS)
    _choice("source", cfg.source, ("mask", "uniform"))
    for name in ("steps", "count", "batch_size", "seq_len", "vocab_size"):
        _positive(name, getattr(cfg, name))
    if not cfg.temperature > 0:
        raise ValueError(f"config.temperature must be > 0, got {cfg.temperature}")
    for name, value in (("fixedTokens", cfg.fixed_tokens), ("editMask", cfg.edit_mask)):
        if value is not None and len(value) != cfg.seq_len:
            raise ValueError(f"config.{name} must have seqLen={cfg.seq_len} entries, got {len(value)}")
    if cfg.edit_mask is not None and cfg.fixed_tokens is None:
        raise ValueError("config.editMask needs config.fixedTokens")
    return cfg


def _judges(value: Any) -> Tuple[JudgeConfig, ...]:
    judges = []
    for i, j in enumerate(value):
        if not isinstance(j, Mapping) or j.get("kind") not in ("ngram", "arm", "hf"):
            raise ValueError(f"config.judges[{i}].kind must be ngram, arm or hf, got {j!r}")
        allowed = {"ngram": {"kind", "order", "smoothing"}, "arm": {"kind", "jobId", "checkpoint"}, "hf": {"kind", "path"}}[j["kind"]]
        unknown = sorted(set(j) - allowed)
        if unknown:
            raise ValueError(f"unknown key(s) in config.judges[{i}]: {', '.join(unknown)}")
        judge = JudgeConfig(
            kind=j["kind"],
            order=int(j.get("order", 3)),
            smoothing=str(j.get("smoothing", "kn")),
            checkpoint=j.get("checkpoint"),
            path=j.get("path"),
            job_id=j.get("jobId"),
        )
        if judge.kind == "ngram" and not 1 <= judge.order <= 5:
            raise ValueError(f"config.judges[{i}].order must be in [1, 5], got {judge.order}")
        _choice(f"judges[{i}].smoothing", judge.smoothing, ("kn", "addk"))
        if judge.kind == "hf" and not judge.path:
            raise ValueError(f"config.judges[{i}].path is required for an hf judge")
        judges.append(judge)
    if not judges:
        raise ValueError("config.judges must list at least one judge")
    return tuple(judges)


def _eval_models(value: Any) -> Tuple[EvalModelConfig, ...]:
    models = []
    for i, m in enumerate(value):
        if not isinstance(m, Mapping):
            raise ValueError(f"config.models[{i}] must be an object")
        unknown = sorted(set(m) - {"name", "jobId", "checkpoint"})
        if unknown:
            raise ValueError(f"unknown key(s) in config.models[{i}]: {', '.join(unknown)}")
        name = m.get("name") or m.get("jobId") or f"model{i}"
        models.append(EvalModelConfig(name=str(name), checkpoint=m.get("checkpoint"), job_id=m.get("jobId")))
    names = [m.name for m in models]
    if len(set(names)) != len(names):
        raise ValueError(f"config.models names must be unique, got {names}")
    return tuple(models)


_SAMPLE_SET = re.compile(r"^(.+)@([0-9]+)$")


def _comparisons(value: Any) -> Tuple[Tuple[str, str], ...]:
    out = []
    for i, c in enumerate(value):
        if not isinstance(c, Mapping) or set(c) != {"a", "b"}:
            raise ValueError(f"config.comparisons[{i}] must be an object with keys a and b, got {c!r}")
        for side in ("a", "b"):
            if not isinstance(c[side], str) or not _SAMPLE_SET.match(c[side]):
                raise ValueError(f"config.comparisons[{i}].{side} must be 'model@steps', got {c[side]!r}")
        out.append((c["a"], c["b"]))
    return tuple(out)


def _match_entropy(value: Any) -> Optional[MatchEntropyConfig]:
    if value is None:
        return None
    keys = {"model": "model", "target": "target", "targetSteps": "target_steps", "budgets": "budgets", "tolerance": "tolerance", "maxEvaluations": "max_evaluations"}
    if not isinstance(value, Mapping):
        raise ValueError(f"config.matchEntropy must be an object, got {type(value).__name__}")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise ValueError(f"unknown key(s) in config.matchEntropy: {', '.join(unknown)}")
    for required in ("model", "target"):
        if not value.get(required):
            raise ValueError(f"config.matchEntropy.{required} is required")
    kw = {keys[k]: v for k, v in value.items() if v is not None}
    if "budgets" in kw:
        kw["budgets"] = tuple(int(b) for b in kw["budgets"])
    m = MatchEntropyConfig(**kw)
    if not m.budgets or any(b < 1 for b in m.budgets) or m.target_steps < 1:
        raise ValueError("config.matchEntropy budgets and targetSteps must be positive integers")
    if not 0 < m.tolerance < 1 or m.max_evaluations < 1:
        raise ValueError("config.matchEntropy needs 0 < tolerance < 1 and maxEvaluations >= 1")
    return m


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


def _parse_evaluate(config: Mapping[str, Any]) -> EvaluateConfig:
    own = {
        "models": ("models", _eval_models),
        "judges": ("judges", _judges),
        "stepBudgets": ("step_budgets", _tuple_of(int)),
        "solver": ("solver", str),
        "temperature": ("temperature", float),
        "samples": ("samples", int),
        "batchSize": ("batch_size", int),
        "seqLen": ("seq_len", int),
        "elbo": ("elbo", bool),
        "elboTimePoints": ("elbo_time_points", int),
        "infill": ("infill", bool),
        "infillFraction": ("infill_fraction", float),
        "infillSteps": ("infill_steps", int),
        "seed": ("seed", int),
        "compile": ("compile", _compile_setting),
        "comparisons": ("comparisons", _comparisons),
        "matchEntropy": ("match_entropy", _match_entropy),
    }
    kw, _ = _split("evaluate", config, own, optim=False)
    cfg = EvaluateConfig(**kw)
    _choice("solver", cfg.solver, SOLVERS)
    if not cfg.step_budgets or any(b < 1 for b in cfg.step_budgets):
        raise ValueError(f"config.stepBudgets must be positive integers, got {list(cfg.step_budgets)}")
    for name in ("samples", "batch_size", "elbo_time_points"):
        _positive(name, getattr(cfg, name))
    if not 0 < cfg.infill_fraction < 1:
        raise ValueError(f"config.infillFraction must be in (0, 1), got {cfg.infill_fraction}")
    _check_evaluate_names(cfg)
    return cfg


_PARSERS = {"pretrain": _parse_pretrain, "distill": _parse_distill, "sample": _parse_sample, "evaluate": _parse_evaluate}


def parse_config(kind: str, config: Optional[Mapping[str, Any]]):
    """Build the frozen config of a job of `kind` from its camelCase spec (ValueError if bad)."""
    if kind not in _PARSERS:
        raise ValueError(f"unknown job kind {kind!r}; expected one of {', '.join(CONFIG_KINDS)}")
    return _PARSERS[kind](dict(config or {}))


# ---------------------------------------------------------------------------------------
# The original project's keys.
# ---------------------------------------------------------------------------------------

def _solver_name(value: Any) -> str:
    # The original names its FS-DFM solver "mixture_euler_with_cumulative_scalar".
    return {"mixture_euler_with_cumulative_scalar": "cumulative_scalar"}.get(value, value)


# original dotted key -> (our camelCase key, converter); "model.x" targets go into config.model
ORIGINAL_KEYS: Dict[str, Tuple[str, Any]] = {
    "flow.source_distribution": ("source", str),
    "flow.sampling_steps": ("steps", int),
    "flow.student_solver": ("solver", _solver_name),
    "flow.solver": ("solver", _solver_name),
    "flow.temperature": ("temperature", float),
    "flow.exponent": ("schedulerExponent", float),
    "optim.lr": ("lr", float),
    "optim.weight_decay": ("weightDecay", float),
    "optim.beta1": ("beta1", float),
    "optim.beta2": ("beta2", float),
    "optim.eps": ("adamEps", float),
    "optim.warmup": ("warmupSteps", int),
    "optim.grad_clip": ("gradClip", float),
    "optim.eta_min_ratio": ("minLrRatio", float),
    "optim.n_iters": ("steps", int),
    "training.batch_size": ("batchSize", int),
    "training.n_iters": ("steps", int),
    "training.ema": ("emaDecay", float),
    "training.seed": ("seed", int),
    "training.accum": ("gradAccum", int),
    "training.log_freq": ("logEvery", int),
    "training.snapshot_freq": ("checkpointEvery", int),
    "training.loss_function": ("loss", str),
    "model.hidden_size": ("model.hidden", int),
    "model.n_blocks": ("model.blocks", int),
    "model.n_heads": ("model.heads", int),
    "model.cond_dim": ("model.condDim", int),
    "model.dropout": ("model.dropout", float),
    "model.length": ("seqLen", int),
}
# Original keys that have no meaning here (logging, hardware, caches): accepted and dropped.
IGNORED_ORIGINAL_KEYS = {
    "optim.optimizer",
    "flow.scheduler_type",
    "model.name",
    "model.compile",
    "data.cache_dir",
    "data.train",
    "data.valid",
    "compute.ngpus",
    "compute.nodes",
    "training.log_freq_wandb",
    "training.eval_freq",
    "training.snapshot_freq_for_preemption",
    "training.data_parallel",
    "eval.batch_size",
    "eval.sample_batch_size",
    "eval.perplexity",
    "eval.perplexity_batch_size",
    "work_dir",
    "hydra",
    "logging",
}
_ORIGINAL_GROUPS = {"flow", "optim", "training", "model", "data", "eval", "compute", "logging", "hydra"}


def _flatten(prefix: str, value: Any, out: Dict[str, Any]) -> None:
    if isinstance(value, Mapping) and prefix not in ("hydra", "logging"):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}", v, out)
    else:
        out[prefix] = value


_KIND_KEYS = {
    "pretrain": set(_OPTIM_KEYS) | {"modelType", "model", "source", "schedulerExponent", "loss", "emaDecay", "timeEps"},
    "distill": set(_OPTIM_KEYS) | {"shortcut", "threshold", "gridPowers", "emaDecay", "timeEps"},
    "sample": {"solver", "steps", "stepSizes", "temperature", "seed", "count", "batchSize", "seqLen", "model", "vocabSize", "source", "compile"},
    "evaluate": {"solver", "temperature", "seed", "batchSize", "seqLen", "stepBudgets", "compile"},
}


def normalize_config(raw: Mapping[str, Any], kind: Optional[str] = None) -> Tuple[Dict[str, Any], list]:
    """Map a config that may mix our camelCase keys and the original project's keys.

    Returns (camelCase config, notes about dropped keys). Dotted keys (`optim.lr: 1e-4`) and
    nested groups (`optim: {lr: 1e-4}`) are both accepted. Unknown original keys raise.
    """
    out: Dict[str, Any] = {}
    notes = []
    model: Dict[str, Any] = {}
    for key, value in raw.items():
        head = key.split(".", 1)[0]
        if key == "model" and isinstance(value, Mapping) and set(value) <= set(MODEL_SPEC_KEYS):
            model.update(value)  # our ModelSpec
            continue
        if head not in _ORIGINAL_GROUPS and key not in IGNORED_ORIGINAL_KEYS:
            out[key] = value
            continue
        flat: Dict[str, Any] = {}
        _flatten(key, value, flat)
        for fkey, fvalue in flat.items():
            if fkey in ORIGINAL_KEYS:
                target, convert = ORIGINAL_KEYS[fkey]
                if kind == "evaluate" and fkey == "flow.sampling_steps":
                    target, convert = "stepBudgets", lambda v: [int(v)]
                sampling_only = fkey in ("flow.sampling_steps", "flow.temperature", "flow.student_solver", "flow.solver")
                if kind in ("pretrain", "distill") and sampling_only or kind in _KIND_KEYS and target.split(".", 1)[0] not in _KIND_KEYS[kind]:
                    notes.append(f"ignored original key {fkey} (no meaning for a {kind} job)")
                elif fkey.startswith("optim.n_iters") and "steps" in out:
                    notes.append(f"ignored original key {fkey} (training.n_iters given)")
                elif target.startswith("model."):
                    model[target.split(".", 1)[1]] = convert(fvalue)
                else:
                    out[target] = convert(fvalue)
            elif fkey.startswith("model.") and fkey.split(".", 1)[1] in MODEL_SPEC_KEYS:
                model[fkey.split(".", 1)[1]] = fvalue
            elif fkey in IGNORED_ORIGINAL_KEYS or fkey.split(".", 1)[0] in ("hydra", "logging"):
                notes.append(f"ignored original key {fkey}")
            else:
                known = ", ".join(sorted(ORIGINAL_KEYS))
                raise ValueError(f"unknown config key {fkey!r}; original-project keys understood: {known}")
    if model:
        if kind in _KIND_KEYS and "model" not in _KIND_KEYS[kind]:
            notes.append(f"ignored model keys {sorted(model)} (a {kind} job takes its model from a checkpoint)")
        else:
            out["model"] = model
    return out, notes


def replace(cfg, **changes):
    """dataclasses.replace re-exported for callers that adjust one field of a frozen config."""
    return dataclasses.replace(cfg, **changes)
