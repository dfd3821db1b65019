"""Feature detection for the PyTorch versions we run on (1.13 CPU up to 2.x with CUDA).

Nothing here requires an optional feature; every helper degrades to the plain path.
"""
from __future__ import annotations

import contextlib
import inspect
import warnings
from typing import Any, Callable, Iterator, Optional, Union

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
    "scratch_rows",
    "COMPILE_SETTINGS",
    "resolve_compile",
    "compile_callable",
    "to_device_async",
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


def scratch_rows(num_cols: int, device: DeviceLike) -> int:
    """Rows per chunk when a (rows, num_cols) float32 scratch is made from logits.

    Bounds the float32 working set of the sampler and the losses to about 512 MiB on CUDA
    (few, large chunks: launch overhead stays small) and 16 MiB on CPU (cache-sized), instead
    of a (B, L, K) copy (3.3 GB at B = 16, L = 1,024, K = 50,258).
    """
    budget = 2**27 if torch.device(device).type == "cuda" else 2**22
    return max(1, budget // max(1, int(num_cols)))


def to_device_async(tensor: torch.Tensor, device: DeviceLike) -> torch.Tensor:
    """A host tensor on `device` without a host synchronisation: pinned, non-blocking on CUDA."""
    dev = torch.device(device)
    if dev.type != "cuda":
        return tensor.to(dev)
    return tensor.pin_memory().to(dev, non_blocking=True)


# The per-job `compile` option: "auto" (default) compiles on CUDA where torch.compile exists;
# True requires torch.compile (an error where it is missing); False never compiles.
COMPILE_SETTINGS = ("auto", True, False)


def resolve_compile(setting: Any, device: DeviceLike) -> bool:
    """Whether to torch.compile for a job on `device` with its `compile` setting.

    "auto" (or None): on CUDA when torch.compile exists; off on CPU, where compilation costs
    more than it saves for our model sizes, and on PyTorch 1.x. True: always, and a clear
    error where torch.compile is missing (someone who asks for it explicitly wants to know
    that it cannot happen). False: never.
    """
    if setting is None or setting == "auto":
        return torch.device(device).type == "cuda" and has_compile()
    if setting is True:
        if not has_compile():
            raise RuntimeError(
                f"compile: true needs torch.compile (PyTorch >= 2.0), and this worker has torch {torch.__version__}; "
                'use compile: "auto" (compiles where it can) or false'
            )
        return True
    if setting is False:
        return False
    raise ValueError(f"compile must be 'auto', true or false, got {setting!r}")


class _CompiledWithFallback:
    """A compiled callable that falls back to the eager one, once and for good, if compiling
    (which happens at the first call) fails: a job asked for "auto" should run, slower,
    rather than fail on a backend problem. `strict` (compile: true) re-raises instead."""

    def __init__(self, eager: Callable, compiled: Callable, strict: bool, log: Optional[Callable[[str], None]]) -> None:
        self.eager, self.compiled, self.strict, self.log = eager, compiled, strict, log
        self.failed = False

    def __call__(self, *args, **kwargs):
        if self.failed:
            return self.eager(*args, **kwargs)
        try:
            return self.compiled(*args, **kwargs)
        except Exception as exc:
            if self.strict:
                raise
            self.failed = True
            message = f"torch.compile failed, running eager: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            (self.log or (lambda m: warnings.warn(m, RuntimeWarning)))(message)
            return self.eager(*args, **kwargs)


def compile_callable(
    fn: Callable, *, mode: Optional[str] = None, dynamic: Optional[bool] = None, strict: bool = False,
    log: Optional[Callable[[str], None]] = None,
) -> Callable:
    """torch.compile(fn) wrapped so that a failure at the first call falls back to `fn` (see
    _CompiledWithFallback). `mode` "reduce-overhead" adds CUDA graphs (fixed shapes only)."""
    if not has_compile():
        if strict:
            raise RuntimeError(f"torch.compile is not available in torch {torch.__version__}")
        return fn
    kwargs = {}
    params = inspect.signature(torch.compile).parameters  # type: ignore[attr-defined]
    if mode and mode != "default":
        kwargs["mode"] = mode
    if dynamic is not None and "dynamic" in params:
        kwargs["dynamic"] = dynamic
    try:
        compiled = torch.compile(fn, **kwargs)  # type: ignore[attr-defined]
    except Exception as exc:  # pragma: no cover - compile backends vary by platform
        if strict:
            raise
        (log or (lambda m: warnings.warn(m, RuntimeWarning)))(f"torch.compile unavailable, running eager: {exc}")
        return fn
    return _CompiledWithFallback(fn, compiled, strict, log)


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
