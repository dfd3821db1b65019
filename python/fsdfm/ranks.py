"""One rank of a data-parallel training run started by the runtime (`python -m fsdfm.ranks SPEC`).

The runtime lives inside the worker's pythonia interpreter, whose __main__ is pythonia's own
loop, so ranks are separate interpreters rather than multiprocessing children. Rank 0
reports metrics, logs, progress and the result as JSON lines on stdout; a cancel request
arrives as a file (checked once per step, then agreed on by all ranks).
"""
from __future__ import annotations

import json
import os
import sys
import traceback


class FileFlag:
    """`threading.Event`-like view of a file's existence: the cancel signal across processes."""

    def __init__(self, path: str):
        self.path = path

    def is_set(self) -> bool:
        return os.path.exists(self.path)


def _emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def main(spec_path: str) -> int:
    from .runner import execute
    from .train import Reporter

    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    main_rank = int(os.environ.get("RANK", "0")) == 0
    if main_rank:
        reporter = Reporter(
            metric=lambda name, step, value: _emit({"t": "metric", "name": name, "step": int(step), "value": float(value)}),
            log=lambda line: _emit({"t": "log", "line": str(line)}),
            progress=lambda p: _emit({"t": "progress", "progress": p}),
        )
    else:
        reporter = Reporter()
    try:
        result = execute(spec, reporter, FileFlag(spec["cancelFile"]))
        if main_rank:
            _emit({"t": "result", "result": result})
        return 0
    except BaseException as exc:  # noqa: BLE001 - the parent turns this into the job's error
        frames = traceback.extract_tb(exc.__traceback__)
        frame = f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
        _emit({"t": "error", "error": {"type": type(exc).__name__, "message": str(exc), "frame": frame, "traceback": traceback.format_exc()[-20000:]}})
        return 1
    finally:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
