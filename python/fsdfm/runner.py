"""Runs one job from its run spec (docs/contracts.md section 2): check the spec, then the body
of its kind (sample, pretrain, distill, evaluate). `prepare` validates, `execute` runs to the
end in the calling thread. The bridge API (runtime.py) runs it in a thread; the standalone CLI
(cli.py) and the data-parallel ranks (ranks.py) call it directly.
"""
from __future__ import annotations

import json
import os
import threading
import time
from typing import Any, Callable, Dict, Optional, Tuple

import torch

from .config import parse_config
from .contract import validate_run_spec
from .model_cache import MODEL_CACHE
from .train import Cancelled, Reporter

__all__ = ["prepare", "execute"]


def _check_device(device: str) -> str:
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"device {device!r} requested but only {torch.cuda.device_count()} CUDA devices exist")
    if dev.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unsupported device {device!r}")
    return str(dev)


def prepare(spec: Any) -> Tuple[Dict[str, Any], Any]:
    """Check a run spec against the contract; returns (normalised spec, frozen job config).

    ValueError (ContractError) naming the field when the spec is outside the contract.
    """
    validate_run_spec(spec)
    kind = spec["kind"]
    inputs = {k: v for k, v in (spec.get("inputs") or {}).items() if v is not None}
    cfg = parse_config(kind, spec["config"])
    if kind in ("pretrain", "distill", "evaluate") and not inputs.get("datasetDir"):
        raise ValueError(f"a {kind} run needs inputs.datasetDir")
    if kind == "distill" and not inputs.get("teacherCheckpoint"):
        raise ValueError("a distill run needs inputs.teacherCheckpoint")
    normalised = dict(spec, inputs=inputs, device=_check_device(spec.get("device") or "cpu"), workDir=os.path.abspath(spec["workDir"]))
    return normalised, cfg


