"""The worker's API (docs/contracts.md section 2): JSON strings in, JSON strings out.

Every call returns at once; a job runs in a Python thread. `poll` drains the metrics and
log lines queued since the previous poll. Exceptions inside a job become state `failed`
with {type, message, frame, traceback}. Loaded models are kept in a small LRU cache keyed
by checkpoint path and mtime, so repeated sample jobs on one checkpoint do not reload it.

`execute(spec)` runs a job synchronously (the CLI uses it); `start` runs it in a thread.
"""
from __future__ import annotations

import json
import sys
import os
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from .config import parse_config
from .train import Cancelled, Reporter

__all__ = ["ping", "start", "poll", "cancel", "forget", "cache_info", "execute", "ModelCache", "MODEL_CACHE", "VERSION"]

VERSION = "0.1.0"
RUN_KINDS = ("sample", "pretrain", "distill", "evaluate")
_INPUT_KEYS = ("datasetDir", "checkpoint", "teacherCheckpoint", "judgeCheckpoint", "resumeFrom", "modelCheckpoints")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


# ---------------------------------------------------------------------------------------
# Model cache
# ---------------------------------------------------------------------------------------

class ModelCache:
    """LRU of (model, path, meta) keyed by (checkpoint path, mtime, device, use_ema)."""

    def __init__(self, capacity: int = 4):
        self.capacity = capacity
        self._entries: "OrderedDict[Tuple, Dict[str, Any]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: str, device: Any = "cpu", use_ema: bool = True) -> Tuple[Any, Any, Dict[str, Any], bool]:
        from .checkpoint import load_model_from_checkpoint

        path = os.path.abspath(path)
        key = (path, os.stat(path).st_mtime_ns, str(torch.device(device)), use_ema)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry["hits"] += 1
                self._entries.move_to_end(key)
                return entry["model"], entry["path"], entry["meta"], True
        model, path_obj, meta = load_model_from_checkpoint(path, device, use_ema=use_ema)
        with self._lock:
            for old in [k for k in self._entries if k[0] == path]:  # stale mtime of the same file
                del self._entries[old]
            self._entries[key] = {"model": model, "path": path_obj, "meta": meta, "loadedAt": _now(), "hits": 0, "file": path}
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return model, path_obj, meta, False

    def info(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [{"path": e["file"], "loadedAt": e["loadedAt"], "hits": e["hits"]} for e in self._entries.values()]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


MODEL_CACHE = ModelCache(int(os.environ.get("FSDFM_MODEL_CACHE_SIZE", "4")))


# ---------------------------------------------------------------------------------------
# Run specs
# ---------------------------------------------------------------------------------------

def _check_device(device: str) -> str:
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"device {device!r} requested but only {torch.cuda.device_count()} CUDA devices exist")
    if dev.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unsupported device {device!r}")
    return str(dev)


def _prepare(spec: Any) -> Tuple[Dict[str, Any], Any]:
    """Validate a RunSpec; returns (normalised spec, frozen job config). ValueError if bad."""
    if not isinstance(spec, dict):
        raise ValueError("RunSpec must be a JSON object")
    kind = spec.get("kind")
    if kind not in RUN_KINDS:
        raise ValueError(f"RunSpec.kind must be one of {', '.join(RUN_KINDS)}, got {kind!r}")
    work_dir = spec.get("workDir")
    if not isinstance(work_dir, str) or not work_dir:
        raise ValueError("RunSpec.workDir must be a non-empty path")
    config = dict(spec.get("config") or {})
    if "seed" not in config and spec.get("seed") is not None:
        config["seed"] = int(spec["seed"])
    inputs = dict(spec.get("inputs") or {})
    unknown = sorted(set(inputs) - set(_INPUT_KEYS))
    if unknown:
        raise ValueError(f"unknown RunSpec.inputs key(s): {', '.join(unknown)}")
    cfg = parse_config(kind, config)
    if kind in ("pretrain", "distill", "evaluate") and not inputs.get("datasetDir"):
        raise ValueError(f"a {kind} run needs inputs.datasetDir")
    if kind == "distill" and not inputs.get("teacherCheckpoint"):
        raise ValueError("a distill run needs inputs.teacherCheckpoint")
    if kind == "evaluate":
        cfg = _resolve_eval_models(cfg, inputs)
    normalised = dict(spec, config=config, inputs=inputs, device=_check_device(spec.get("device") or "cpu"), workDir=os.path.abspath(work_dir))
    return normalised, cfg


def _resolve_eval_models(cfg, inputs: Dict[str, Any]):
    """Fill each evaluated model's checkpoint from config.models[].checkpoint,
    inputs.modelCheckpoints[jobId], or inputs.checkpoint when only one model is listed."""
    import dataclasses

    by_job = inputs.get("modelCheckpoints") or {}
    models = []
    for m in cfg.models:
        ckpt = m.checkpoint or by_job.get(m.job_id or "") or by_job.get(m.name)
        if ckpt is None and len(cfg.models) == 1:
            ckpt = inputs.get("checkpoint")
        if ckpt is None:
            raise ValueError(f"no checkpoint for evaluated model {m.name!r}: set config.models[].checkpoint or inputs.modelCheckpoints")
        models.append(dataclasses.replace(m, checkpoint=ckpt))
    if not models and inputs.get("checkpoint"):
        from .config import EvalModelConfig

        models.append(EvalModelConfig(name="model", checkpoint=inputs["checkpoint"]))
    return dataclasses.replace(cfg, models=tuple(models))


