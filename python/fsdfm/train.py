"""The one training loop: teacher pre-training, ARM pre-training and student distillation.

What differs between them is an *objective*: a function `(model, x1 (B, L), generator) ->
scalar loss` for one micro-batch. Everything else (AdamW, warm-up + cosine schedule, grad
clip and accumulation, bf16 autocast on CUDA, EMA, data parallel, metrics, checkpoints,
cancel, exact resume) lives here once.
"""
from __future__ import annotations

import contextlib
import copy
import math
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import torch
import torch.nn as nn

from . import _compat
from .checkpoint import capture_rng_state, load_checkpoint, restore_rng_state, save_checkpoint
from .config import OptimConfig, PretrainConfig
from .data import WindowSampler, open_dataset
from .distributed import DistContext, all_reduce_mean, init_from_env

__all__ = [
    "Reporter",
    "TrainingJob",
    "Objective",
    "run_training",
    "make_optimizer",
    "lr_multiplier",
    "make_ema",
    "update_ema",
    "teacher_objective",
    "arm_objective",
    "pretrain",
    "Cancelled",
]

Objective = Callable[[nn.Module, torch.Tensor, torch.Generator], torch.Tensor]


class Cancelled(Exception):
    """Raised inside a job thread when its cancel event is set (sampling, evaluation)."""


@dataclass
class Reporter:
    """Where a job sends its metrics, log lines and progress (runtime queue, CLI print)."""

    metric: Callable[[str, int, float], None] = lambda name, step, value: None
    log: Callable[[str], None] = lambda line: None
    progress: Callable[[Dict[str, Any]], None] = lambda progress: None
    # A traced sample run's frames: {"step", "steps", "t", "firstSample", "tokens": [[id | None]]}.
    trace: Callable[[Dict[str, Any]], None] = lambda frame: None


@dataclass
class TrainingJob:
    kind: str  # checkpoint kind: 'teacher' | 'arm' | 'student'
    model: nn.Module
    ema: nn.Module
    objective: Objective
    optim: OptimConfig
    ema_decay: float
    sampler: WindowSampler
    device: torch.device
    work_dir: str
    meta: Dict[str, Any]  # modelConfig, vocabSize, source, schedulerExponent, config, ...
    dist: DistContext = field(default_factory=DistContext)
    checkpoint_name: str = "checkpoint.pt"


