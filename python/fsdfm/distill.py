"""FS-DFM student distillation (docs/method.md, "Distilling the student").

The student starts from the teacher's weights (new step-size layers fresh). Per example a
step size h is drawn from {2^0 .. 2^-P} with weights {1 .. 2^P} (the smallest step gets
about half), and t uniformly on {k / 2^P} with t + h <= 1, so the last step of every N-step
sampler, (t = 1 - h, h), is trained too. Examples with h <= the threshold (default: the
smallest step 2^-P alone, as in the method) learn the path loss against the data and cost no
teacher evaluation; the others learn forward KL(shortcut teacher from the EMA student ||
student). Training itself is `train.run_training`, the same loop as pre-training.
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn

from ._compat import to_device_async
from .checkpoint import load_checkpoint, path_from_meta
from .config import DistillConfig
from .data import WindowSampler, open_dataset
from .distributed import DistContext, init_from_env
from .train import Objective, Reporter, TrainingJob, make_ema, run_training

__all__ = ["sample_step_and_time", "student_objective", "student_from_teacher", "distill", "min_step_size", "path_loss_threshold"]


def min_step_size(grid_powers: int) -> float:
    """The smallest step of the grid, the h a student's ELBO is evaluated with."""
    return 2.0 ** -grid_powers


def path_loss_threshold(threshold: Optional[float], grid_powers: int) -> float:
    """Step sizes h <= this learn the path loss. None means the smallest grid step alone
    (the method's "h below 2^-9" on the 2^-10 grid, and the same rule on any other grid)."""
    return min_step_size(grid_powers) if threshold is None else float(threshold)