# ---------------------------------------------------------------------------------------
# Job bodies
# ---------------------------------------------------------------------------------------

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

    tokens = _sample_tokens(model, path, meta, cfg, seq_len, device, fixed, edit, cancel, on_step, steps)
    wall = time.perf_counter() - start
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


def _sample_tokens(model, path, meta, cfg, seq_len, device, fixed, edit, cancel, on_step, steps) -> torch.Tensor:
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
                on_step=on_step,
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
        cancel=cancel, load_model=load, judge_checkpoint=spec["inputs"].get("judgeCheckpoint"),
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
    spec, cfg = prepared if prepared is not None else _prepare(spec)
    reporter = reporter or Reporter()
    cancel = cancel or threading.Event()
    if getattr(cfg, "debug_raise", None):
        raise RuntimeError(cfg.debug_raise)
    os.makedirs(spec["workDir"], exist_ok=True)
    try:
        result = _BODIES[spec["kind"]](spec, cfg, reporter, cancel)
    except Cancelled:
        return {"cancelled": True, "artifacts": []}
    result.setdefault("artifacts", [])
    return result


# ---------------------------------------------------------------------------------------
# Threaded runs
# ---------------------------------------------------------------------------------------

class _Run:
    def __init__(self, run_id: str, spec: Dict[str, Any]):
        self.id = run_id
        self.spec = spec
        self.state = "running"
        self.progress: Optional[Dict[str, Any]] = None
        self.metrics: List[Dict[str, Any]] = []
        self.logs: List[str] = []
        self.result: Optional[Dict[str, Any]] = None
        self.error: Optional[Dict[str, Any]] = None
        self.cancel = threading.Event()
        self.done = threading.Event()  # set once state leaves "running"; wait() blocks on it
        self.lock = threading.Lock()
        self.thread: Optional[threading.Thread] = None
        self.log_file = os.path.join(spec["workDir"], "log.txt")
        # Every metric point also goes to a file, flushed per point: if the worker dies before
        # polling them, the worker that resumes the job recovers them from here.
        self.metrics_file = os.path.join(spec["workDir"], "metrics.jsonl")

    def reporter(self) -> Reporter:
        def metric(name: str, step: int, value: float) -> None:
            point = {"name": name, "step": int(step), "value": float(value)}
            with self.lock:
                self.metrics.append(point)
            try:
                with open(self.metrics_file, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(point) + "\n")
            except OSError:
                pass

        def log(line: str) -> None:
            with self.lock:
                self.logs.append(str(line))
            try:
                with open(self.log_file, "a", encoding="utf-8") as fh:
                    fh.write(f"{_now()} {line}\n")
            except OSError:
                pass

        def progress(p: Dict[str, Any]) -> None:
            with self.lock:
                self.progress = dict(p)

        return Reporter(metric=metric, log=log, progress=progress)


_RUNS: Dict[str, _Run] = {}
_RUNS_LOCK = threading.Lock()


def _error_record(exc: BaseException) -> Dict[str, Any]:
    frames = traceback.extract_tb(exc.__traceback__)
    frame = f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "frame": frame,
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-20000:],
    }


class RankFailed(RuntimeError):
    """A data-parallel rank raised; carries the rank's own error record."""

    def __init__(self, record: Dict[str, Any]):
        super().__init__(f"{record.get('type')}: {record.get('message')}")
        self.record = record


def _execute_ranks(run: "_Run", reporter: Reporter, world_size: int) -> Dict[str, Any]:
    """Runs a pretrain/distill job as `world_size` data-parallel processes (one per GPU)."""
    import subprocess

    from .distributed import free_port

    spec = dict(run.spec, cancelFile=os.path.join(run.spec["workDir"], ".cancel"))
    if os.path.exists(spec["cancelFile"]):
        os.remove(spec["cancelFile"])
    spec_path = os.path.join(spec["workDir"], "run-spec.json")
    with open(spec_path, "w", encoding="utf-8") as fh:
        json.dump(spec, fh)
    port = str(free_port())
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    procs = []
    for rank in range(world_size):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])), RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size), MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
        out = subprocess.PIPE if rank == 0 else subprocess.DEVNULL
        procs.append(subprocess.Popen([sys.executable, "-m", "fsdfm.ranks", spec_path], env=env, stdout=out, text=True))

    def watch() -> None:
        # Forward a cancel request; if any rank dies, stop the others (they would wait on it forever).
        while any(p.poll() is None for p in procs):
            if run.cancel.is_set() and not os.path.exists(spec["cancelFile"]):
                open(spec["cancelFile"], "w").close()
            if any(p.poll() not in (None, 0) for p in procs):
                for p in procs:
                    if p.poll() is None:
                        p.kill()
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    result: Optional[Dict[str, Any]] = None
    error: Optional[Dict[str, Any]] = None
    for line in procs[0].stdout:  # type: ignore[union-attr]
        try:
            record = json.loads(line)
        except ValueError:
            continue
        kind = record.get("t")
        if kind == "metric":
            reporter.metric(record["name"], record["step"], record["value"])
        elif kind == "log":
            reporter.log(record["line"])
        elif kind == "progress":
            reporter.progress(record["progress"])
        elif kind == "result":
            result = record["result"]
        elif kind == "error":
            error = record["error"]
    codes = [p.wait() for p in procs]
    watcher.join(timeout=5)
    if error is not None:
        raise RankFailed(error)
    if result is None or any(codes):
        raise RuntimeError(f"data-parallel ranks exited with codes {codes}")
    return result


