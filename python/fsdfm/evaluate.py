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
     "paired": [{"a": "student@8", "b": "teacher@8", "judge", "n", "meanA", "meanB",
                 "diff", "diffCi95", "diffExcludesZero", "ratio", "ratioCi95", "ratioExcludesOne"}, ...],
     "judges": ["ngram3", ...], ...}

and `<work_dir>/per_sample.json`, every generated sample's perplexity under each judge and
its unigram entropy, keyed "model@steps", for paired analyses of one's own.

Paired comparisons: every budget of every model reuses the same seed, so sample i of
"student@8" and of "teacher@8" (or of "teacher@256") share their noise stream, and the
difference of the two per-sample perplexities is the natural unit. For each pair the report
gives the difference of the means with a 95% paired t-interval and the ratio of the means with
a 95% paired bootstrap interval (resampling sample indices), and says whether each interval
excludes 0 (difference) or 1 (ratio). By default: each model against the first at every
budget, each model's budgets against its largest, and the entropy-matched control below
against its target; `comparisons` adds more.

Entropy-matched control (`matchEntropy`): lower-entropy text scores better under any judge, so
a model that only samples sharper would look better. The control re-samples `model` at the
temperature whose samples have the mean entropy of `target` at `targetSteps` (a secant search
on the temperature, each try a full set of samples with the same seed), at each of `budgets`,
and reports it as the model `<model>~matched` with the temperature used per budget.

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
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import torch

from .checkpoint import load_model_from_checkpoint
from .config import EvaluateConfig
from .data import open_dataset, validation_batches
from .judges import ArmJudge, Judge, build_judges, unigram_entropy
from .train import Cancelled, Reporter

__all__ = [
    "evaluate",
    "elbo_bound",
    "infill_accuracy",
    "generate_batches",
    "judge_tokens",
    "judge_samples",
    "paired_comparison",
    "match_temperature",
    "student_step_size",
]

MATCHED_SUFFIX = "~matched"


def student_step_size(meta: Dict[str, Any]) -> Optional[float]:
    """The h a student's likelihood is evaluated with: the smallest step it was trained on."""
    if meta.get("kind") != "student":
        return None
    if meta.get("minStepSize"):
        return float(meta["minStepSize"])
    powers = (meta.get("config") or {}).get("gridPowers", meta.get("gridPowers", 10))
    return 2.0 ** -int(powers)


def judge_samples(judges: List[Judge], tokens: torch.Tensor) -> Dict[str, np.ndarray]:
    """Per-sample perplexity under each judge (keyed by judge name) and per-sample unigram
    entropy (key "entropy"), each (N,) float64."""
    out = {j.name: np.asarray(j.perplexities(tokens), dtype=np.float64) for j in judges}
    out["entropy"] = np.asarray(unigram_entropy(tokens), dtype=np.float64)
    return out


def _summary(per_sample: Dict[str, np.ndarray]) -> Dict[str, Any]:
    ppl = {name: v for name, v in per_sample.items() if name != "entropy"}
    return {
        "genPpl": {name: float(v.mean()) for name, v in ppl.items()},
        "genPplStdErr": {name: float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else 0.0 for name, v in ppl.items()},
        "entropy": float(per_sample["entropy"].mean()),
    }


def judge_tokens(judges: List[Judge], tokens: torch.Tensor) -> Dict[str, Any]:
    """Mean per-sample perplexity under each judge, its standard error over the samples
    (std / sqrt(n); 0 for one sample), and the mean per-sample unigram entropy."""
    return _summary(judge_samples(judges, tokens))


# t_{0.975} for 1..30 degrees of freedom (standard tables); beyond, an expansion does.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
    2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


def _t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom (no scipy here): a table
    up to 30, then the Cornish-Fisher expansion around the normal quantile (error < 1e-4)."""
    z = 1.959963984540054
    if df <= 0:
        return math.inf
    if df <= len(_T975):
        return _T975[df - 1]
    return (
        z
        + (z ** 3 + z) / (4 * df)
        + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
        + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
    )


def paired_comparison(a: np.ndarray, b: np.ndarray, *, seed: int = 0, resamples: int = 2000) -> Dict[str, Any]:
    """Paired statistics of a against b (sample i of each from the same seed): the difference
    of the means with a 95% paired t-interval, and the ratio of the means with a 95% paired
    bootstrap percentile interval (the same resampled indices for both; seeded)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError(f"paired samples must be two 1-d arrays of one length, got {a.shape} and {b.shape}")
    n = a.size
    d = a - b
    out: Dict[str, Any] = {
        "n": int(n),
        "meanA": float(a.mean()),
        "meanB": float(b.mean()),
        "diff": float(d.mean()),
        "ratio": float(a.mean() / b.mean()),
        "diffCi95": None,
        "ratioCi95": None,
        "diffExcludesZero": False,
        "ratioExcludesOne": False,
    }
    if n < 2:
        return out
    half = _t_quantile_975(n - 1) * float(d.std(ddof=1)) / math.sqrt(n)
    lo, hi = out["diff"] - half, out["diff"] + half
    idx = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    ratios = a[idx].mean(axis=1) / b[idx].mean(axis=1)
    r_lo, r_hi = (float(q) for q in np.quantile(ratios, [0.025, 0.975]))
    out.update(
        diffCi95=[lo, hi], ratioCi95=[r_lo, r_hi], diffExcludesZero=bool(lo > 0 or hi < 0), ratioExcludesOne=bool(r_lo > 1 or r_hi < 1)
    )
    return out


