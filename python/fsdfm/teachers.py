"""Shortcut teachers for distillation: a step of size h built from h/2 steps of the EMA student."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch

from .path import MixturePath
from .solvers import cumulative_scalar_step

__all__ = ["shortcut_teacher_logits", "SHORTCUT_METHODS"]

SHORTCUT_METHODS = ("rk4", "heun", "rk4_reference")
Time = Union[float, torch.Tensor]


def _vector(value: Time, batch: int, device: torch.device) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        value = value.to(device=device, dtype=torch.float32).reshape(-1)
        return value.expand(batch) if value.numel() == 1 else value
    return torch.full((batch,), float(value), dtype=torch.float32, device=device)


@torch.no_grad()
def shortcut_teacher_logits(
    ema_model: Callable[..., torch.Tensor],
    x_t: torch.Tensor,
    t: Time,
    h: Time,
    path: MixturePath,
    method: str = "rk4",
    generator: Optional[torch.Generator] = None,
) -> torch.Tensor:
    """Teacher logits (B, L, K) for one step of size h from (x_t, t); t and h are (B,) or floats.

    Every evaluation is conditioned on h/2 and every intermediate state comes from a
    cumulative-scalar step of size h/2:

    rk4:  k1 at (x_t, t);  x_a = step(x_t, k1, t, h/2);   k2 at (x_a, t + h/2)
          x_b = step(x_t, k2, t, h/2);                   k3 at (x_b, t + h/2)
          x_c = step(x_b, k3, t + h/2, h/2);             k4 at (x_c, t + h)
          logits = (k1 + 2 k2 + 2 k3 + k4) / 6
          (x_b restarts from x_t like RK4's third stage; x_c must sit at t + h, so it continues
          from x_b, the latest state at t + h/2.)
    heun: k1 at (x_t, t);  x_a = step(x_t, k1, t, h/2);  k2 at (x_a, t + h/2);  (k1 + k2) / 2
    rk4_reference: the stage placement of the public reference code, for ablations only:
          k1, x_a and k2 as rk4; x_b = step(x_a, k2, t + h/2, h/2) is a state at t + h but
          k3 sees it labelled t + h/2; x_c = step(x_b, k3, t + h/2, h/2) advances it again and
          k4 sees it labelled t + h. So k3 and k4 evaluate states off the path (at t = 0.25,
          h = 0.5 on the linear path: masked fractions 0.25 and 0.125 where the path has 0.5
          and 0.25). docs/method-notes.md has the measured effect.
    """
    if method not in SHORTCUT_METHODS:
        raise ValueError(f"shortcut method must be one of {SHORTCUT_METHODS}, got {method!r}")
    batch = x_t.shape[0]
    device = x_t.device
    t = _vector(t, batch, device)
    h = _vector(h, batch, device)
    half = h / 2
    mid = t + half

    def evaluate(x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        return ema_model(x, time, half).float()

    def advance(x: torch.Tensor, logits: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        return cumulative_scalar_step(x, logits, time, half, path, generator)

    k1 = evaluate(x_t, t)
    x_a = advance(x_t, k1, t)
    k2 = evaluate(x_a, mid)
    if method == "heun":
        return (k1 + k2) / 2
    if method == "rk4_reference":
        x_b = advance(x_a, k2, mid)  # chained: really at t + h, labelled t + h/2 below
    else:
        x_b = advance(x_t, k2, t)
    k3 = evaluate(x_b, mid)
    x_c = advance(x_b, k3, mid)
    k4 = evaluate(x_c, t + h)
    return (k1 + 2 * k2 + 2 * k3 + k4) / 6
