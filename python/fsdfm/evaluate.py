"""Evaluation: generative perplexity by step budget, entropy, ELBO bound, infilling, speed.

`evaluate(cfg, ...)` returns `{"report": ..., "artifacts": [...]}` and writes
`<work_dir>/report.json`:

    {"models": {name: {"kind", "checkpoint", "step", "seqLen",
                       "budgets": {"8": {"genPpl": {"ngram3": x}, "genPplStdErr": {"ngram3": se}, "entropy": e,
                                         "wallSeconds": s, "tokensPerSecond": r}, ...},
                       "elbo": ppl_bound, "elboNats": nats_per_token, "elboStepSize": h,
                       "infillAccuracy": a, "infill": {"steps", "fraction", "genPpl"}}},
     "reference": {"validation": {"genPpl": {...}, "entropy": e},
                   "armJudge": {"genPpl", "entropy", "wallSeconds", "tokensPerSecond", "seqLen", "steps"}},
     "judges": ["ngram3", ...], ...}

An ARM model is evaluated with one "budget" (its L - 1 decoding steps) and an exact
validation perplexity in place of the bound. With an ARM judge, `reference.armJudge` is that
ARM's own generation at the reference length (timed on the same device and batch size, so
its speed can be compared with the budgets); its score under itself is biased low.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch

from .checkpoint import load_model_from_checkpoint
from .config import EvaluateConfig
from .data import open_dataset, validation_batches
from .judges import ArmJudge, Judge, build_judges, unigram_entropy
from .train import Cancelled, Reporter

__all__ = ["evaluate", "elbo_bound", "infill_accuracy", "generate_batches", "judge_tokens", "student_step_size"]


def student_step_size(meta: Dict[str, Any]) -> Optional[float]:
    """The h a student's likelihood is evaluated with: the smallest step it was trained on."""
    if meta.get("kind") != "student":
        return None
    if meta.get("minStepSize"):
        return float(meta["minStepSize"])
    powers = (meta.get("config") or {}).get("gridPowers", meta.get("gridPowers", 10))
    return 2.0 ** -int(powers)


def judge_tokens(judges: List[Judge], tokens: torch.Tensor) -> Dict[str, Any]:
    """Mean per-sample perplexity under each judge, its standard error over the samples
    (std / sqrt(n); 0 for one sample), and the mean per-sample unigram entropy."""
    ppl = {j.name: np.asarray(j.perplexities(tokens), dtype=np.float64) for j in judges}
    return {
        "genPpl": {name: float(v.mean()) for name, v in ppl.items()},
        "genPplStdErr": {name: float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else 0.0 for name, v in ppl.items()},
        "entropy": float(np.mean(unigram_entropy(tokens))),
    }


def _check_cancel(cancel: Optional[threading.Event]) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("cancelled")


def generate_batches(
    model, path, meta, *, count: int, batch_size: int, seq_len: int, steps: int, solver: str, temperature: float,
    seed: int, device: torch.device, cancel: Optional[threading.Event] = None,
    fixed_tokens: Optional[torch.Tensor] = None, edit_mask: Optional[torch.Tensor] = None,
) -> torch.Tensor:
    """`count` samples (count, L) in batches, from a DFM model (any solver) or an ARM."""
    from .sampling import generate

    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    out = []
    for start in range(0, count, batch_size):
        _check_cancel(cancel)
        b = min(batch_size, count - start)
        fixed = None if fixed_tokens is None else fixed_tokens[start : start + b].to(device)
        editable = None if edit_mask is None else edit_mask[start : start + b].to(device)
        if meta["kind"] == "arm":
            # An ARM continues a prefix: the leading frozen positions (prompt), else <eos>.
            n_prefix = 1
            if fixed is not None and editable is not None:
                free = editable[0].nonzero()
                n_prefix = max(1, int(free[0]) if free.numel() else seq_len)
            if fixed is None:
                bos = int(meta.get("eosId") if meta.get("eosId") is not None else 0)
                prefix = torch.full((b, 1), bos, dtype=torch.long, device=device)
            else:
                prefix = fixed[:, :n_prefix].expand(b, n_prefix) if fixed.size(0) == 1 else fixed[:, :n_prefix]
            x = torch.cat([prefix, model.generate(prefix, seq_len - prefix.size(1), temperature, generator)], dim=1)
        else:
            x = generate(
                model, path, solver=solver, batch_size=b, seq_len=seq_len, steps=steps, temperature=temperature,
                generator=generator, device=device, fixed_tokens=fixed, edit_mask=editable,
                on_step=(lambda done, total: _check_cancel(cancel)),
            )
        out.append(x.cpu())
    return torch.cat(out, dim=0)


