#!/usr/bin/env python3
"""Issue 7 benchmark: our FS-DFM PyTorch core against the reference numbers, one card, one run.

    python3 bench/gpu.py --device cuda --preset 0.17B            # full run (~6-8 min on an H100/H200)
    python3 bench/gpu.py --device cuda --preset 0.17B --quick    # ~3-5 min, compile warm-up included
    python3 bench/gpu.py --device cpu --preset tiny --seq-len 64 --batch 2   # CPU smoke run
    python3 bench/gpu.py --device cpu --preset 0.17B --batch 2 --only fast   # CPU: simple vs fast sampler (issue 17)

In order (most important first, so that a run cut short still has the key figures):

1. the card's matmul ceiling: a random 8192^3 bf16 product on CUDA (float32, 512^3 on CPU);
2. the model forward at batch 1, B, 4B (eager; torch.compile at B, and at 1 and 4B in a full run);
3. simple vs fast sampler side by side (issue 17; mask source): one cumulative-scalar step in
   the middle of an 8-step generation (t = 0.5, h = 1/8: half the positions masked, an eighth
   unmasking), the simple step (full forward + solver step on every position) against the
   fast one (trunk on every position, output layer and draw on the unmasking ones only), then
   whole 8-step generations both ways; the two are timed interleaved, rep by rep, so that a
   busy machine slows both alike, and reported as a ratio; eager, and compiled where possible;
4. the sampler: the solver step alone, one (simple) sampling step (forward + solver) and whole
   8-step generations (the default path: fast for a mask source) with `cumulative_scalar` and
   `dfm_euler` at batch B, eager and compiled (the trunk with CUDA graphs); host
   synchronisations per step counted with torch.cuda.set_sync_debug_mode;
5. a pre-training step (forward, backward, grad clip, AdamW (fused on CUDA), EMA, the loss read
   one step late; what train.run_training does per step, without data loading and checkpoints);
6. a distillation step with the RK4 shortcut teacher (distill.student_objective, the real one);
7. whole 1,024-step generations (16 on CPU; cumulative_scalar, dfm_euler too unless --quick), skipped if
   the estimate would run past --budget-s.

Each row: median time (CUDA events, after warm-up), effective TFLOP/s (counted model FLOPs over
time), fraction of the measured ceiling, peak memory (torch.cuda.max_memory_allocated), and the
reference figure with reference/ours (> 1: we are faster) when the card is the reference's
(NVIDIA H200) and the configuration is the reference's (0.17B, L = 1024, V = 50257 + mask,
batch 16); otherwise "n/a". Never compare across cards.

FLOP convention (fsdfm.model.flops_per_token): a forward costs 2 FLOPs per matmul weight per
token (embedding lookups free) plus 4 * L * hidden per block for attention (scores and mixing,
bidirectional); backward = 2x forward, so a training step = 3x forward. Sampler work (softmax,
Gumbel draws) counts as zero FLOPs, and so does the output layer the fast sampler skips: a fast
step is credited with a full forward (effective TFLOP/s, as issue 17 counts them). The same
convention gives the reference's 284,814,336 forward FLOPs per token.

Every optional feature (CUDA, bf16 autocast, torch.compile, SDPA, fused AdamW, sync debug
mode) is feature-detected, so this runs on PyTorch 1.13 on CPU.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import gc
import inspect
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
import traceback
import warnings
from typing import Any, Callable, Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

import torch  # noqa: E402

from fsdfm import _compat  # noqa: E402
from fsdfm.config import DistillConfig, OptimConfig  # noqa: E402
from fsdfm.distill import student_objective  # noqa: E402
from fsdfm.model import PRESETS, ModelConfig, build_model, count_parameters, flops_per_token  # noqa: E402
from fsdfm.path import MixturePath, PolynomialScheduler  # noqa: E402
from fsdfm.sampling import generate, sampling_trunk, unmask_step  # noqa: E402
from fsdfm.solvers import get_solver, mask_leave_probability  # noqa: E402
from fsdfm.train import _StepStats, make_ema, make_optimizer, teacher_objective, update_ema  # noqa: E402

# ../shared/bench/reference-h200.json, embedded: ../shared does not travel to the GPU machine.
REFERENCE: Dict[str, Any] = {
    "gpu": "NVIDIA H200",
    "torch": "2.11.0+cu130",
    "params": 170170066,
    "fwd_ms": {"1": 20.12729700000193, "16": 28.448814999997296, "64": 101.09599300000127},
    "sample_s_B16": {
        "cumulative_scalar_8": 0.45406600000000213,
        "cumulative_scalar_64": 3.2475449939999996,
        "cumulative_scalar_1024": 52.457495746999996,
        "mixture_euler_8": 0.5131569999999973,
        "mixture_euler_1024": 61.088954239,
        "meta_dfm_euler_8": 0.5759643889999779,
        "meta_dfm_euler_1024": 69.842815443,
    },
    "train_step_ms": {"8": 58.41223900000614, "16": 91.50392899999815},
    "flops_per_token_fwd": 284814336,
    "train_tflops_B16": 152.99008901653048,
    "compile_s": 34.45417351699999,
    "fwd_compiled_ms_B16": 12.763038999992204,
    "distill_step_ms_B8": 211.76250799999252,
    "distill_step_ms_B16": 328.5330640000126,
    "distill_tok_s_B16": 49870.17075395301,
    "matmul_bf16_tflops": 791.0950674509536,
}
REF_CONFIG = dict(hidden=768, blocks=12, heads=12, cond_dim=128, seq_len=1024, vocab=50257, source="mask")
REF_BATCH = 16
_REF_SOLVER = {"cumulative_scalar": "cumulative_scalar", "dfm_euler": "meta_dfm_euler", "mixture_euler": "mixture_euler"}

SECTIONS = ("ceiling", "forward", "fast", "sample", "train", "distill", "long")

# (warm-up, timed repeats) per kind of measurement
REPS = {
    "full": dict(matmul=(3, 20), fwd=(5, 20), step=(5, 20), gen=(1, 5), long=(0, 1), train=(3, 10), distill=(3, 10)),
    "quick": dict(matmul=(3, 10), fwd=(3, 10), step=(3, 10), gen=(1, 3), long=(0, 1), train=(2, 5), distill=(2, 5)),
    "cpu": dict(matmul=(1, 3), fwd=(1, 3), step=(1, 3), gen=(0, 1), long=(0, 1), train=(1, 3), distill=(1, 3)),
}


# -- small helpers -------------------------------------------------------------------------------


def _sh(cmd: List[str]) -> Optional[str]:
    try:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except Exception:
        return None


def commit_id(override: Optional[str]) -> str:
    if override:
        return override
    head = _sh(["git", "rev-parse", "--short", "HEAD"])
    if not head:
        return "unknown (no git here; pass --commit)"
    dirty = _sh(["git", "status", "--porcelain", "--untracked-files=no"])
    return head + (" + uncommitted changes" if dirty else "")


def fmt_time(seconds: Optional[float]) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds >= 1.0:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def fmt_num(value: Optional[float]) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def fmt_bytes(n: Optional[int]) -> str:
    if n is None:
        return "n/a"
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def is_oom(exc: BaseException) -> bool:
    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    return (oom is not None and isinstance(exc, oom)) or "out of memory" in str(exc).lower()


class Timer:
    """Median of repeats after warm-up: CUDA events on CUDA, perf_counter on CPU."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.cuda = device.type == "cuda"

    def sync(self) -> None:
        if self.cuda:
            torch.cuda.synchronize(self.device)

    def once(self, fn: Callable[[], Any]) -> float:
        if self.cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / 1e3
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    def times(self, fn: Callable[[], Any], warmup: int, reps: int) -> List[float]:
        for _ in range(warmup):
            fn()
        self.sync()
        return [self.once(fn) for _ in range(max(1, reps))]

    def reset_peak(self) -> None:
        if self.cuda:
            self.sync()
            torch.cuda.reset_peak_memory_stats(self.device)

    def peak(self) -> Optional[int]:
        return int(torch.cuda.max_memory_allocated(self.device)) if self.cuda else None


