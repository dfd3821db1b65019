"""The worker's API (docs/contracts.md section 2): JSON strings in, JSON strings out.

Every call returns at once; a job runs in a Python thread. `poll` drains the metrics and
log lines queued since the previous poll. Exceptions inside a job become state `failed`
with {type, message, frame, traceback}. Loaded models are kept in a small LRU cache keyed
by checkpoint path and mtime, so repeated sample jobs on one checkpoint do not reload it.

The job itself is runner.py's (`prepare`, `execute`); the loaded-model cache model_cache.py's;
data-parallel ranks launcher.py's. This module is the bridge: the thread registry and the API.

Leases: `start`, `wait` and `poll` may carry `leaseMs`, the time the worker is sure to hold the
job for. A watchdog stops the run (as a cancel: it checkpoints) when that deadline passes without
a renewal, and ends this whole process `leaseGraceMs` later if the run still has not stopped, so
a worker that is paused or cut off never has its job running here while another worker takes
it over. The run then reports `leaseExpired`.
"""
from __future__ import annotations

import json
import platform
import sys
import os
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import torch

from .launcher import RankFailed, execute_ranks
from .model_cache import MODEL_CACHE
from .runner import execute, prepare
from .train import Reporter

__all__ = ["ping", "devices", "start", "poll", "wait", "cancel", "forget", "cache_info", "VERSION"]

VERSION = "0.1.0"

if "NODE_CHANNEL_FD" in os.environ:
    # Under the worker (pythonia talks over its own channel), fd 1 is the worker's stdout, which
    # carries the worker's log lines (JSON in production): whatever Python, a library or a rank
    # process prints goes to stderr instead, so every stdout line stays a log line.
    sys.stdout.flush()
    os.dup2(2, 1)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


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
        self.trace: List[Dict[str, Any]] = []  # a traced sample run's frames, drained by poll
        self.result: Optional[Dict[str, Any]] = None
        self.error: Optional[Dict[str, Any]] = None
        self.cancel = threading.Event()
        self.done = threading.Event()  # set once state leaves "running"; wait() blocks on it
        self.lock = threading.Lock()
        self.thread: Optional[threading.Thread] = None
        self.procs: List[Any] = []  # data-parallel rank processes, if any
        self.attempt = spec.get("attempt")
        self.deadline: Optional[float] = None  # time.monotonic() by which the lease must be renewed
        self.grace = float(spec.get("leaseGraceMs") or 0) / 1000.0
        self.lease_expired = False
        self.log_file = os.path.join(spec["workDir"], "log.txt")
        # Every metric point also goes to a file, flushed per point: if the worker dies before
        # polling them, the worker that resumes the job recovers them from here.
        self.metrics_file = os.path.join(spec["workDir"], "metrics.jsonl")

    def extend_lease(self, lease_ms: Any) -> None:
        if lease_ms is not None:
            self.deadline = time.monotonic() + max(0.0, float(lease_ms)) / 1000.0

    def reporter(self) -> Reporter:
        def metric(name: str, step: int, value: float) -> None:
            point = {"name": name, "step": int(step), "value": float(value)}
            with self.lock:
                self.metrics.append(point)
            # The file line also says when and by which attempt and process it was written: the
            # record of who trained what, read by the fault drills to prove attempts never overlap.
            line = dict(point, at=time.time(), attempt=self.attempt, pid=os.getpid())
            try:
                with open(self.metrics_file, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(line) + "\n")
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

        def trace(frame: Dict[str, Any]) -> None:
            with self.lock:
                self.trace.append(frame)

        return Reporter(metric=metric, log=log, progress=progress, trace=trace)


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


def _thread_main(run: _Run, prepared) -> None:
    reporter = run.reporter()
    try:
        reporter.log(f"{run.spec['kind']} run {run.id} started on {run.spec['device']}")
        world_size = int(run.spec.get("worldSize") or 1)
        if world_size > 1 and run.spec["kind"] in ("pretrain", "distill"):
            result = execute_ranks(run.spec, reporter, world_size, run.cancel, on_start=lambda procs: setattr(run, "procs", procs))
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