def match_temperature(
    entropy_at: Callable[[float], float],
    target: float,
    *,
    start: float,
    start_entropy: Optional[float],
    tolerance: float,
    max_evaluations: int,
    first_guess: Optional[float] = None,
    bounds: Tuple[float, float] = (0.05, 5.0),
) -> List[Tuple[float, float]]:
    """Search the sampling temperature whose mean sample entropy is `target`.

    `entropy_at(T)` generates a full set of samples at T (same seed each time) and returns
    their mean entropy; `start_entropy`, when known, is the entropy at `start` (free). Stops
    within `tolerance` (relative) or after `max_evaluations` calls. Steps: `first_guess` (e.g.
    the temperature matched at another budget) or a guess that assumes the entropy moves by
    half the relative change of the temperature, then the secant
    through the two nearest tries (regula falsi once the target is bracketed), clamped to
    `bounds`. Returns every try [(T, H), ...]; the caller keeps the closest.
    """
    tries: List[Tuple[float, float]] = []
    calls = 0
    if start_entropy is None:
        start_entropy = entropy_at(start)
        calls += 1
    tries.append((start, start_entropy))
    lo_b, hi_b = bounds

    def close(h: float) -> bool:
        return abs(h - target) <= tolerance * abs(target)

    while calls < max_evaluations and not any(close(h) for _, h in tries):
        below = [p for p in tries if p[1] < target]
        above = [p for p in tries if p[1] > target]
        if below and above:  # bracketed: interpolate between the nearest on each side
            p = max(below, key=lambda q: q[1])
            q = min(above, key=lambda q: q[1])
        elif len(tries) >= 2:
            p, q = sorted(tries, key=lambda r: abs(r[1] - target))[:2]
        else:
            p = q = tries[0]
        if len(tries) == 1 and first_guess is not None:
            nxt = first_guess
        elif p[0] != q[0] and (q[1] - p[1]) / (q[0] - p[0]) > 0:
            nxt = p[0] + (target - p[1]) * (q[0] - p[0]) / (q[1] - p[1])
        else:  # one point, or a slope with the wrong sign (noise): the first-guess rule
            t0, h0 = min(tries, key=lambda r: abs(r[1] - target))
            nxt = t0 * (1.0 + 2.0 * (target - h0) / h0)
        nxt = float(min(max(nxt, lo_b), hi_b))
        if any(abs(nxt - t) < 1e-4 for t, _ in tries):
            break
        tries.append((nxt, entropy_at(nxt)))
        calls += 1
    return tries


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
    match = cfg.match_entropy
    total_units = (
        len(cfg.models) * (len(cfg.step_budgets) + int(cfg.elbo) + int(cfg.infill)) + 1 + int(arm_judge is not None)
        + (len(match.budgets) if match is not None else 0)
    )
    per_sample: Dict[str, Dict[str, np.ndarray]] = {}  # "model@steps" -> per-sample scores
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
            scores = judge_samples(judges, tokens)
            per_sample[f"{m.name}@{steps}"] = scores
            row = _summary(scores)
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

    if match is not None:
        name, entry = _entropy_matched_control(cfg, match, judges, load, per_sample, report, dev, cancel, tick)
        report["models"][name] = entry

    report["paired"] = _paired_comparisons(cfg, report, per_sample, [j.name for j in judges])

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
    samples_path = os.path.join(work_dir, "per_sample.json")
    with open(samples_path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump({key: {k: v.tolist() for k, v in scores.items()} for key, scores in per_sample.items()}, fh)
    os.replace(samples_path + ".tmp", samples_path)
    return {
        "report": report,
        "artifacts": [
            {"name": "report.json", "path": report_path, "kind": "report"},
            {"name": "per_sample.json", "path": samples_path, "kind": "report"},
        ],
    }


def _entropy_matched_control(cfg: EvaluateConfig, match, judges, load, per_sample, report, dev, cancel, tick):
    """`match.model` re-sampled at the temperature that matches the entropy of
    `match.target` at `match.target_steps`, at each of `match.budgets` (module docstring)."""
    src = next(m for m in cfg.models if m.name == match.model)
    model, path, meta = load(src.checkpoint)
    if meta["kind"] == "arm":
        raise ValueError(f"matchEntropy.model {match.model!r} must be a diffusion model (teacher or student), not an ARM")
    seq_len = _model_seq_len(meta, cfg.seq_len)
    target_key = f"{match.target}@{match.target_steps}"
    target_h = float(per_sample[target_key]["entropy"].mean())
    name = match.model + MATCHED_SUFFIX
    entry: Dict[str, Any] = {
        "kind": meta["kind"], "checkpoint": src.checkpoint, "step": meta.get("step"), "seqLen": seq_len,
        "matchedTo": target_key, "targetEntropy": target_h, "budgets": {},
    }
    matched_t: Optional[float] = None  # the previous budget's: the curve moves little with the budget
    for steps in match.budgets:
        tried: Dict[float, Tuple[Dict[str, np.ndarray], float, int]] = {}

        def entropy_at(temperature: float) -> float:
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            start = time.perf_counter()
            tokens = generate_batches(
                model, path, meta, count=cfg.samples, batch_size=cfg.batch_size, seq_len=seq_len, steps=steps,
                solver=cfg.solver, temperature=temperature, seed=cfg.seed, device=dev, cancel=cancel,
            )
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            scores = judge_samples(judges, tokens)
            tried[temperature] = (scores, time.perf_counter() - start, tokens.numel())
            return float(scores["entropy"].mean())

        known = per_sample.get(f"{match.model}@{steps}")
        if known is not None:  # the main evaluation already sampled this budget at cfg.temperature
            main_row = report["models"][match.model]["budgets"][str(steps)]
            tried[cfg.temperature] = (known, main_row["wallSeconds"], int(main_row["tokensPerSecond"] * main_row["wallSeconds"]))
        tries = match_temperature(
            entropy_at, target_h, start=cfg.temperature, start_entropy=None if known is None else float(known["entropy"].mean()),
            tolerance=match.tolerance, max_evaluations=match.max_evaluations, first_guess=matched_t,
        )
        best_t, _ = min(tries, key=lambda r: abs(r[1] - target_h))
        matched_t = best_t
        scores, wall, n_tokens = tried[best_t]
        per_sample[f"{name}@{steps}"] = scores
        row = _summary(scores)
        row.update(
            temperature=best_t, search=[[t, h] for t, h in tries], wallSeconds=wall, tokensPerSecond=n_tokens / max(wall, 1e-9)
        )
        entry["budgets"][str(steps)] = row
        tick(f"{name}: {steps} steps at temperature {best_t:.3f}: entropy {row['entropy']:.3f} (target {target_h:.3f}), genPpl {row['genPpl']}")
    return name, entry


def _paired_comparisons(cfg: EvaluateConfig, report, per_sample, judge_names: List[str]) -> List[Dict[str, Any]]:
    """The default pairs and `cfg.comparisons` (module docstring), for every judge."""
    models = report["models"]
    diffusion = [n for n, e in models.items() if e["kind"] != "arm" and not n.endswith(MATCHED_SUFFIX)]
    pairs: List[Tuple[str, str]] = []
    if diffusion:
        top = max(cfg.step_budgets)
        for steps in cfg.step_budgets:
            pairs += [(f"{n}@{steps}", f"{diffusion[0]}@{steps}") for n in diffusion[1:]]
        for n in diffusion:
            pairs += [(f"{n}@{steps}", f"{n}@{top}") for steps in cfg.step_budgets if steps != top]
    match = cfg.match_entropy
    if match is not None:
        target = f"{match.target}@{match.target_steps}"
        pairs += [(target, f"{match.model}{MATCHED_SUFFIX}@{steps}") for steps in match.budgets]
    pairs += [tuple(p) for p in cfg.comparisons]
    out: List[Dict[str, Any]] = []
    for a, b in dict.fromkeys(pairs):  # ordered, without repeats
        if a == b:
            continue
        if a not in per_sample or b not in per_sample:
            missing = [k for k in (a, b) if k not in per_sample]
            out.append({"a": a, "b": b, "error": f"not evaluated: {', '.join(missing)}"})
            continue
        for judge in judge_names:
            out.append({"a": a, "b": b, "judge": judge, **paired_comparison(per_sample[a][judge], per_sample[b][judge], seed=cfg.seed)})
    return out