@torch.no_grad()
def elbo_bound(model, path, batches, *, time_points: int, step_size: Optional[float], seed: int, device: torch.device, time_eps: float = 1e-3) -> Dict[str, float]:
    """Generalized-KL bound on the NLL per token, integrated over t by stratified shifted
    points t_j = (j + u) / T (one shift u per sequence), reported with exp(mean).

    `step_size` is passed as h to a student (None for a teacher).
    """
    from .losses import generalized_kl_loss

    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    total, tokens = 0.0, 0
    for x1 in batches:
        x1 = x1.to(device)
        b = x1.size(0)
        shift = torch.rand(b, generator=generator, device=device)
        per_seq = torch.zeros(b, dtype=torch.float64, device=device)
        for j in range(time_points):
            t = ((j + shift) / time_points) * (1 - time_eps)  # (B,)
            x_t = path.sample_xt(x1, t, generator)
            h = None if step_size is None else torch.full((b,), step_size, device=device)
            logits = model(x_t, t, h)
            per_seq += generalized_kl_loss(logits, x1, x_t, t, path, reduction="none").double().sum(dim=1) / time_points
        total += float(per_seq.sum())
        tokens += x1.numel()
    nats = total / max(tokens, 1)
    return {"elbo": math.exp(min(nats, 700.0)), "elboNats": nats}


@torch.no_grad()
def arm_validation_ppl(model, batches, device: torch.device) -> Dict[str, float]:
    total, tokens = 0.0, 0
    for x in batches:
        lp = model.token_log_probs(x.to(device))  # (B, L-1)
        total -= float(lp.double().sum())
        tokens += lp.numel()
    nats = total / max(tokens, 1)
    return {"elbo": math.exp(min(nats, 700.0)), "elboNats": nats}


def infill_accuracy(model, path, meta, x: torch.Tensor, *, fraction: float, steps: int, solver: str, temperature: float, seed: int, batch_size: int, device: torch.device, cancel=None):
    """Keep `fraction` of the real tokens fixed, fill the rest; (accuracy on filled, samples)."""
    g = torch.Generator().manual_seed(seed + 1)
    keep = torch.rand(x.shape, generator=g) < fraction  # (N, L)
    filled = generate_batches(
        model, path, meta, count=x.size(0), batch_size=batch_size, seq_len=x.size(1), steps=steps, solver=solver,
        temperature=temperature, seed=seed, device=device, cancel=cancel, fixed_tokens=x, edit_mask=~keep,
    )
    holes = ~keep
    accuracy = float((filled[holes] == x[holes]).float().mean()) if holes.any() else 1.0
    return accuracy, filled


def _model_seq_len(meta: Dict[str, Any], requested: Optional[int]) -> int:
    trained = (meta.get("config") or {}).get("seqLen") or meta["modelConfig"]["max_seq_len"]
    return int(requested or trained)