def _watch_lease(run: _Run) -> None:
    """Stops the run when its lease deadline passes; ends the process if it will not stop in time."""
    while not run.done.wait(0.05):
        deadline = run.deadline
        if deadline is None:
            continue
        now = time.monotonic()
        if now > deadline and not run.lease_expired:
            run.lease_expired = True
            run.cancel.set()
            run.reporter().log(f"run {run.id}: lease not renewed in time; stopping")
        if run.lease_expired and now > deadline + run.grace and not run.done.is_set():
            # Another worker may take the job as soon as the lease ends: nothing of this run may
            # still be running then. Its last checkpoint is whole (written atomically).
            for proc in run.procs:
                if proc.poll() is None:
                    proc.kill()
            sys.stderr.write(f"fsdfm: run {run.id} did not stop within its lease; exiting\n")
            sys.stderr.flush()
            os._exit(75)


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
            "memory": torch.cuda.get_device_properties(0).total_memory if torch.cuda.is_available() else None,
            "version": VERSION,
            # For each job's provenance.
            "python": platform.python_version(),
            "cudaVersion": torch.version.cuda,
            "deviceName": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        }
    )


def _used_bytes(index: int) -> Optional[int]:
    """Memory in use on a GPU, by any process, where this process already has a CUDA context on it.

    mem_get_info would create a context (hundreds of MB) on a device this process never used,
    for instance the other GPUs of a worker whose multi-GPU jobs run in rank processes; there
    the worker reads nvidia-smi instead.
    """
    if not hasattr(torch.cuda, "mem_get_info") or not torch.cuda.is_initialized():
        return None
    if index != torch.cuda.current_device() and torch.cuda.memory_reserved(index) == 0:
        return None
    free, total = torch.cuda.mem_get_info(index)
    return int(total - free)


def devices(arg: Any = "{}") -> str:
    """The CUDA devices this process sees, with their memory; an empty list on a CPU-only build."""
    _load(arg)
    out = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            out.append(
                {
                    "index": index,
                    "name": props.name,
                    "memoryTotalBytes": int(props.total_memory),
                    "memoryUsedBytes": _used_bytes(index),
                    # The caching allocator of this process (0 until it allocated on the device).
                    "memoryReservedBytes": int(torch.cuda.memory_reserved(index)),
                }
            )
    return json.dumps({"devices": out})


def start(arg: Any) -> str:
    spec = _load(arg)
    prepared = prepare(spec)
    run_id = str(spec.get("jobId") or uuid.uuid4())
    with _RUNS_LOCK:
        existing = _RUNS.get(run_id)
        if existing is not None and existing.state == "running":
            raise ValueError(f"run {run_id} is already running")
        os.makedirs(prepared[0]["workDir"], exist_ok=True)
        run = _Run(run_id, prepared[0])
        _RUNS[run_id] = run
    run.extend_lease(spec.get("leaseMs"))
    run.thread = threading.Thread(target=_thread_main, args=(run, prepared), name=f"fsdfm-{run_id}", daemon=True)
    run.thread.start()
    if run.deadline is not None:
        threading.Thread(target=_watch_lease, args=(run,), name=f"fsdfm-lease-{run_id}", daemon=True).start()
    return json.dumps({"runId": run_id})


def poll(arg: Any) -> str:
    payload = _load(arg)
    run = _get_run(payload)
    run.extend_lease(payload.get("leaseMs"))
    with run.lock:
        status = {
            "runId": run.id,
            "state": run.state,
            "leaseExpired": run.lease_expired,
            "progress": run.progress,
            "metrics": run.metrics,
            "logs": run.logs,
            "trace": run.trace,
            "result": run.result,
            "error": run.error,
        }
        run.metrics, run.logs, run.trace = [], [], []
    return json.dumps(status, default=_json_default)


def wait(arg: Any) -> str:
    """poll(), but first block up to timeoutMs (at most 5 s) for the run to end.

    The worker calls this instead of sleeping between polls, so a short job's end is seen
    within a millisecond rather than a poll interval later.
    """
    payload = _load(arg)
    run = _get_run(payload)
    run.extend_lease(payload.get("leaseMs"))
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
