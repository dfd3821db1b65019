"""A CPU stand-in for torch.cuda.set_sync_debug_mode("error").

On a GPU, reading a device tensor's value on the host (`.item()`, `.tolist()`, `bool()`,
`int()`, `float()`, a data-dependent `nonzero()`, boolean-mask indexing, `.cpu()`) makes the
host wait until the device has run everything queued before it. On CPU nothing waits, so
those calls go unnoticed; under `forbid_host_sync()` they raise instead.

`.numpy()` is allowed: it fails outright on a device tensor, so code that calls it is
reading host memory (a schedule drawn on the host, a pinned buffer already copied). Calls
made from inside torch.optim are allowed too: the non-fused AdamW of PyTorch 1.x reads its
step counter with `.item()`, and that counter lives on the host even on CUDA (the fused AdamW
used on CUDA reads nothing).
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator, List

import torch

_TENSOR_METHODS = ("item", "tolist", "__bool__", "__int__", "__float__", "__index__", "nonzero", "masked_select", "cpu")
_TORCH_FUNCTIONS = ("nonzero", "masked_select", "argwhere")
_OPTIM_DIR = os.path.dirname(torch.optim.__file__)


class HostSync(AssertionError):
    """A call that would make the host wait for the device."""


class _Guard:
    def __init__(self) -> None:
        self.active = False
        self.seen: List[str] = []

    def check(self, name: str) -> None:
        if not self.active:
            return
        caller = sys._getframe(2).f_code.co_filename
        if caller.startswith(_OPTIM_DIR):
            return
        self.seen.append(name)
        raise HostSync(f"{name} would synchronise with the device (called from {caller})")


@contextlib.contextmanager
def forbid_host_sync(start_active: bool = True) -> Iterator[_Guard]:
    """Patch the syncing calls for the duration; they raise HostSync while `guard.active`.

    Set `guard.active = True` from inside the code under test (e.g. a model wrapper's first
    call) to guard only a loop and not the set-up before it.
    """
    guard = _Guard()
    guard.active = start_active
    saved = []

    def wrap(owner, name):
        original = getattr(owner, name)

        def patched(*args, **kwargs):
            guard.check(f"{getattr(owner, '__name__', owner)}.{name}")
            return original(*args, **kwargs)

        saved.append((owner, name, original))
        setattr(owner, name, patched)

    for name in _TENSOR_METHODS:
        wrap(torch.Tensor, name)
    for name in _TORCH_FUNCTIONS:
        if hasattr(torch, name):
            wrap(torch, name)

    getitem = torch.Tensor.__getitem__

    def guarded_getitem(self, index):
        parts = index if isinstance(index, tuple) else (index,)
        if any(isinstance(p, torch.Tensor) and p.dtype == torch.bool for p in parts):
            guard.check("Tensor.__getitem__[bool mask]")
        return getitem(self, index)

    saved.append((torch.Tensor, "__getitem__", getitem))
    torch.Tensor.__getitem__ = guarded_getitem
    try:
        yield guard
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)
