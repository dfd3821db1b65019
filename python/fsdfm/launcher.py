"""Data-parallel runs: a pretrain or distill job as several rank processes (`python -m
fsdfm.ranks`, torch.distributed), started from the worker's Python. The worker's interpreter
belongs to pythonia, so ranks are processes of their own. Rank 0 reports on its stdout as JSON
lines (docs/contracts.md section 2, "Ranks"); a cancel is a file every rank watches, and a rank
that dies stops the others.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional

from .train import Reporter

__all__ = ["RankFailed", "execute_ranks"]


class RankFailed(RuntimeError):
    """A data-parallel rank raised; carries the rank's own error record."""

    def __init__(self, record: Dict[str, Any]):
        super().__init__(f"{record.get('type')}: {record.get('message')}")
        self.record = record


def execute_ranks(spec: Dict[str, Any], reporter: Reporter, world_size: int, cancel: threading.Event, on_start: Callable[[List[Any]], None] = lambda procs: None) -> Dict[str, Any]:
    """Runs a pretrain/distill job as `world_size` data-parallel processes (one per GPU).

    `on_start` gets the rank processes once they run (the caller may have to kill them)."""
    import subprocess

    from .distributed import free_port

    spec = dict(spec, cancelFile=os.path.join(spec["workDir"], ".cancel"))
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
    on_start(procs)

    def watch() -> None:
        # Forward a cancel request; if any rank dies, stop the others (they would wait on it forever).
        while any(p.poll() is None for p in procs):
            if cancel.is_set() and not os.path.exists(spec["cancelFile"]):
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