def sample_step_and_time(
    batch: int, grid_powers: int, time_eps: float, generator: torch.Generator, device: torch.device
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-example (h, t), both (B,) float32.

    h = 2^-k with P(k) proportional to 2^k, k = 0..P; t = j / 2^P with j uniform among the
    grid points satisfying t + h <= 1 - eps (where none does, as for h = 1 with eps > 0,
    t = 0). The method's grid is eps = 0; eps > 0 leaves out the pair (1 - h, h), the last
    step of an N-step sampler (kept as an ablation of the grid this code used before).
    """
    n = 2 ** grid_powers
    weights = torch.pow(2.0, torch.arange(grid_powers + 1, dtype=torch.float64, device=device))
    k = torch.multinomial(weights, batch, replacement=True, generator=generator)  # (B,)
    h = torch.pow(2.0, -k.double())
    j_max = torch.floor((1.0 - time_eps - h) * n + 1e-9).clamp_min(0)  # (B,)
    u = torch.rand(batch, generator=generator, device=device, dtype=torch.float64)
    j = torch.minimum(torch.floor(u * (j_max + 1)), j_max)
    return h.float(), (j / n).float()


def student_objective(
    path,
    ema: nn.Module,
    *,
    shortcut: str = "rk4",
    threshold: Optional[float] = None,
    grid_powers: int = 10,
    time_eps: float = 0.0,
    counters: Optional[Dict[str, int]] = None,
) -> Objective:
    """The FS-DFM distillation loss for one micro-batch (mean over examples).

    `threshold`: see `path_loss_threshold` (None: the smallest step alone). `counters`, when
    given, accumulates how many examples took each branch.
    """
    threshold = path_loss_threshold(threshold, grid_powers)
    from .losses import forward_kl, generalized_kl_loss
    from .teachers import shortcut_teacher_logits

    # (h, t) are drawn on the host, so the host knows which examples take which branch
    # without asking the device (nonzero() on a device tensor waits for everything queued).
    # On CPU that is `generator` itself; for a device generator, a CPU generator of our own
    # (run_training seeds it and saves it with the checkpoint: `host_generators`).
    host_generator = torch.Generator()

    def objective(model: nn.Module, x1: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        batch = x1.size(0)
        draw = generator if generator.device.type == "cpu" else host_generator
        h_host, t_host = sample_step_and_time(batch, grid_powers, time_eps, draw, torch.device("cpu"))  # (B,), (B,)
        h, t = to_device_async(h_host, x1.device), to_device_async(t_host, x1.device)
        x_t = path.sample_xt(x1, t, generator)  # (B, L)
        logits = model(x_t, t, h)  # (B, L, O)
        small = (h_host <= threshold).numpy()  # host memory
        path_idx = to_device_async(torch.from_numpy(np.flatnonzero(small)), x1.device)
        teach_idx = to_device_async(torch.from_numpy(np.flatnonzero(~small)), x1.device)
        total = logits.new_zeros((), dtype=torch.float32)
        if path_idx.numel():
            loss = generalized_kl_loss(logits[path_idx], x1[path_idx], x_t[path_idx], t[path_idx], path)
            total = total + loss.float() * path_idx.numel()
        if teach_idx.numel():
            with torch.no_grad():
                target = shortcut_teacher_logits(
                    ema, x_t[teach_idx], t[teach_idx], h[teach_idx], path, method=shortcut, generator=generator
                )
            total = total + forward_kl(target, logits[teach_idx]).float() * teach_idx.numel()
        if counters is not None:
            counters["path"] = counters.get("path", 0) + int(path_idx.numel())
            counters["teacher"] = counters.get("teacher", 0) + int(teach_idx.numel())
        return total / batch

    objective.host_generators = {"schedule": host_generator}  # type: ignore[attr-defined]
    return objective


def student_from_teacher(teacher_checkpoint: str, seq_len: int) -> Tuple[nn.Module, Any, Dict[str, Any], Dict[str, Any]]:
    """A student model initialised by name from a teacher checkpoint (EMA weights if saved).

    Returns (student, path, teacher meta, load report {loaded, missing, unexpected}).
    """
    from .model import ModelConfig, build_model, load_weights_by_name

    ckpt = load_checkpoint(teacher_checkpoint, map_location="cpu")
    if ckpt.get("kind") not in ("teacher", "student"):
        raise ValueError(f"distillation needs a teacher checkpoint, got kind {ckpt.get('kind')!r}: {teacher_checkpoint}")
    teacher_cfg = ModelConfig.from_dict(ckpt["modelConfig"])
    student_cfg = dataclasses.replace(teacher_cfg, kind="student", max_seq_len=max(teacher_cfg.max_seq_len, seq_len))
    student = build_model(student_cfg)
    weights = ckpt["ema"] if ckpt.get("ema") is not None else ckpt["model"]
    report = load_weights_by_name(student, weights)
    meta = {k: v for k, v in ckpt.items() if k not in ("model", "ema", "optimizer", "scheduler", "rng")}
    meta.setdefault("schedulerExponent", 1.0)
    meta.setdefault("source", "mask")
    meta["studentModelConfig"] = student_cfg.to_dict()
    return student, path_from_meta(meta), meta, report


def distill(
    cfg: DistillConfig,
    *,
    dataset_dir: str,
    teacher_checkpoint: str,
    work_dir: str,
    device: str = "cpu",
    reporter: Optional[Reporter] = None,
    cancel: Optional[threading.Event] = None,
    resume_from: Optional[str] = None,
    raw_config: Optional[Dict[str, Any]] = None,
    dist_ctx: Optional[DistContext] = None,
    counters: Optional[Dict[str, int]] = None,
) -> Dict[str, Any]:
    """Distil an FS-DFM student from a pre-trained teacher checkpoint."""
    ctx = dist_ctx or init_from_env(device)
    dev = torch.device(ctx.device if ctx.enabled else device)
    optim = cfg.optim
    dataset = open_dataset(dataset_dir)
    torch.manual_seed(optim.seed)  # the fresh h layers: same on every rank
    student, path, teacher_meta, load_report = student_from_teacher(teacher_checkpoint, optim.seq_len)
    if int(teacher_meta["vocabSize"]) != dataset.vocab_size:
        raise ValueError(f"teacher vocabSize {teacher_meta['vocabSize']} differs from the dataset's {dataset.vocab_size}")
    ema = make_ema(student)
    objective = student_objective(
        path, ema, shortcut=cfg.shortcut, threshold=cfg.threshold, grid_powers=cfg.grid_powers, time_eps=cfg.time_eps, counters=counters
    )
    if reporter is not None:
        reporter.log(
            f"student from {teacher_checkpoint}: {len(load_report['loaded'])} tensors loaded, "
            f"{len(load_report['missing'])} fresh ({', '.join(sorted(load_report['missing'])[:6])}...)"
        )
    job = TrainingJob(
        kind="student",
        model=student,
        ema=ema,
        objective=objective,
        optim=optim,
        ema_decay=cfg.ema_decay,
        sampler=WindowSampler(dataset.train, optim.seq_len, optim.batch_size, optim.seed, rank=ctx.rank, world_size=ctx.world_size),
        device=dev,
        work_dir=work_dir,
        meta={
            "modelConfig": teacher_meta["studentModelConfig"],
            "vocabSize": dataset.vocab_size,
            "source": teacher_meta["source"],
            "schedulerExponent": teacher_meta["schedulerExponent"],
            "config": dict(raw_config or {}),
            "gridPowers": cfg.grid_powers,
            "threshold": path_loss_threshold(cfg.threshold, cfg.grid_powers),
            "minStepSize": min_step_size(cfg.grid_powers),
            "teacherCheckpoint": teacher_checkpoint,
            "dataset": dataset.path,
            "eosId": dataset.eos_id,
        },
        dist=ctx,
    )
    return run_training(job, reporter=reporter, cancel=cancel, resume_from=resume_from)
