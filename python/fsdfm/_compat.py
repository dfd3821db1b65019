"""Feature detection for the PyTorch versions we run on (1.13 CPU up to 2.x with CUDA).

Nothing here requires an optional feature; every helper degrades to the plain path.
"""
from __future__ import annotations

import contextlib
import inspect
from typing import Iterator, Union

import torch
import torch.nn.functional as F

__all__ = [
    "has_sdpa",
    "has_compile",
    "supports_fused_adamw",
    "bf16_autocast_available",
    "autocast",
    "maybe_compile",
    "default_device",
    "float64_supported",
]

DeviceLike = Union[str, torch.device]


def has_sdpa() -> bool:
    """`F.scaled_dot_product_attention` exists (PyTorch >= 2.0; flash/mem-efficient on CUDA)."""
    return hasattr(F, "scaled_dot_product_attention")


def has_compile() -> bool:
    return hasattr(torch, "compile")


def supports_fused_adamw(device: DeviceLike) -> bool:
    """AdamW(fused=True) is accepted and the device is CUDA."""
    if torch.device(device).type != "cuda":
        return False
    try:
        return "fused" in inspect.signature(torch.optim.AdamW).parameters
    except (TypeError, ValueError):  # pragma: no cover - exotic builds
        return False


def bf16_autocast_available(device: DeviceLike) -> bool:
    """bf16 autocast is worth using: CUDA with bf16 support (CPU bf16 is slow, so no)."""
    dev = torch.device(device)
    if dev.type != "cuda" or not torch.cuda.is_available():
        return False
    is_supported = getattr(torch.cuda, "is_bf16_supported", None)
    return bool(is_supported()) if is_supported is not None else False


@contextlib.contextmanager
def autocast(device: DeviceLike, enabled: bool = True) -> Iterator[None]:
    """bf16 autocast on CUDA when available and enabled; a no-op context otherwise."""
    dev = torch.device(device)
    if enabled and bf16_autocast_available(dev):
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            yield
    else:
        yield


def maybe_compile(module: torch.nn.Module, enabled: bool = True) -> torch.nn.Module:
    """torch.compile when present and enabled; the module itself otherwise (or on failure)."""
    if not (enabled and has_compile()):
        return module
    try:
        return torch.compile(module)  # type: ignore[attr-defined]
    except Exception:  # pragma: no cover - compile backends vary by platform
        return module


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def float64_supported(device: DeviceLike) -> bool:
    """MPS has no float64; everything else does."""
    return torch.device(device).type != "mps"