def _run_sample(spec, cfg, reporter: Reporter, cancel: threading.Event) -> Dict[str, Any]:
    device = torch.device(spec["device"])
    ckpt = spec["inputs"].get("checkpoint")
    seq_len = cfg.seq_len
    if ckpt:
        model, path, meta, hit = MODEL_CACHE.get(ckpt, device)
        limit = int(meta["modelConfig"]["max_seq_len"])
        if seq_len > limit:
            if cfg.fixed_tokens is not None:
                raise ValueError(f"seqLen {seq_len} exceeds the checkpoint's maximum length {limit}")
            reporter.log(f"seqLen {seq_len} exceeds the checkpoint's training length; using {limit}")
            seq_len = limit
    else:
        from .model import build_model, model_config_from_spec
        from .path import MixturePath, PolynomialScheduler

        path = MixturePath(PolynomialScheduler(1.0), cfg.source, cfg.vocab_size)
        model_cfg = model_config_from_spec(cfg.model, vocab_size=cfg.vocab_size, num_outputs=path.num_outputs, kind="teacher", max_seq_len=seq_len)
        torch.manual_seed(cfg.seed)
        model = build_model(model_cfg).to(device).eval()
        meta, hit = {"kind": "teacher", "modelConfig": model_cfg.to_dict()}, False
    fixed = edit = None
    if cfg.fixed_tokens is not None:
        fixed = torch.tensor(cfg.fixed_tokens, dtype=torch.long)[None].expand(cfg.count, -1)
        mask = torch.tensor(cfg.edit_mask, dtype=torch.bool) if cfg.edit_mask is not None else fixed[0] < 0
        edit = mask[None].expand(cfg.count, -1)
    steps = len(cfg.step_sizes) if cfg.step_sizes else cfg.steps
    total = -(-cfg.count // cfg.batch_size) * (steps if meta["kind"] != "arm" else 1)
    start = time.perf_counter()
    done = [0]

    def on_step(*_):
        if cancel.is_set():
            raise Cancelled("cancelled")
        done[0] += 1
        elapsed = time.perf_counter() - start
        reporter.progress({"step": done[0], "total": total, "loss": None, "tokensPerSecond": None, "etaSeconds": elapsed / done[0] * (total - done[0])})

    if cfg.trace and meta["kind"] == "arm":
        raise ValueError("config.trace needs a diffusion model; an autoregressive model has no denoising steps")
    trace = _tracer(reporter, path, steps) if cfg.trace else None
    tokens = _sample_tokens(model, path, meta, cfg, seq_len, device, fixed, edit, cancel, on_step, steps, trace)
    wall = time.perf_counter() - start
    masked = _still_masked(tokens, meta, cfg)
    if masked:
        # A numerical failure (e.g. an overflow) leaves mask tokens behind; never call that a success.
        raise RuntimeError(f"sampling left {masked} position(s) masked: the solver's jump probabilities were not finite")
    result_tokens = tokens.tolist()
    os.makedirs(spec["workDir"], exist_ok=True)
    out = os.path.join(spec["workDir"], "samples.json")
    with open(out + ".tmp", "w", encoding="utf-8") as fh:
        json.dump({"tokens": result_tokens, "steps": steps, "solver": cfg.solver, "seqLen": seq_len, "seed": cfg.seed}, fh)
    os.replace(out + ".tmp", out)
    reporter.progress({"step": total, "total": total, "loss": None, "tokensPerSecond": tokens.numel() / max(wall, 1e-9), "etaSeconds": 0.0})
    return {
        "tokens": result_tokens,
        "cacheHit": hit,
        "steps": steps,
        "seqLen": seq_len,
        "wallSeconds": wall,
        "artifacts": [{"name": "samples.json", "path": out, "kind": "samples"}],
    }


def _still_masked(tokens: torch.Tensor, meta: Dict[str, Any], cfg) -> int:
    """Positions holding an id past the vocabulary (the mask token) after sampling."""
    vocab = int(meta.get("vocabSize") or meta.get("modelConfig", {}).get("vocab_size") or cfg.vocab_size)
    return int((tokens >= vocab).sum())


def _tracer(reporter: Reporter, path, steps: int) -> Callable[[int], Callable[[int, float, torch.Tensor], None]]:
    """For the batch whose first sample is `first`: an `on_state` that reports each state as a
    trace frame, the mask token as None. Only traced runs copy states off the device."""
    mask_id = path.mask_id

    def for_batch(first: int) -> Callable[[int, float, torch.Tensor], None]:
        def on_state(step: int, t: float, x: torch.Tensor) -> None:
            rows = x.cpu().tolist()
            if mask_id is not None:
                rows = [[None if v == mask_id else v for v in row] for row in rows]
            reporter.trace({"step": step, "steps": steps, "t": float(t), "firstSample": first, "tokens": rows})

        return on_state

    return for_batch


def _sample_tokens(model, path, meta, cfg, seq_len, device, fixed, edit, cancel, on_step, steps, trace=None) -> torch.Tensor:
    from .sampling import generate
    from .evaluate import generate_batches

    if meta["kind"] == "arm":
        return generate_batches(
            model, path, meta, count=cfg.count, batch_size=cfg.batch_size, seq_len=seq_len, steps=steps,
            solver=cfg.solver, temperature=cfg.temperature, seed=cfg.seed, device=device, cancel=cancel,
            fixed_tokens=fixed, edit_mask=edit,
        )
    generator = torch.Generator(device=device)
    generator.manual_seed(cfg.seed)
    out = []
    for begin in range(0, cfg.count, cfg.batch_size):
        b = min(cfg.batch_size, cfg.count - begin)
        out.append(
            generate(
                model, path, solver=cfg.solver, batch_size=b, seq_len=seq_len,
                steps=None if cfg.step_sizes else cfg.steps, step_sizes=list(cfg.step_sizes) if cfg.step_sizes else None,
                temperature=cfg.temperature, generator=generator, device=device,
                fixed_tokens=None if fixed is None else fixed[begin : begin + b].to(device),
                edit_mask=None if edit is None else edit[begin : begin + b].to(device),
                on_step=on_step, on_state=trace(begin) if trace else None, compile=cfg.compile,
            ).cpu()
        )
    return torch.cat(out, dim=0)


def _run_pretrain(spec, cfg, reporter, cancel):
    from .train import pretrain

    inputs = spec["inputs"]
    return pretrain(
        cfg, dataset_dir=inputs["datasetDir"], work_dir=spec["workDir"], device=spec["device"], reporter=reporter,
        cancel=cancel, resume_from=inputs.get("resumeFrom"), raw_config=spec["config"],
    )


def _run_distill(spec, cfg, reporter, cancel):
    from .distill import distill

    inputs = spec["inputs"]
    return distill(
        cfg, dataset_dir=inputs["datasetDir"], teacher_checkpoint=inputs["teacherCheckpoint"], work_dir=spec["workDir"],
        device=spec["device"], reporter=reporter, cancel=cancel, resume_from=inputs.get("resumeFrom"), raw_config=spec["config"],
    )


def _run_evaluate(spec, cfg, reporter, cancel):
    from .evaluate import evaluate

    device = spec["device"]

    def load(path):
        model, path_obj, meta, _ = MODEL_CACHE.get(path, device)
        return model, path_obj, meta

    return evaluate(
        cfg, dataset_dir=spec["inputs"]["datasetDir"], work_dir=spec["workDir"], device=device, reporter=reporter,
        cancel=cancel, load_model=load,
    )


_BODIES: Dict[str, Callable[..., Dict[str, Any]]] = {
    "sample": _run_sample,
    "pretrain": _run_pretrain,
    "distill": _run_distill,
    "evaluate": _run_evaluate,
}


def execute(spec: Dict[str, Any], reporter: Optional[Reporter] = None, cancel: Optional[threading.Event] = None, prepared: Any = None) -> Dict[str, Any]:
    """Run a RunSpec to completion in this thread; returns its result (raises on failure).

    A cancelled run returns its partial result with "cancelled": true.
    """
    spec, cfg = prepared if prepared is not None else prepare(spec)
    reporter = reporter or Reporter()
    cancel = cancel or threading.Event()
    os.makedirs(spec["workDir"], exist_ok=True)
    try:
        result = _BODIES[spec["kind"]](spec, cfg, reporter, cancel)
    except Cancelled:
        return {"cancelled": True, "artifacts": []}
    result.setdefault("artifacts", [])
    return result