def compile_module(module: torch.nn.Module, mode: Optional[str]) -> torch.nn.Module:
    """torch.compile with static shapes (a new batch size compiles a new graph rather than a
    dynamic-shape one). Raises where torch.compile is missing (callers check has_compile)."""
    kwargs: Dict[str, Any] = {}
    params = inspect.signature(torch.compile).parameters  # type: ignore[attr-defined]
    if "dynamic" in params:
        kwargs["dynamic"] = False
    if mode and mode != "default":
        kwargs["mode"] = mode
    return torch.compile(module, **kwargs)  # type: ignore[attr-defined]


def count_host_syncs(device: torch.device, fn: Callable[[], Any]) -> Optional[int]:
    """Synchronising CUDA calls made by fn (torch.cuda.set_sync_debug_mode 'warn'); None where
    that is unavailable (CPU, old PyTorch)."""
    setter = getattr(torch.cuda, "set_sync_debug_mode", None)
    if device.type != "cuda" or setter is None:
        return None
    torch.cuda.synchronize(device)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        setter("warn")
        try:
            fn()
        finally:
            setter("default")
    torch.cuda.synchronize(device)
    return sum(1 for w in caught if "synchroniz" in str(w.message).lower())


# -- the run -------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.device = torch.device(args.device)
        self.cuda = self.device.type == "cuda"
        if self.cuda and self.device.index is not None:
            torch.cuda.set_device(self.device)
        self.timer = Timer(self.device)
        self.mode = "cpu" if not self.cuda else ("quick" if args.quick else "full")
        self.reps = dict(REPS[self.mode])
        if args.reps:
            self.reps = {k: (w, args.reps if k != "long" else 1) for k, (w, _) in self.reps.items()}
        if args.gen_reps:
            self.reps["gen"] = (self.reps["gen"][0], args.gen_reps)
        self.started = time.perf_counter()
        self.commit = commit_id(args.commit)
        self.command = " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv)
        self.date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.params: Optional[int] = None
        self.compiled_eval: Optional[torch.nn.Module] = None
        self.rows: List[Dict[str, Any]] = []
        self.notes: List[str] = []
        self.diag: Dict[str, Any] = {}
        self.ceiling_tflops: Optional[float] = None
        self.compile_ok = _compat.has_compile() and not args.no_compile
        self.bf16 = _compat.bf16_autocast_available(self.device)
        self.card = torch.cuda.get_device_name(self.device) if self.cuda else f"CPU ({platform.machine()}, {torch.get_num_threads()} threads)"

        preset = dict(PRESETS[args.preset])
        self.path = MixturePath(PolynomialScheduler(1.0), args.source, args.vocab)
        self.cfg = ModelConfig(
            vocab_size=args.vocab, num_outputs=self.path.num_outputs, kind="teacher", max_seq_len=args.seq_len,
            dropout=args.dropout, **preset,
        )
        self.L = args.seq_len
        self.B = args.batch
        self.fpt = flops_per_token(self.cfg, self.L)  # forward FLOPs per token
        same_config = (
            all(preset[k] == REF_CONFIG[k] for k in ("hidden", "blocks", "heads", "cond_dim"))
            and self.L == REF_CONFIG["seq_len"] and args.vocab == REF_CONFIG["vocab"] and args.source == REF_CONFIG["source"]
        )
        if self.card != REFERENCE["gpu"]:
            self.ref_status = "n/a (different card)"
        elif not same_config:
            self.ref_status = "n/a (different config)"
        else:
            self.ref_status = "ok"

    # .. bookkeeping

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def autocast(self):
        return _compat.autocast(self.device, enabled=self.bf16)

    def row(
        self,
        key: str,
        what: str,
        batch: Optional[int],
        fn: Callable[[], Any],
        kind: str,
        *,
        flops: Optional[float] = None,
        flops_fn: Optional[Callable[[int], float]] = None,
        ref_seconds: Optional[float] = None,
        ref_is_rate: bool = False,
        note: str = "",
        reps: Optional[tuple] = None,
    ) -> Optional[Dict[str, Any]]:
        """Time fn and record a row. `flops` per call, or `flops_fn(rep index)` per timed call."""
        warm, n = reps or self.reps[kind]
        rec: Dict[str, Any] = dict(key=key, what=what, batch=batch, note=note, status="ok")
        try:
            gc.collect()
            self.timer.reset_peak()
            times = self.timer.times(fn, warm, n)
            rec["peak_bytes"] = self.timer.peak()
            rec["seconds_all"] = times
            rec["seconds"] = statistics.median(times)
            if flops_fn is not None:
                per = [flops_fn(i) for i in range(len(times))]
                rec["flops"] = statistics.mean(per)
                rec["tflops"] = sum(per) / sum(times) / 1e12
            elif flops is not None:
                rec["flops"] = flops
                rec["tflops"] = flops / rec["seconds"] / 1e12
        except Exception as exc:  # keep going: one failure must not lose the rest of the run
            rec["status"] = ("OOM: " if is_oom(exc) else "error: ") + f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
            rec["traceback"] = traceback.format_exc(limit=6)
            print(rec["traceback"], file=sys.stderr)
            if self.cuda:
                torch.cuda.empty_cache()
        self._finish(rec, ref_seconds, ref_is_rate)
        return rec if rec["status"] == "ok" else None

    def pair(
        self,
        a: Dict[str, Any],
        b: Dict[str, Any],
        kind: str,
        *,
        flops: Optional[float] = None,
        ref_seconds: Optional[float] = None,
        reps: Optional[tuple] = None,
    ) -> Optional[float]:
        """Time two variants interleaved (a, b, a, b, ...) and record a row each; returns the
        ratio of the medians a / b (> 1: b is faster) or None. `a`, `b`: dict(key, what, fn,
        note). Interleaving makes a machine busy with other work slow both alike."""
        warm, n = reps or self.reps[kind]
        times: Dict[str, List[float]] = {a["key"]: [], b["key"]: []}
        status = "ok"
        try:
            gc.collect()
            for v in (a, b):
                for _ in range(warm):
                    v["fn"]()
            self.timer.sync()
            for _ in range(max(1, n)):
                for v in (a, b):
                    times[v["key"]].append(self.timer.once(v["fn"]))
        except Exception as exc:
            status = ("OOM: " if is_oom(exc) else "error: ") + f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
            print(traceback.format_exc(limit=6), file=sys.stderr)
            if self.cuda:
                torch.cuda.empty_cache()
        medians = {}
        for v in (a, b):
            rec: Dict[str, Any] = dict(key=v["key"], what=v["what"], batch=self.B, note=v.get("note", ""), status=status)
            if status == "ok":
                rec["seconds_all"] = times[v["key"]]
                rec["seconds"] = medians[v["key"]] = statistics.median(times[v["key"]])
                if flops is not None:
                    rec["flops"] = flops
                    rec["tflops"] = flops / rec["seconds"] / 1e12
            self._finish(rec, ref_seconds, False)
        if status != "ok":
            return None
        return medians[a["key"]] / medians[b["key"]]

    def skip(self, key: str, what: str, batch: Optional[int], why: str, ref_seconds: Optional[float] = None) -> None:
        rec = dict(key=key, what=what, batch=batch, note="", status=f"skipped: {why}")
        self._finish(rec, ref_seconds, False)

    def _finish(self, rec: Dict[str, Any], ref_seconds: Optional[float], ref_is_rate: bool) -> None:
        tf = rec.get("tflops")
        if tf is not None and self.ceiling_tflops:
            rec["frac_ceiling"] = tf / self.ceiling_tflops
        if ref_seconds is not None:
            rec["ref"] = ref_seconds
            rec["ref_is_rate"] = ref_is_rate
            if self.ref_status == "ok" and rec.get("seconds") is not None:
                ours = rec["tflops"] if ref_is_rate else rec["seconds"]
                rec["ratio"] = (ours / ref_seconds) if ref_is_rate else (ref_seconds / ours)
        self.rows.append(rec)
        self._print_row(rec)
        self.dump_json()

    def _print_row(self, rec: Dict[str, Any]) -> None:
        if rec["status"] != "ok":
            print(f"[{self.elapsed():6.1f}s] {rec['what']}: {rec['status']}", flush=True)
            return
        extra = f", {fmt_num(rec.get('tflops'))} TFLOP/s" if rec.get("tflops") is not None else ""
        print(f"[{self.elapsed():6.1f}s] {rec['what']} (B={rec['batch']}): {fmt_time(rec['seconds'])}{extra}", flush=True)

    def ref_ok(self, batch: int) -> bool:
        return batch == REF_BATCH

    def dump_json(self) -> None:
        if not self.args.out:
            return
        payload = dict(meta=self.meta(), rows=self.rows, diagnostics=self.diag, notes=self.notes)
        tmp = self.args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=1, default=str)
        os.replace(tmp, self.args.out)

    def meta(self) -> Dict[str, Any]:
        m: Dict[str, Any] = dict(
            card=self.card,
            device=str(self.device),
            torch=torch.__version__,
            cuda=getattr(torch.version, "cuda", None) if self.cuda else None,
            python=platform.python_version(),
            commit=self.commit,
            command=self.command,
            date=self.date,
            mode=self.mode,
            preset=self.args.preset,
            params=self.params,
            seq_len=self.L,
            batch=self.B,
            vocab=self.args.vocab,
            source=self.args.source,
            num_outputs=self.path.num_outputs,
            dropout=self.args.dropout,
            flops_per_token_fwd=self.fpt,
            bf16_autocast=self.bf16,
            sdpa=_compat.has_sdpa(),
            torch_compile=self.compile_ok,
            compile_mode=self.args.compile_mode,
            fused_adamw=_compat.supports_fused_adamw(self.device),
            ceiling_tflops=self.ceiling_tflops,
            reference_status=self.ref_status,
            elapsed_s=self.elapsed(),
        )
        if self.cuda:
            props = torch.cuda.get_device_properties(self.device)
            m.update(sm_count=props.multi_processor_count, gpu_memory_bytes=props.total_memory)
            for name in ("flash_sdp_enabled", "mem_efficient_sdp_enabled"):
                fn = getattr(torch.backends.cuda, name, None)
                if fn is not None:
                    m[name] = bool(fn())
            m["matmul_allow_tf32"] = bool(torch.backends.cuda.matmul.allow_tf32)
        return m

    # .. measurements

    def run(self) -> None:
        args = self.args
        only = set(args.only.split(",")) if args.only else set(SECTIONS)
        unknown = only - set(SECTIONS)
        if unknown:
            raise SystemExit(f"--only: unknown sections {sorted(unknown)}; choose from {SECTIONS}")
        print(f"fsdfm bench on {self.card}, torch {torch.__version__}, mode {self.mode}, commit {self.commit}", flush=True)

        if "ceiling" in only:
            self.bench_ceiling()
        torch.manual_seed(0)
        model = build_model(self.cfg).to(self.device)
        self.params = count_parameters(model)
        print(f"model: {args.preset} teacher, {self.params:,} parameters, {self.fpt:,.0f} forward FLOPs/token at L={self.L}", flush=True)
        for name, fn in (
            ("forward", lambda: self.bench_forward(model)),
            ("fast", lambda: self.bench_fast(model)),
            ("sample", lambda: self.bench_sample(model)),
            ("train", lambda: self.bench_train(model)),
            ("distill", self.bench_distill),
            ("long", lambda: self.bench_long(model)),
        ):
            if name in only:
                fn()
                self.cleanup()
        self.dump_json()

    def cleanup(self) -> None:
        gc.collect()
        if self.cuda:
            torch.cuda.empty_cache()

    def bench_ceiling(self) -> None:
        n = self.args.matmul_size or (8192 if self.cuda else 512)
        dtype = torch.bfloat16 if self.bf16 else torch.float32
        label = "bf16" if dtype == torch.bfloat16 else "float32"
        g = torch.Generator(device=self.device).manual_seed(0)
        sets = [
            (torch.randn(n, n, device=self.device, generator=g).to(dtype), torch.randn(n, n, device=self.device, generator=g).to(dtype))
            for _ in range(3 if self.cuda else 1)
        ]  # rotate among input sets (random data, never zeros)
        out = torch.empty(n, n, device=self.device, dtype=dtype)
        turn = [0]

        def mm() -> None:
            a, b = sets[turn[0] % len(sets)]
            turn[0] += 1
            torch.mm(a, b, out=out)

        ref = REFERENCE["matmul_bf16_tflops"] if label == "bf16" else None
        rec = self.row("matmul_ceiling", f"matmul ceiling, {label} {n}^3, random data", None, mm, "matmul",
                       flops=2.0 * n ** 3, ref_seconds=ref, ref_is_rate=True)
        if rec is not None:
            self.ceiling_tflops = rec["tflops"]
            rec["frac_ceiling"] = 1.0
        del sets, out

    def _inputs(self, batch: int, seed: int = 0):
        """x_t half masked (mask source) or random (uniform source), t (B,) in (0, 1)."""
        g = torch.Generator(device=self.device).manual_seed(seed)
        x = torch.randint(0, self.args.vocab, (batch, self.L), generator=g, device=self.device)
        if self.path.mask_id is not None:
            masked = torch.rand(batch, self.L, generator=g, device=self.device) < 0.5
            x = torch.where(masked, torch.full_like(x, self.path.mask_id), x)
        t = torch.rand(batch, generator=g, device=self.device) * 0.9
        return x, t

    def _get_compiled(self, model: torch.nn.Module) -> Optional[torch.nn.Module]:
        if not self.compile_ok:
            return None
        if self.compiled_eval is None:
            try:
                self.compiled_eval = compile_module(model, self.args.compile_mode)
            except Exception as exc:
                self.notes.append(f"torch.compile failed: {type(exc).__name__}: {exc}")
                self.compile_ok = False
                return None
        return self.compiled_eval

    def _compile_warm(self, cmodel: torch.nn.Module, x: torch.Tensor, t: torch.Tensor, key: str) -> bool:
        """First call of a compiled forward (the compilation), timed; False if it failed."""
        try:
            t0 = time.perf_counter()
            with torch.no_grad(), self.autocast():
                cmodel(x, t)
            self.timer.sync()
            self.diag[key] = time.perf_counter() - t0
            print(f"[{self.elapsed():6.1f}s] {key}: {self.diag[key]:.1f} s", flush=True)
            return True
        except Exception as exc:
            self.notes.append(f"torch.compile warm-up failed ({key}): {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            print(traceback.format_exc(limit=6), file=sys.stderr)
            self.compile_ok = False
            return False

    def bench_forward(self, model: torch.nn.Module) -> None:
        model.eval()
        batches = sorted({1, self.B, 4 * self.B})
        for b in batches:
            x, t = self._inputs(b)

            def fwd(m=model, x=x, t=t) -> None:
                with torch.no_grad(), self.autocast():
                    m(x, t)

            ref = REFERENCE["fwd_ms"].get(str(b)) if self.B == REF_BATCH else None
            self.row(f"fwd_eager_B{b}", "forward, eager", b, fwd, "fwd", flops=self.fpt * b * self.L,
                     ref_seconds=ref / 1e3 if ref else None)
        if not self.compile_ok:
            self.skip(f"fwd_compiled_B{self.B}", "forward, torch.compile", self.B,
                      "torch.compile unavailable" if not _compat.has_compile() else "--no-compile")
            return
        compiled_batches = [self.B] if self.mode != "full" else batches
        for b in compiled_batches:
            cmodel = self._get_compiled(model)
            if cmodel is None:
                break
            x, t = self._inputs(b)
            if b != self.B and self.elapsed() + 120 > self.args.budget_s:
                self.skip(f"fwd_compiled_B{b}", "forward, torch.compile", b, "would exceed --budget-s")
                continue
            if not self._compile_warm(cmodel, x, t, f"compile_s_fwd_B{b}"):
                self.skip(f"fwd_compiled_B{b}", "forward, torch.compile", b, "compile failed (see notes)")
                break

            def cfwd(m=cmodel, x=x, t=t) -> None:
                with torch.no_grad(), self.autocast():
                    m(x, t)

            ref = REFERENCE["fwd_compiled_ms_B16"] / 1e3 if b == REF_BATCH else None
            self.row(f"fwd_compiled_B{b}", f"forward, torch.compile ({self.args.compile_mode})", b, cfwd, "fwd",
                     flops=self.fpt * b * self.L, ref_seconds=ref)

    def _ref_gen(self, solver: str, steps: int) -> Optional[float]:
        if self.B != REF_BATCH:
            return None
        return REFERENCE["sample_s_B16"].get(f"{_REF_SOLVER[solver]}_{steps}")

    def _generate(self, m, solver: str, steps: int, seed: int = 0, fast: Optional[bool] = None, compile: bool = False) -> torch.Tensor:
        """generate() as a sample job runs it (bf16 autocast on CUDA is generate's own)."""
        g = torch.Generator(device=self.device).manual_seed(seed)
        return generate(m, self.path, solver=solver, batch_size=self.B, seq_len=self.L, steps=steps, generator=g,
                        device=self.device, fast=fast, compile=compile)

    def bench_fast(self, model: torch.nn.Module) -> None:
        """Simple vs fast sampler, side by side (issue 17)."""
        if self.path.mask_id is None:
            self.notes.append("fast sampler rows skipped: the fast path is for a mask source")
            return
        model.eval()
        B, L = self.B, self.L
        x, _ = self._inputs(B, seed=1)  # half masked: the state at t = 0.5 on the linear path
        t0, h = 0.5, 0.125
        tvec = torch.full((B,), t0, device=self.device)
        leave = mask_leave_probability("cumulative_scalar", t0, h, self.path)
        g = torch.Generator().manual_seed(7)  # the rows that unmask in this step, drawn on the host as generate does
        masked = (x == self.path.mask_id).cpu().reshape(-1)
        unmask = masked & (torch.rand(B * L, generator=g, dtype=torch.float64) < leave)
        rows = unmask.nonzero().reshape(-1).to(self.device)
        step = get_solver("cumulative_scalar")
        gen = torch.Generator(device=self.device).manual_seed(2)
        fwd_flops = self.fpt * B * L
        ref1024 = self._ref_gen("cumulative_scalar", 1024)
        self.diag["fast_step_unmasking_rows"] = f"{rows.numel()} of {B * L} (leave probability {leave:.3g} on {int(masked.sum())} masked)"
        variants = [("eager", False)]
        if self.compile_ok:
            variants.append(("compiled", True))
        for label, compiled in variants:
            try:
                trunk = sampling_trunk(model, self.device, True) if compiled else model.forward_hidden
            except Exception as exc:
                self.notes.append(f"compiled fast rows skipped: {type(exc).__name__}: {exc}")
                continue

            def simple_step(trunk=trunk) -> None:
                with torch.no_grad(), self.autocast():
                    step(x, model.output(trunk(x, tvec)), t0, h, self.path, gen)

            def fast_step(trunk=trunk) -> None:
                with torch.no_grad():
                    dest = unmask_step(model, x, rows, tvec, None, self.path, gen, 1.0, trunk)
                    x.reshape(-1).index_copy(0, rows, dest)

            if compiled:  # compile (and capture the CUDA graph) outside the timing
                t_start = time.perf_counter()
                try:
                    simple_step()
                    fast_step()
                    self.timer.sync()
                except Exception as exc:
                    self.notes.append(f"compiled fast rows skipped: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                    continue
                self.diag["compile_s_sampling_trunk"] = time.perf_counter() - t_start
            ratio = self.pair(
                dict(key=f"simple_step_{label}_B{B}", what=f"sampling step, simple (cumulative_scalar), {label}", fn=simple_step,
                     note="full forward + solver step on all B*L positions"),
                dict(key=f"fast_step_{label}_B{B}", what=f"sampling step, fast (cumulative_scalar), {label}", fn=fast_step,
                     note="trunk on all positions, output layer + draw on the unmasking ones"),
                "step", flops=fwd_flops, ref_seconds=ref1024 / 1024 if ref1024 else None,
            )
            if ratio is not None:
                self.diag[f"simple_over_fast_step_{label}"] = ratio
            est = 2 * 8 * max(r.get("seconds") or 0 for r in self.rows[-2:])
            if self.elapsed() + est * (1 + self.reps["gen"][1]) > self.args.budget_s:
                self.skip(f"gen8_simple_vs_fast_{label}_B{B}", f"generation, 8 steps, simple vs fast, {label}", B,
                          f"estimated {est * (1 + self.reps['gen'][1]):.0f} s would exceed --budget-s {self.args.budget_s:.0f}")
                continue
            ratio = self.pair(
                dict(key=f"gen8_simple_{label}_B{B}", what=f"generation, 8 steps, simple (cumulative_scalar), {label}",
                     fn=lambda c=compiled: self._generate(model, "cumulative_scalar", 8, fast=False, compile=c)),
                dict(key=f"gen8_fast_{label}_B{B}", what=f"generation, 8 steps, fast (cumulative_scalar), {label}",
                     fn=lambda c=compiled: self._generate(model, "cumulative_scalar", 8, fast=True, compile=c)),
                "gen", flops=8 * fwd_flops, ref_seconds=self._ref_gen("cumulative_scalar", 8),
            )
            if ratio is not None:
                self.diag[f"simple_over_fast_gen8_{label}"] = ratio
        syncs = count_host_syncs(self.device, lambda: self._generate(model, "cumulative_scalar", 4, fast=True))
        if syncs is not None:
            self.diag["host_syncs_per_step_fast"] = syncs / 4

    def bench_sample(self, model: torch.nn.Module) -> None:
        model.eval()
        B, L = self.B, self.L
        x, _ = self._inputs(B, seed=1)
        t0, h = 0.5, 0.125  # a mid-trajectory, non-final step
        tvec = torch.full((B,), t0, device=self.device)
        cmodel = self._get_compiled(model)
        if cmodel is not None and f"compile_s_fwd_B{B}" not in self.diag:
            if not self._compile_warm(cmodel, x, tvec, f"compile_s_fwd_B{B}"):
                cmodel = None
        fwd_flops = self.fpt * B * L
        with torch.no_grad(), self.autocast():
            logits = model(x, tvec)
        self.diag["logits_dtype"] = str(logits.dtype)
        for solver in ("cumulative_scalar", "dfm_euler"):
            step = get_solver(solver)
            gen = torch.Generator(device=self.device).manual_seed(2)
            ref1024 = self._ref_gen(solver, 1024)
            ref_step = ref1024 / 1024 if ref1024 else None

            def solver_only(step=step, gen=gen) -> None:
                with torch.no_grad():
                    step(x, logits, t0, h, self.path, gen)

            self.row(f"solver_{solver}_B{B}", f"solver step alone ({solver}), bf16 logits in" if self.bf16 else f"solver step alone ({solver})",
                     B, solver_only, "step", note="no model FLOPs")

            for label, m in (("eager", model), ("compiled", cmodel)):
                key = f"step_{solver}_{label}_B{B}"
                if m is None:
                    self.skip(key, f"sampling step ({solver}), {label}", B, "torch.compile unavailable or failed", ref_step)
                    continue

                def one_step(m=m, step=step, gen=gen) -> None:
                    with torch.no_grad(), self.autocast():
                        step(x, m(x, tvec), t0, h, self.path, gen)

                self.row(key, f"sampling step ({solver}), {label}", B, one_step, "step", flops=fwd_flops,
                         ref_seconds=ref_step, note="ref = reference 1,024-step generation / 1,024" if ref_step else "")

            for label, m in (("eager", model), ("compiled", cmodel)):
                key = f"gen8_{solver}_{label}_B{B}"
                what = f"generation, 8 steps ({solver}, {'fast' if self.path.mask_id is not None else 'simple'}), {label}"
                if m is None:
                    self.skip(key, what, B, "torch.compile unavailable or failed", self._ref_gen(solver, 8))
                    continue
                self.row(key, what, B, lambda c=label == "compiled", s=solver: self._generate(model, s, 8, compile=c), "gen",
                         flops=8 * fwd_flops, ref_seconds=self._ref_gen(solver, 8),
                         note="trunk compiled with CUDA graphs (reduce-overhead)" if label == "compiled" and self.cuda else "")

            syncs = count_host_syncs(self.device, lambda: self._generate(model, solver, 4))
            if syncs is not None:
                self.diag[f"host_syncs_per_step_{solver}"] = syncs / 4
        del logits
        self._overheads()

    def _overheads(self) -> None:
        by = {r["key"]: r for r in self.rows if r.get("seconds") is not None}
        B = self.B
        for label in ("eager", "compiled"):
            fwd = by.get(f"fwd_{label}_B{B}")
            for solver in ("cumulative_scalar", "dfm_euler"):
                stp = by.get(f"step_{solver}_{label}_B{B}")
                if fwd and stp:
                    self.diag[f"sampler_overhead_s_{solver}_{label}"] = stp["seconds"] - fwd["seconds"]

    def _train_step_fn(self, model, train_model, objective, ema, decay, params, optimizer, x1, noise, seeds=None):
        stats = _StepStats(self.device)
        counter = [0]

        def train_step() -> None:
            if seeds is not None:
                noise.manual_seed(seeds())
            with self.autocast():
                loss = objective(train_model, x1, noise)
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            update_ema(ema, model, decay)
            counter[0] += 1  # run_training's loss read: one step late on CUDA (train._StepStats)
            stats.push(counter[0], loss, grad_norm)
            stats.ready()

        return train_step

    def bench_train(self, model: torch.nn.Module) -> None:
        B, L = self.B, self.L
        optim = OptimConfig(batch_size=B, seq_len=L)
        objective = teacher_objective(self.path, "cross_entropy")
        g = torch.Generator(device=self.device).manual_seed(3)
        x1 = torch.randint(0, self.args.vocab, (B, L), generator=g, device=self.device)
        variants = [("eager", model)]
        if self.mode == "full" and self.compile_ok:
            variants.append(("compiled", None))
        for label, train_model in variants:
            key = f"train_{label}_B{B}"
            what = f"pre-training step ({'fused ' if _compat.supports_fused_adamw(self.device) else ''}AdamW), {label}"
            ref = REFERENCE["train_step_ms"]["16"] / 1e3 if self.ref_ok(B) else None
            if train_model is None:
                if self.elapsed() + 150 > self.args.budget_s:
                    self.skip(key, what, B, "would exceed --budget-s", ref)
                    continue
                try:
                    train_model = compile_module(model, self.args.compile_mode)
                except Exception as exc:
                    self.skip(key, what, B, f"torch.compile failed: {exc}", ref)
                    continue
            model.train()
            ema = make_ema(model)
            optimizer = make_optimizer(model, optim, self.device)
            params = [p for p in model.parameters() if p.requires_grad]
            noise = torch.Generator(device=self.device).manual_seed(4)
            fn = self._train_step_fn(model, train_model, objective, ema, 0.999, params, optimizer, x1, noise)
            if label == "compiled":
                t0 = time.perf_counter()
                try:
                    fn()
                    self.timer.sync()
                    self.diag[f"compile_s_train_B{B}"] = time.perf_counter() - t0
                except Exception as exc:
                    self.skip(key, what, B, f"torch.compile failed: {type(exc).__name__}", ref)
                    continue
            self.row(key, what, B, fn, "train", flops=3 * self.fpt * B * L, ref_seconds=ref,
                     note="fwd+bwd+clip+AdamW+EMA+lagged loss read, as run_training")
            if label == "eager":
                syncs = count_host_syncs(self.device, fn)
                if syncs is not None:
                    self.diag["host_syncs_per_train_step"] = syncs
            del ema, optimizer, params, fn
            model.zero_grad(set_to_none=True)
            self.cleanup()
        model.eval()

    def bench_distill(self) -> None:
        B, L = self.B, self.L
        dcfg = DistillConfig(optim=OptimConfig(batch_size=B, seq_len=L))
        torch.manual_seed(5)
        student = build_model(dataclasses.replace(self.cfg, kind="student")).to(self.device)
        student.train()
        ema = make_ema(student)
        counters: Dict[str, int] = {}
        # threshold None (the default) means the smallest grid step alone (distill.path_loss_threshold)
        threshold = dcfg.threshold if dcfg.threshold is not None else 2.0 ** -dcfg.grid_powers
        objective = student_objective(
            self.path, ema, shortcut=dcfg.shortcut, threshold=threshold, grid_powers=dcfg.grid_powers,
            time_eps=dcfg.time_eps, counters=counters,
        )
        optimizer = make_optimizer(student, dcfg.optim, self.device)
        params = [p for p in student.parameters() if p.requires_grad]
        g = torch.Generator(device=self.device).manual_seed(6)
        x1 = torch.randint(0, self.args.vocab, (B, L), generator=g, device=self.device)
        noise = torch.Generator(device=self.device)
        seed = [100]
        teach_counts: List[int] = []

        def next_seed() -> int:  # a fresh (h, t) draw every call, reproducible across runs
            seed[0] += 1
            return seed[0]

        inner = self._train_step_fn(student, student, objective, ema, dcfg.ema_decay, params, optimizer, x1, noise, next_seed)

        def distill_step() -> None:
            before = counters.get("teacher", 0)
            inner()
            teach_counts.append(counters.get("teacher", 0) - before)

        def flops_fn(i: int) -> float:  # student fwd+bwd on B, 4 EMA forwards on the teacher branch
            n_teach = teach_counts[-len_timed[0] + i]
            return 3 * self.fpt * B * L + 4 * self.fpt * n_teach * L

        warm, n = self.reps["distill"]
        len_timed = [n]
        ref = REFERENCE["distill_step_ms_B16"] / 1e3 if self.ref_ok(B) else None
        rec = self.row(f"distill_rk4_B{B}", f"distillation step ({dcfg.shortcut} shortcut teacher)", B, distill_step, "distill",
                       flops_fn=flops_fn, ref_seconds=ref,
                       note=f"threshold {threshold:g}, grid 2^-{dcfg.grid_powers}")
        if rec is not None:
            timed = teach_counts[-n:]
            rec["teacher_examples_mean"] = statistics.mean(timed)
            rec["tokens_per_s"] = B * L / rec["seconds"]
            rec["note"] += f"; {statistics.mean(timed):.1f}/{B} examples took the teacher branch; {rec['tokens_per_s']:,.0f} tok/s"
            if self.ref_ok(B):
                rec["note"] += f" (ref {REFERENCE['distill_tok_s_B16']:,.0f})"
            self.dump_json()
        syncs = count_host_syncs(self.device, distill_step)
        if syncs is not None:
            self.diag["host_syncs_per_distill_step"] = syncs

    def bench_long(self, model: torch.nn.Module) -> None:
        model.eval()
        steps = self.args.long_steps
        cmodel = self.compiled_eval if self.compile_ok else None
        label = "compiled" if cmodel is not None else "eager"
        by = {r["key"]: r for r in self.rows if r.get("seconds") is not None}
        solvers = ["cumulative_scalar"] + ([] if self.args.quick else ["dfm_euler"])
        for solver in ("cumulative_scalar", "dfm_euler"):
            key = f"gen{steps}_{solver}_{label}_B{self.B}"
            what = f"generation, {steps} steps ({solver}), {label}"
            ref = self._ref_gen(solver, steps)
            if solver not in solvers:
                self.skip(key, what, self.B, "--quick", ref)
                continue
            g8 = by.get(f"gen8_{solver}_{label}_B{self.B}")
            estimate = g8["seconds"] / 8 * steps if g8 else None
            if estimate is not None and self.elapsed() + estimate > self.args.budget_s:
                self.skip(key, what, self.B, f"estimated {estimate:.0f} s would exceed --budget-s {self.args.budget_s:.0f}", ref)
                continue
            self.row(key, what, self.B, lambda s=solver: self._generate(model, s, steps, compile=cmodel is not None), "long",
                     flops=steps * self.fpt * self.B * self.L, ref_seconds=ref)


# -- report ----------------------------------------------------------------------------------------


def table(bench: Bench) -> str:
    lines = [
        "| what | batch | time | TFLOP/s | of ceiling | peak memory | reference (H200) | reference / ours |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in bench.rows:
        ref = r.get("ref")
        if ref is None:
            ref_s, ratio = "—", "—"
        else:
            ref_s = f"{ref:.0f} TFLOP/s" if r.get("ref_is_rate") else fmt_time(ref)
            if bench.ref_status != "ok":
                ratio = bench.ref_status
            elif r.get("ratio") is not None:
                ratio = f"{r['ratio']:.2f}×"
            else:
                ratio = "—"
        if r["status"] != "ok":
            lines.append(f"| {r['what']} | {r.get('batch') or ''} | {r['status']} | | | | {ref_s} | |")
            continue
        frac = r.get("frac_ceiling")
        what = r["what"] + (f" ({r['note']})" if r.get("note") else "")
        lines.append(
            f"| {what} | {r.get('batch') or ''} | {fmt_time(r['seconds'])} | {fmt_num(r.get('tflops'))} | "
            f"{'—' if frac is None else f'{100 * frac:.1f}%'} | {fmt_bytes(r.get('peak_bytes'))} | {ref_s} | {ratio} |"
        )
    return "\n".join(lines)


def section(bench: Bench) -> str:
    m = bench.meta()
    a = bench.args
    cpu = not bench.cuda
    title = f"## {m['date']}: {'CPU run' if cpu else m['card'] + ' (' + m['mode'] + ')'}, preset {a.preset}, L={bench.L}, B={bench.B}"
    out = [title, ""]
    if cpu:
        out += [
            "> **CPU run.** Absolute numbers say nothing about a GPU, and they are NOT the issue-7/17 "
            "targets, which are GPU figures (0.17B, batch 16, 1,024 tokens, H100/H200); no reference "
            "comparison is made. What carries over is a ratio of two variants measured side by side "
            "in this one run (the simple vs fast sampler rows, interleaved rep by rep).",
            "",
        ]
    ceiling = "—" if bench.ceiling_tflops is None else f"{bench.ceiling_tflops:.4g} TFLOP/s"
    out += [
        f"- card: {m['card']}" + (f", {m.get('sm_count')} SMs, {fmt_bytes(m.get('gpu_memory_bytes'))}" if bench.cuda else ""),
        f"- torch {m['torch']}" + (f", CUDA {m['cuda']}" if m.get("cuda") else "") + f", Python {m['python']}",
        f"- commit: {m['commit']}",
        f"- command: `{m['command']}`",
        f"- model: {a.preset} teacher, {bench.params:,} parameters, V = {a.vocab} ({a.source} source, {m['num_outputs']} outputs), "
        f"dropout {a.dropout}; {bench.fpt:,.0f} forward FLOPs per token at L = {bench.L}" if bench.params else "- model: not built",
        f"- features: bf16 autocast {'on' if m['bf16_autocast'] else 'off'}, SDPA {'yes' if m['sdpa'] else 'no'}"
        f"{' (flash ' + ('on' if m.get('flash_sdp_enabled') else 'off') + ')' if 'flash_sdp_enabled' in m else ''}, "
        f"torch.compile {'yes (' + a.compile_mode + ', static shapes)' if m['torch_compile'] else 'no'}, "
        f"fused AdamW {'yes' if m['fused_adamw'] else 'no'}",
        f"- measured ceiling: {ceiling}; reference comparison: {bench.ref_status}",
        "- FLOP convention: forward = 2 FLOPs per matmul weight per token + 4·L·hidden per block "
        "(attention), from `fsdfm.model.flops_per_token`; training = 3× forward; distillation = "
        "3× forward on B + 4 forwards on the teacher-branch examples; sampler work counts 0. "
        "Times are medians after warm-up (CUDA events on GPU).",
        f"- wall time of the whole run: {m['elapsed_s']:.0f} s",
    ]
    if not cpu:
        out.append(
            "- issue-17 targets (same card, one run): sampling step at batch 16, L = 1,024 at >= 50% of the measured "
            "ceiling in effective TFLOP/s (a full forward's FLOPs over the step time; about 12 ms on an H200); 8-step "
            "generation of 16x1,024 tokens under 0.1 s; pre-training step at >= 50% of the ceiling; RK4 distillation "
            "step at >= 2.5x the reference's 49.9k tokens/s (<= 131 ms at batch 16); an 8-step sample job through "
            "the service within 2% of the direct Python call (bench/service.ts)"
        )
    out += [
        "",
        table(bench),
        "",
    ]
    diag = dict(bench.diag)
    if diag:
        parts = []
        for k, v in diag.items():
            if isinstance(v, float):
                if k.startswith("sampler_overhead") or k.startswith("compile_s"):
                    v = fmt_time(v)
                elif k.startswith("simple_over_fast"):
                    v = f"{v:.2f}x"
                else:
                    v = f"{v:.3g}"
            parts.append(f"{k} = {v}")
        out += ["Diagnostics: " + "; ".join(parts) + ".", ""]
    for note in bench.notes:
        out.append(f"- note: {note}")
    if bench.notes:
        out.append("")
    return "\n".join(out)


DOC_HEADER = """# Performance

Tables written by `bench/gpu.py` (issue 7), newest last. Each section names the card, the
PyTorch version, the commit and the exact command. Compare numbers only within one card kind:
the reference figures (`../shared/bench/reference-h200.json`) are from an NVIDIA H200, so
reference / ours is given only for H200 runs of the reference configuration (0.17B, batch 16,
1,024 tokens). CPU sections only show that the benchmark runs, and ratios of two variants
measured side by side in one run; they are not the issues' targets.

"""


def write_doc(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    exists = os.path.exists(path) and os.path.getsize(path) > 0
    with open(path, "a", encoding="utf-8") as fh:
        if not exists:
            fh.write(DOC_HEADER)
        fh.write("\n" + text.rstrip() + "\n")


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default=_compat.default_device(), help="cuda, cuda:N or cpu (default: cuda if present)")
    p.add_argument("--preset", default="0.17B", choices=sorted(PRESETS), help="model preset (default 0.17B)")
    p.add_argument("--seq-len", type=int, default=1024)
    p.add_argument("--batch", type=int, default=16, help="batch B for sampling, training and distillation; forward runs 1, B, 4B")
    p.add_argument("--vocab", type=int, default=50257, help="data tokens V (the mask source adds one output)")
    p.add_argument("--source", default="mask", choices=("mask", "uniform"))
    p.add_argument("--dropout", type=float, default=ModelConfig.dropout, help="model dropout (training steps; default the model's)")
    p.add_argument("--quick", action="store_true", help="fewer repeats, compile at B only, no compiled training, no dfm_euler 1,024-step run")
    p.add_argument("--reps", type=int, default=0, help="timed repeats for every row (default per mode)")
    p.add_argument("--gen-reps", type=int, default=0, help="timed repeats of whole generations (overrides --reps there)")
    p.add_argument("--long-steps", type=int, default=0, help="steps of the long generations (default 1024 on CUDA, 16 on CPU)")
    p.add_argument("--matmul-size", type=int, default=0, help="n of the n^3 ceiling product (default 8192 GPU, 512 CPU)")
    p.add_argument("--no-compile", action="store_true", help="skip torch.compile rows")
    p.add_argument("--compile-mode", default="default", help="torch.compile mode: default, reduce-overhead (CUDA graphs), max-autotune")
    p.add_argument("--only", default="", help=f"comma-separated sections to run: {','.join(SECTIONS)}")
    p.add_argument("--budget-s", type=float, default=0.0, help="wall-time budget; long generations and extra compiles that would exceed it are skipped (default: 270 quick, 540 full, 240 CPU)")
    p.add_argument("--out", default="", help="write raw numbers as JSON here (rewritten after every row)")
    p.add_argument("--doc", default=os.path.join(ROOT, "docs", "performance.md"), help="markdown file to append the section to")
    p.add_argument("--no-doc", action="store_true", help="do not append to --doc")
    p.add_argument("--section-out", default="", help="also write just this run's markdown section here")
    p.add_argument("--commit", default="", help="commit id to report (default: git rev-parse --short HEAD)")
    args = p.parse_args(argv)
    cuda = torch.device(args.device).type == "cuda"
    if not args.budget_s:
        args.budget_s = (270.0 if args.quick else 540.0) if cuda else 240.0
    if not args.long_steps:
        args.long_steps = 1024 if cuda else 16
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if torch.device(args.device).type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda but torch.cuda.is_available() is False")
    bench = Bench(args)
    try:
        bench.run()
    finally:
        text = section(bench)
        if bench.rows:
            print("\n" + text, flush=True)
            if not args.no_doc:
                write_doc(args.doc, text)
                print(f"appended to {args.doc}", flush=True)
            if args.section_out:
                with open(args.section_out, "w", encoding="utf-8") as fh:
                    fh.write(text)
            bench.dump_json()
    return 0


if __name__ == "__main__":
    sys.exit(main())