def _thread_main(run: _Run, prepared) -> None:
    reporter = run.reporter()
    try:
        reporter.log(f"{run.spec['kind']} run {run.id} started on {run.spec['device']}")
        world_size = int(run.spec.get("worldSize") or 1)
        if world_size > 1 and run.spec["kind"] in ("pretrain", "distill"):
            result = _execute_ranks(run, reporter, world_size)
        else:
            result = execute(run.spec, reporter, run.cancel, prepared=prepared)
        cancelled = bool(result.pop("cancelled", False)) or run.cancel.is_set()
        if os.path.exists(run.log_file):
            result["artifacts"].append({"name": "log.txt", "path": run.log_file, "kind": "log"})
        with run.lock:
            run.result = result
            run.state = "cancelled" if cancelled else "succeeded"
        reporter.log(f"run {run.id} {run.state}")
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the worker
        record = exc.record if isinstance(exc, RankFailed) else _error_record(exc)
        reporter.log(f"run {run.id} failed: {record['type']}: {record['message']}")
        with run.lock:
            run.error = record
            run.state = "failed"
    finally:
        run.done.set()


def _load(arg: Any) -> Dict[str, Any]:
    if arg is None or arg == "":
        return {}
    if isinstance(arg, (bytes, str)):
        try:
            value = json.loads(arg)
        except json.JSONDecodeError as exc:
            raise ValueError(f"argument is not valid JSON: {exc}") from None
    else:
        value = arg
    if not isinstance(value, dict):
        raise ValueError("argument must be a JSON object")
    return value


def _get_run(arg: Any) -> _Run:
    run_id = _load(arg).get("runId")
    with _RUNS_LOCK:
        run = _RUNS.get(run_id)
    if run is None:
        raise ValueError(f"unknown runId {run_id!r}")
    return run


def ping(arg: Any = "{}") -> str:
    _load(arg)
    return json.dumps(
        {
            "torch": torch.__version__,
            "cuda": bool(torch.cuda.is_available()),
            "devices": torch.cuda.device_count() if torch.cuda.is_available() else 0,
            "version": VERSION,
        }
    )


def start(arg: Any) -> str:
    spec = _load(arg)
    prepared = _prepare(spec)
    run_id = str(spec.get("jobId") or uuid.uuid4())
    with _RUNS_LOCK:
        existing = _RUNS.get(run_id)
        if existing is not None and existing.state == "running":
            raise ValueError(f"run {run_id} is already running")
        os.makedirs(prepared[0]["workDir"], exist_ok=True)
        run = _Run(run_id, prepared[0])
        _RUNS[run_id] = run
    run.thread = threading.Thread(target=_thread_main, args=(run, prepared), name=f"fsdfm-{run_id}", daemon=True)
    run.thread.start()
    return json.dumps({"runId": run_id})


def poll(arg: Any) -> str:
    run = _get_run(arg)
    with run.lock:
        status = {
            "runId": run.id,
            "state": run.state,
            "progress": run.progress,
            "metrics": run.metrics,
            "logs": run.logs,
            "result": run.result,
            "error": run.error,
        }
        run.metrics, run.logs = [], []
    return json.dumps(status, default=_json_default)


def wait(arg: Any) -> str:
    """poll(), but first block up to timeoutMs (at most 5 s) for the run to end.

    The worker calls this instead of sleeping between polls, so a short job's end is seen
    within a millisecond rather than a poll interval later.
    """
    payload = _load(arg)
    run = _get_run(payload)
    timeout_ms = float(payload.get("timeoutMs", 0))
    if not 0 <= timeout_ms <= 5000:
        raise ValueError("timeoutMs must be between 0 and 5000")
    run.done.wait(timeout_ms / 1000.0)
    return poll(payload)


def _json_default(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def cancel(arg: Any) -> str:
    run = _get_run(arg)
    run.cancel.set()
    return json.dumps({"ok": True})


def forget(arg: Any) -> str:
    run = _get_run(arg)
    if run.state == "running":
        raise ValueError(f"run {run.id} is still running; cancel it first")
    with _RUNS_LOCK:
        _RUNS.pop(run.id, None)
    return json.dumps({"ok": True})


def cache_info(arg: Any = "{}") -> str:
    _load(arg)
    return json.dumps({"entries": MODEL_CACHE.info()})