def evaluate(
    cfg: EvaluateConfig,
    *,
    dataset_dir: str,
    work_dir: str,
    device: str = "cpu",
    reporter: Optional[Reporter] = None,
    cancel: Optional[threading.Event] = None,
    load_model: Optional[Callable[[str], Any]] = None,
    judge_checkpoint: Optional[str] = None,
) -> Dict[str, Any]:
    reporter = reporter or Reporter()
    dev = torch.device(device)
    load = load_model or (lambda p: load_model_from_checkpoint(p, dev))
    if not cfg.models:
        raise ValueError("config.models must list at least one model with a checkpoint")
    for m in cfg.models:
        if not m.checkpoint:
            raise ValueError(f"model {m.name!r} has no checkpoint path (config.models[].checkpoint or inputs.checkpoint)")
    dataset = open_dataset(dataset_dir)
    judge_cfgs = [jc if jc.kind != "arm" or jc.checkpoint else dataclasses.replace(jc, checkpoint=judge_checkpoint) for jc in cfg.judges]
    judges = build_judges(judge_cfgs, dataset, dev, load_model=load, log=reporter.log)
    if not judges:
        raise ValueError("no judge available (an hf judge needs transformers)")
    report: Dict[str, Any] = {
        "models": {},
        "reference": {},
        "judges": [j.name for j in judges],
        "stepBudgets": list(cfg.step_budgets),
        "solver": cfg.solver,
        "temperature": cfg.temperature,
        "samples": cfg.samples,
        "device": str(dev),
        "dataset": dataset.path,
        "createdAt": datetime.now(timezone.utc).isoformat(),
    }
    arm_judge = next((j for j in judges if isinstance(j, ArmJudge)), None)
    total_units = len(cfg.models) * (len(cfg.step_budgets) + int(cfg.elbo) + int(cfg.infill)) + 1 + int(arm_judge is not None)
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        reporter.progress({"step": done, "total": total_units, "loss": None, "tokensPerSecond": None, "etaSeconds": None})
        reporter.log(what)

    ref_len = _model_seq_len(load(cfg.models[0].checkpoint)[2], cfg.seq_len)
    ref = torch.cat(list(validation_batches(dataset.validation, ref_len, cfg.samples, max_batches=1)), dim=0)
    report["reference"]["validation"] = {**judge_tokens(judges, ref), "sequences": ref.size(0), "seqLen": ref_len}
    tick("reference: validation text judged")

    for m in cfg.models:
        _check_cancel(cancel)
        model, path, meta = load(m.checkpoint)
        kind = meta["kind"]
        seq_len = _model_seq_len(meta, cfg.seq_len)
        entry: Dict[str, Any] = {"kind": kind, "checkpoint": m.checkpoint, "step": meta.get("step"), "seqLen": seq_len, "budgets": {}}
        budgets = [seq_len - 1] if kind == "arm" else list(cfg.step_budgets)
        for steps in budgets:
            _check_cancel(cancel)
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            start = time.perf_counter()
            tokens = generate_batches(
                model, path, meta, count=cfg.samples, batch_size=cfg.batch_size, seq_len=seq_len, steps=steps,
                solver=cfg.solver, temperature=cfg.temperature, seed=cfg.seed, device=dev, cancel=cancel,
            )
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            wall = time.perf_counter() - start
            row = judge_tokens(judges, tokens)
            row.update(wallSeconds=wall, tokensPerSecond=tokens.numel() / max(wall, 1e-9))
            entry["budgets"][str(steps)] = row
            reporter.metric(f"eval/{m.name}/genPpl", steps, row["genPpl"][judges[0].name])
            tick(f"{m.name}: {steps} steps genPpl {row['genPpl']} entropy {row['entropy']:.3f} ({wall:.2f}s)")
        if kind == "arm":
            entry["autoregressive"] = True
        if cfg.elbo:
            val = validation_batches(dataset.validation, seq_len, cfg.batch_size, max_batches=max(1, math.ceil(cfg.samples / cfg.batch_size)))
            if kind == "arm":
                entry.update(arm_validation_ppl(model, val, dev))
                entry["elboStepSize"] = None
            else:
                h = student_step_size(meta)
                entry.update(elbo_bound(model, path, val, time_points=cfg.elbo_time_points, step_size=h, seed=cfg.seed, device=dev))
                entry["elboStepSize"] = h
            tick(f"{m.name}: elbo {entry['elbo']:.3f}")
        if cfg.infill:
            if kind == "arm":
                entry["infillAccuracy"], entry["infill"] = None, None
            else:
                x = torch.cat(list(validation_batches(dataset.validation, seq_len, cfg.samples, max_batches=1)), dim=0)
                steps = cfg.infill_steps or max([b for b in cfg.step_budgets if b <= 64] or [min(cfg.step_budgets)])
                acc, filled = infill_accuracy(
                    model, path, meta, x, fraction=cfg.infill_fraction, steps=steps, solver=cfg.solver,
                    temperature=cfg.temperature, seed=cfg.seed, batch_size=cfg.batch_size, device=dev, cancel=cancel,
                )
                entry["infillAccuracy"] = acc
                entry["infill"] = {"steps": steps, "fraction": cfg.infill_fraction, "genPpl": judge_tokens(judges, filled)["genPpl"]}
            tick(f"{m.name}: infill accuracy {entry['infillAccuracy']}")
        report["models"][m.name] = entry

    if arm_judge is not None:
        # The autoregressive baseline's own generation of the same length, for the speed column.
        _check_cancel(cancel)
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        start = time.perf_counter()
        tokens = generate_batches(
            arm_judge.model, None, {"kind": "arm", "eosId": dataset.eos_id}, count=cfg.samples, batch_size=cfg.batch_size,
            seq_len=ref_len, steps=ref_len - 1, solver=cfg.solver, temperature=cfg.temperature, seed=cfg.seed, device=dev, cancel=cancel,
        )
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        wall = time.perf_counter() - start
        row = judge_tokens(judges, tokens)
        row.update(wallSeconds=wall, tokensPerSecond=tokens.numel() / max(wall, 1e-9), seqLen=ref_len, steps=ref_len - 1)
        report["reference"]["armJudge"] = row
        tick(f"arm judge: own generation genPpl {row['genPpl']} entropy {row['entropy']:.3f} ({wall:.2f}s)")

    os.makedirs(work_dir, exist_ok=True)
    report_path = os.path.join(work_dir, "report.json")
    tmp = report_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
    os.replace(tmp, report_path)
    return {"report": report, "artifacts": [{"name": "report.json", "path": report_path, "kind": "report"}]}
