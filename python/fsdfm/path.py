"""Mixture probability path of discrete flow matching.

Each position independently: x_t[i] = x_1[i] with probability kappa(t), else x_0[i], where
x_0 is all-mask (mask source) or uniform random tokens (uniform source).
"""
from __future__ import annotations

from typing import Optional, Sequence, Union

import torch

__all__ = [
    "PolynomialScheduler",
    "MixturePath",
    "SURVIVAL_EPS",
    "rate_scale",
    "as_time",
]

Time = Union[float, torch.Tensor]

# 1 - kappa is clamped to at least this before dividing or taking its log.
SURVIVAL_EPS = 1e-9
# Derivative evaluated at t >= this, so kappa'(0) stays finite when exponent < 1.
_T_MIN = 1e-12


def as_time(t: Time, like: Optional[torch.Tensor] = None) -> torch.Tensor:
    """A time (float or tensor) as a floating tensor (float64 for Python floats)."""
    if isinstance(t, torch.Tensor):
        return t if t.is_floating_point() else t.double()
    device = like.device if like is not None else None
    return torch.tensor(float(t), dtype=torch.float64, device=device)


class PolynomialScheduler:
    """kappa(t) = t^n, kappa'(t) = n t^(n-1)."""

    def __init__(self, exponent: float = 1.0) -> None:
        if not exponent > 0:
            raise ValueError(f"scheduler exponent must be > 0, got {exponent}")
        self.exponent = float(exponent)

    def kappa(self, t: Time) -> torch.Tensor:
        t = as_time(t)
        return t.clamp(0.0, 1.0) ** self.exponent

    def dkappa(self, t: Time) -> torch.Tensor:
        t = as_time(t).clamp(_T_MIN, 1.0)
        if self.exponent == 1.0:
            return torch.ones_like(t)
        return self.exponent * t ** (self.exponent - 1.0)

    def __repr__(self) -> str:
        return f"PolynomialScheduler(exponent={self.exponent})"


def rate_scale(kappa_t: torch.Tensor, kappa_next: torch.Tensor, eps: float = SURVIVAL_EPS) -> torch.Tensor:
    """ln((1 - kappa_t) / (1 - kappa_next)): the integral of g over [t, t+h] (h * gbar)."""
    survive_t = (1.0 - kappa_t).clamp_min(eps)
    survive_next = (1.0 - kappa_next).clamp_min(eps)
    return (torch.log(survive_t) - torch.log(survive_next)).clamp_min(0.0)


class MixturePath:
    """The mixture path with a mask or uniform source over `vocab_size` data tokens.

    Attributes: `vocab_size` (V data tokens), `mask_id` (V for a mask source, else None),
    `num_outputs` (the model's logit count: V + 1 with a mask source, V otherwise), `source`.
    """

    def __init__(self, scheduler: PolynomialScheduler, source: str, vocab_size: int) -> None:
        if source not in ("mask", "uniform"):
            raise ValueError(f"source must be 'mask' or 'uniform', got {source!r}")
        if vocab_size < 2:
            raise ValueError(f"vocab_size must be >= 2, got {vocab_size}")
        self.scheduler = scheduler
        self.source = source
        self.vocab_size = int(vocab_size)
        self.mask_id: Optional[int] = self.vocab_size if source == "mask" else None
        self.num_outputs = self.vocab_size + 1 if source == "mask" else self.vocab_size

    # -- sampling ---------------------------------------------------------------------------

    def sample_source(
        self,
        shape: Sequence[int],
        generator: Optional[torch.Generator] = None,
        device: Union[str, torch.device, None] = None,
    ) -> torch.Tensor:
        """x_0: all-mask, or uniform over the V data tokens. LongTensor of `shape`."""
        shape = tuple(int(s) for s in shape)
        if self.mask_id is not None:
            return torch.full(shape, self.mask_id, dtype=torch.long, device=device)
        return torch.randint(0, self.vocab_size, shape, generator=generator, device=device, dtype=torch.long)

    def sample_xt(
        self, x1: torch.Tensor, t: torch.Tensor, generator: Optional[torch.Generator] = None
    ) -> torch.Tensor:
        """x_t ~ p_t(. | x_1): x1 (B, L) long, t (B,) -> (B, L) long."""
        if x1.dim() != 2:
            raise ValueError(f"x1 must be (B, L), got shape {tuple(x1.shape)}")
        t = as_time(t, like=x1).to(x1.device)
        if t.dim() == 0:
            t = t.expand(x1.shape[0])
        if t.shape != (x1.shape[0],):
            raise ValueError(f"t must be (B,) = ({x1.shape[0]},), got shape {tuple(t.shape)}")
        x0 = self.sample_source(x1.shape, generator=generator, device=x1.device)
        keep = self.kappa(t).float()[:, None]  # (B, 1)
        u = torch.rand(x1.shape, generator=generator, device=x1.device)
        return torch.where(u < keep, x1, x0)

    # -- rates ------------------------------------------------------------------------------

    def kappa(self, t: Time) -> torch.Tensor:
        return self.scheduler.kappa(t)

    def dkappa(self, t: Time) -> torch.Tensor:
        return self.scheduler.dkappa(t)

    def jump_coefficient(self, t: Time, eps: float = SURVIVAL_EPS) -> torch.Tensor:
        """g(t) = kappa'(t) / (1 - kappa(t)), with 1 - kappa clamped away from 0."""
        return self.dkappa(t) / (1.0 - self.kappa(t)).clamp_min(eps)

    def jump_log_survival_cumulative(self, t: Time, h: Time, eps: float = SURVIVAL_EPS) -> torch.Tensor:
        """h * gbar(t, h) = ln((1 - kappa(t)) / (1 - kappa(t + h))), 1 - kappa clamped."""
        t = as_time(t)
        h = as_time(h)
        return rate_scale(self.kappa(t), self.kappa(torch.clamp(t + h, max=1.0)), eps)

    def __repr__(self) -> str:
        return f"MixturePath(source={self.source!r}, vocab_size={self.vocab_size}, scheduler={self.scheduler!r})"