def lr_multiplier(step: int, optim: OptimConfig) -> float:
    """Linear warm-up to 1, then cosine decay to `min_lr_ratio` at the last step."""
    if optim.warmup_steps > 0 and step < optim.warmup_steps:
        return (step + 1) / optim.warmup_steps
    decay_steps = max(1, optim.steps - optim.warmup_steps)
    progress = min(1.0, (step - optim.warmup_steps) / decay_steps)
    return optim.min_lr_ratio + (1 - optim.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def make_optimizer(model: nn.Module, optim: OptimConfig, device: torch.device) -> torch.optim.Optimizer:
    """AdamW; weight decay on matrices only (not biases, norms); fused on CUDA when available."""
    decay, no_decay = [], []
    for p in model.parameters():
        if p.requires_grad:
            (decay if p.dim() >= 2 else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": optim.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    extra = {"fused": True} if _compat.supports_fused_adamw(device) else {}
    return torch.optim.AdamW(groups, lr=optim.lr, betas=(optim.beta1, optim.beta2), eps=optim.eps, **extra)


def make_ema(model: nn.Module) -> nn.Module:
    ema = copy.deepcopy(model)
    ema.eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    return ema


@torch.no_grad()
def update_ema(ema: nn.Module, model: nn.Module, decay: float) -> None:
    ema_params = [p for p in ema.parameters()]
    params = [p.detach() for p in model.parameters()]
    if hasattr(torch, "_foreach_mul_"):
        torch._foreach_mul_(ema_params, decay)
        torch._foreach_add_(ema_params, params, alpha=1 - decay)
    else:  # pragma: no cover
        for e, p in zip(ema_params, params):
            e.mul_(decay).add_(p, alpha=1 - decay)
    for e, b in zip(ema.buffers(), model.buffers()):
        e.copy_(b)


def _unwrap(model: nn.Module) -> nn.Module:
    model = getattr(model, "module", model)  # DDP
    return getattr(model, "_orig_mod", model)  # torch.compile


def _pad_optimizer_state(optimizer: torch.optim.Optimizer) -> None:
    """Optimiser moments saved before the output layer was padded (model.PaddedLinear) have
    the logical row count; pad them with zeros to the parameter's shape so a run resumes."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            for key, value in list(optimizer.state.get(p, {}).items()):
                if (
                    isinstance(value, torch.Tensor) and value.dim() == p.dim() and value.dim() >= 1
                    and value.shape[1:] == p.shape[1:] and value.shape[0] < p.shape[0]
                ):
                    pad = value.new_zeros((p.shape[0] - value.shape[0],) + tuple(value.shape[1:]))
                    optimizer.state[p][key] = torch.cat((value, pad))


class _StepStats:
    """Each step's loss and gradient norm, on CUDA read one step late.

    Reading them at once (`.tolist()`) makes the host wait for the device to finish the step
    before it may queue the next one, so the device idles for the launch time of every step.
    On CUDA they are copied to a pinned host buffer without blocking, and `ready` hands a
    step's values over once the next step has been queued, when the device is (nearly) past
    them. On CPU the host is the device and `ready` hands them over at once.
    """

    def __init__(self, device: torch.device) -> None:
        self.cuda = device.type == "cuda"
        self.queue: List[tuple] = []

    def push(self, step: int, loss: torch.Tensor, grad_norm: torch.Tensor) -> None:
        stats = torch.stack([loss.detach().float(), grad_norm.detach().float()])
        if self.cuda:
            host = torch.empty(2, dtype=torch.float32, pin_memory=True)
            host.copy_(stats, non_blocking=True)
            done = torch.cuda.Event()
            done.record()
            self.queue.append((step, host, done))
        else:
            self.queue.append((step, stats, None))

    def ready(self) -> List[tuple]:
        """(step, loss, grad_norm) of the steps that may be read now (waiting on none but
        the step before the one just queued)."""
        return [self._read(self.queue.pop(0)) for _ in range(len(self.queue) - (1 if self.cuda else 0))]

    def flush(self) -> List[tuple]:
        return [self._read(self.queue.pop(0)) for _ in range(len(self.queue))]

    @staticmethod
    def _read(entry: tuple) -> tuple:
        step, host, done = entry
        if done is not None:
            done.synchronize()
        loss, grad_norm = host.numpy().tolist()  # host memory: no device round trip
        return step, float(loss), float(grad_norm)


def run_training(
    job: TrainingJob,
    *,
    reporter: Optional[Reporter] = None,
    cancel: Optional[threading.Event] = None,
    resume_from: Optional[str] = None,
) -> Dict[str, Any]:
    """Train `job.model` for `job.optim.steps` optimiser steps; returns the job result dict.

    Checkpoints go to `<work_dir>/checkpoint.pt` every `checkpoint_every` steps, at the end
    and on cancel (checked once per step). `resume_from` restores model, EMA, optimiser,
    scheduler, step, every RNG and the data position, so the continued run reproduces the
    uninterrupted one.
    """
    reporter = reporter or Reporter()
    optim, device, ctx = job.optim, job.device, job.dist
    model, ema = job.model.to(device), job.ema.to(device)
    optimizer = make_optimizer(model, optim, device)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: lr_multiplier(step, optim))
    noise = torch.Generator(device=device)
    noise.manual_seed(optim.seed * 1_000_003 + 7919 * ctx.rank + 1)
    generators = {"noise": noise}
    # An objective's own host-side generators (distill draws (h, t) on the host): seeded from
    # the run's seed and saved with the checkpoint like `noise`.
    for i, (name, g) in enumerate(sorted(getattr(job.objective, "host_generators", {}).items())):
        g.manual_seed(optim.seed * 1_000_003 + 7919 * ctx.rank + 2 + i)
        generators[f"objective.{name}"] = g
    step = 0
    if resume_from:
        ckpt = load_checkpoint(resume_from, map_location="cpu")
        if ckpt.get("kind") != job.kind:
            raise ValueError(f"cannot resume a {job.kind} run from a {ckpt.get('kind')} checkpoint: {resume_from}")
        model.load_state_dict(ckpt["model"])
        ema.load_state_dict(ckpt["ema"] if ckpt.get("ema") is not None else ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        _pad_optimizer_state(optimizer)
        scheduler.load_state_dict(ckpt["scheduler"])
        job.sampler.load_state_dict(ckpt["dataPosition"])
        restore_rng_state(ckpt["rng"], generators)
        step = int(ckpt["step"])
        reporter.log(f"resumed from {resume_from} at step {step}")

    train_model: nn.Module = model
    if ctx.enabled:
        from torch.nn.parallel import DistributedDataParallel

        train_model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    sync_model = train_model  # DDP's no_sync() lives here, not on the compiled wrapper
    call_model: Any = train_model
    if _compat.resolve_compile(optim.compile, device):  # "auto": on for CUDA with torch.compile
        call_model = _compat.compile_callable(train_model, strict=optim.compile is True, log=reporter.log)
        reporter.log(f"torch.compile: on ({'required' if optim.compile is True else 'auto'})")
    ckpt_path = os.path.join(job.work_dir, job.checkpoint_name)

    def checkpoint(at_step: int) -> None:
        if not ctx.is_main:
            return
        payload = dict(job.meta)
        payload.update(
            kind=job.kind,
            model=_unwrap(model).state_dict(),
            ema=ema.state_dict(),
            optimizer=optimizer.state_dict(),
            scheduler=scheduler.state_dict(),
            step=at_step,
            rng=capture_rng_state(generators),
            dataPosition=job.sampler.state_dict(),
        )
        save_checkpoint(ckpt_path, payload)
        reporter.log(f"checkpoint at step {at_step}: {ckpt_path}")

    params = [p for p in model.parameters() if p.requires_grad]
    tokens_per_step = optim.batch_size * optim.seq_len * ctx.world_size
    window_losses: List[float] = []
    window_start = time.perf_counter()
    window_steps = 0
    run_start, run_start_step = time.perf_counter(), step
    last_loss = float("nan")
    cancelled = False
    stats = _StepStats(device)

    def report(done: tuple) -> None:
        nonlocal last_loss, window_steps, window_start, window_losses
        at, step_loss, grad_norm = done
        last_loss = step_loss
        window_losses.append(step_loss)
        window_steps += 1
        elapsed = time.perf_counter() - run_start
        rate = tokens_per_step * (at - run_start_step) / max(elapsed, 1e-9)
        reporter.progress(
            {
                "step": at,
                "total": optim.steps,
                "loss": step_loss,
                "tokensPerSecond": rate,
                "etaSeconds": (optim.steps - at) * elapsed / max(at - run_start_step, 1),
            }
        )
        if at % optim.log_every == 0 or at == optim.steps:
            now = time.perf_counter()
            mean_loss = all_reduce_mean(sum(window_losses) / len(window_losses), ctx)
            if ctx.is_main:
                reporter.metric("train/loss", at, mean_loss)
                reporter.metric("train/lr", at, lr_at[at])
                reporter.metric("train/grad_norm", at, grad_norm)
                reporter.metric("train/tokens_per_s", at, tokens_per_step * window_steps / max(now - window_start, 1e-9))
                reporter.log(f"step {at}/{optim.steps} loss {mean_loss:.4f} lr {lr_at[at]:.3g}")
            window_losses, window_steps, window_start = [], 0, now
        del lr_at[at]

    lr_at: Dict[int, float] = {}  # learning rate by step, kept until the step is reported
    model.train()
    while step < optim.steps:
        stop = cancel is not None and cancel.is_set()
        if ctx.enabled:
            # Every rank must leave the loop at the same step, or the others would wait in the
            # next gradient all-reduce forever: agree on the flag.
            flag = torch.tensor([1.0 if stop else 0.0], device=device)
            torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
            stop = bool(flag.item())
        if stop:
            cancelled = True
            break
        batch = job.sampler.next_batch().to(device, non_blocking=True)  # (B, L)
        chunks = batch.tensor_split(optim.grad_accum)
        loss_sum = torch.zeros((), device=device)
        for i, chunk in enumerate(chunks):
            sync = contextlib.nullcontext() if not ctx.enabled or i == len(chunks) - 1 else sync_model.no_sync()
            with sync:
                with _compat.autocast(device):
                    loss = job.objective(call_model, chunk, noise) * (chunk.size(0) / batch.size(0))
                loss.backward()
            loss_sum += loss.detach().float()
        clip = optim.grad_clip if optim.grad_clip > 0 else float("inf")
        grad_norm_t = torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        update_ema(ema, _unwrap(model), job.ema_decay)
        step += 1
        lr_at[step] = optimizer.param_groups[0]["lr"]  # as logged before: the rate after this step's update
        stats.push(step, loss_sum, grad_norm_t)
        for done in stats.ready():
            report(done)
        if step % optim.checkpoint_every == 0 and step < optim.steps:
            for done in stats.flush():
                report(done)
            checkpoint(step)
    for done in stats.flush():
        report(done)
    checkpoint(step)
    return {
        "finalStep": step,
        "finalLoss": last_loss,
        "seqLen": optim.seq_len,
        "checkpoint": ckpt_path,
        "cancelled": cancelled,
        "artifacts": [{"name": job.checkpoint_name, "path": ckpt_path, "kind": "checkpoint"}],
    }


# ---------------------------------------------------------------------------------------
# Objectives
# ---------------------------------------------------------------------------------------

def teacher_objective(path, loss: str = "cross_entropy", time_eps: float = 1e-3) -> Objective:
    """DFM pre-training: t ~ U[0, 1 - eps), x_t ~ path(t), CE or generalized KL vs x1."""
    from .losses import cross_entropy_loss, generalized_kl_loss

    if loss not in ("cross_entropy", "generalized_kl"):
        raise ValueError(f"unknown loss {loss!r}; expected cross_entropy or generalized_kl")

    def objective(model: nn.Module, x1: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        t = torch.rand(x1.size(0), generator=generator, device=x1.device) * (1 - time_eps)  # (B,)
        x_t = path.sample_xt(x1, t, generator)  # (B, L)
        logits = model(x_t, t)  # (B, L, num_outputs)
        if loss == "cross_entropy":
            return cross_entropy_loss(logits, x1)
        return generalized_kl_loss(logits, x1, x_t, t, path)

    return objective


def arm_objective() -> Objective:
    """Autoregressive pre-training: next-token cross-entropy."""

    def objective(model: nn.Module, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        logits = model(x[:, :-1])  # (B, L-1, V)
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), x[:, 1:].reshape(-1))

    return objective


def pretrain(
    cfg: PretrainConfig,
    *,
    dataset_dir: str,
    work_dir: str,
    device: str = "cpu",
    reporter: Optional[Reporter] = None,
    cancel: Optional[threading.Event] = None,
    resume_from: Optional[str] = None,
    raw_config: Optional[Dict[str, Any]] = None,
    dist_ctx: Optional[DistContext] = None,
) -> Dict[str, Any]:
    """Pre-train a DFM teacher or an ARM on a dataset directory."""
    from .model import build_model, model_config_from_spec
    from .path import MixturePath, PolynomialScheduler

    ctx = dist_ctx or init_from_env(device)
    dev = torch.device(ctx.device if ctx.enabled else device)
    optim = cfg.optim
    dataset = open_dataset(dataset_dir)
    if cfg.model_type == "arm":
        path = None
        num_outputs = dataset.vocab_size
        objective = arm_objective()
    else:
        path = MixturePath(PolynomialScheduler(cfg.scheduler_exponent), cfg.source, dataset.vocab_size)
        num_outputs = path.num_outputs
        objective = teacher_objective(path, cfg.loss, cfg.time_eps)
    model_cfg = model_config_from_spec(
        cfg.model, vocab_size=dataset.vocab_size, num_outputs=num_outputs, kind=cfg.model_type, max_seq_len=optim.seq_len
    )
    torch.manual_seed(optim.seed)  # same initial weights on every rank
    model = build_model(model_cfg)
    job = TrainingJob(
        kind=cfg.model_type,
        model=model,
        ema=make_ema(model),
        objective=objective,
        optim=optim,
        ema_decay=cfg.ema_decay,
        sampler=WindowSampler(dataset.train, optim.seq_len, optim.batch_size, optim.seed, rank=ctx.rank, world_size=ctx.world_size),
        device=dev,
        work_dir=work_dir,
        meta={
            "modelConfig": model_cfg.to_dict(),
            "vocabSize": dataset.vocab_size,
            "source": cfg.source,
            "schedulerExponent": cfg.scheduler_exponent,
            "config": dict(raw_config or {}),
            "dataset": dataset.path,
            "eosId": dataset.eos_id,
        },
        dist=ctx,
    )
    if reporter is not None:
        from .model import count_parameters

        reporter.log(f"{cfg.model_type}: {count_parameters(model):,} parameters, {dataset.train.size:,} training tokens, device {dev}")
    return run_training(job, reporter=reporter, cancel=cancel, resume_from=resume_from)
