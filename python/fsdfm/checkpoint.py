"""Checkpoints: atomic writes, RNG capture, and loading a model from a checkpoint alone.

Contents (docs/contracts.md): kind, modelConfig, vocabSize, source, schedulerExponent,
model, ema, optimizer, scheduler, step, rng, dataPosition, config.
"""
from __future__ import annotations

import inspect
import os
import random
import tempfile
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch

__all__ = [
    "save_checkpoint",
    "load_checkpoint",
    "capture_rng_state",
    "restore_rng_state",
    "load_model_from_checkpoint",
    "path_from_meta",
]

_WEIGHTS_ONLY_ARG = "weights_only" in inspect.signature(torch.load).parameters


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_checkpoint(path: str, payload: Dict[str, Any]) -> str:
    """Write `payload` to `path` atomically: temp file in the same dir, fsync, rename, fsync dir.

    A crash or an exception at any point leaves the previous file at `path` untouched.
    """
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-" + os.path.basename(path) + "-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)
    return path


def load_checkpoint(path: str, map_location: Any = "cpu") -> Dict[str, Any]:
    """Load a checkpoint dict (our own files: full unpickling, not weights-only)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"checkpoint not found: {path}")
    kwargs = {"weights_only": False} if _WEIGHTS_ONLY_ARG else {}
    return torch.load(path, map_location=map_location, **kwargs)


def capture_rng_state(generators: Optional[Dict[str, torch.Generator]] = None) -> Dict[str, Any]:
    state = {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
        "numpy": np.random.get_state(),
        "python": random.getstate(),
        "generators": {name: g.get_state() for name, g in (generators or {}).items()},
    }
    return state


def restore_rng_state(state: Dict[str, Any], generators: Optional[Dict[str, torch.Generator]] = None) -> None:
    torch.set_rng_state(state["torch"].cpu() if hasattr(state["torch"], "cpu") else state["torch"])
    if state.get("cuda") is not None and torch.cuda.is_available() and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    saved = state.get("generators", {})
    for name, g in (generators or {}).items():
        if name in saved:
            g.set_state(saved[name].cpu())


def path_from_meta(meta: Dict[str, Any]):
    """The probability path a DFM checkpoint was trained with (None for an ARM)."""
    if meta.get("kind") == "arm":
        return None
    from .path import MixturePath, PolynomialScheduler

    return MixturePath(PolynomialScheduler(float(meta.get("schedulerExponent", 1.0))), meta.get("source", "mask"), int(meta["vocabSize"]))


def load_model_from_checkpoint(path: str, device: Any = "cpu", use_ema: bool = True) -> Tuple[torch.nn.Module, Any, Dict[str, Any]]:
    """Build the model a checkpoint describes and load its (EMA) weights.

    Returns (model in eval mode on `device`, MixturePath or None for an ARM, meta) where
    meta holds everything but the tensors: kind, modelConfig, vocabSize, source,
    schedulerExponent, step, config.
    """
    from .model import ModelConfig, build_model

    ckpt = load_checkpoint(path, map_location="cpu")
    for key in ("kind", "modelConfig", "vocabSize", "model"):
        if key not in ckpt:
            raise ValueError(f"{path} is not an fsdfm checkpoint (missing {key!r})")
    cfg = ModelConfig.from_dict(ckpt["modelConfig"])
    model = build_model(cfg)
    weights = ckpt["ema"] if use_ema and ckpt.get("ema") is not None else ckpt["model"]
    model.load_state_dict(weights)
    model.to(device).eval()
    meta = {k: v for k, v in ckpt.items() if k not in ("model", "ema", "optimizer", "scheduler", "rng")}
    meta.setdefault("schedulerExponent", 1.0)
    meta.setdefault("source", "mask")
    meta["usedEma"] = weights is ckpt.get("ema")
    return model, path_from_meta(meta), meta
