"""Models a worker keeps loaded between jobs: a small LRU keyed by checkpoint path and mtime, so
repeated sample jobs on one checkpoint do not load it again (and a rewritten file is reloaded)."""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, Dict, List, Tuple

import torch

__all__ = ["ModelCache", "MODEL_CACHE"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


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


# FSDFM_MODEL_CACHE: the same variable the service is configured with (the worker passes it on).
MODEL_CACHE = ModelCache(int(os.environ.get("FSDFM_MODEL_CACHE", "4")))
