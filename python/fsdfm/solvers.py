"""One sampling step of the mixture path, as pure functions of tensors, in a registry.

Every step has the signature

    step(x_t (B, L) long, logits (B, L, K) float, t, h, path, generator, temperature) -> x_next

where `t` and `h` are Python floats or per-example tensors of shape (B,). With
p = softmax(logits / temperature) (the mask token, if any, excluded) and z = x_t[i], each
variant only differs in the probability that position i leaves z; the destination is always
drawn from p restricted to x != z. One fused kernel implements that:

- the destination is a Gumbel-max draw over float32 scores with z (and the mask) excluded,
- the jump decision is one uniform per position against the variant's jump probability,

so no (B, L, K) one-hot or float64 copy is built and nothing synchronises with the host.

Variants (rate to every x != z is g(t) p(x), g(t) = kappa'(t) / (1 - kappa(t))):

- `dfm_euler`: jump probability 1 - exp(-h g(t) (1 - p(z))).
- `mixture_euler`: the frozen-rate chain solved with uniformised Poisson event counts:
  N ~ Poisson(h g(t)) events, each redraws the token from p (itself included), so the token
  moves with probability (1 - exp(-h g(t))) (1 - p(z)). First order like `dfm_euler`.
- `cumulative_scalar` (FS-DFM): g(t) replaced by its mean over [t, t+h],
  h gbar = ln((1 - kappa(t)) / (1 - kappa(t+h))); with p(z) = 0 the jump probability is the
  exact mixture-path transition (kappa(t+h) - kappa(t)) / (1 - kappa(t)).

The step that reaches t = 1 draws x_1 ~ p directly, for every variant: stay with probability
p(z), else move to the Gumbel-max destination (never the mask token). With a mask source an
already unmasked token never changes, so only masked positions are written.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch

from ._compat import float64_supported
from .path import MixturePath

__all__ = [
    "StepFn",
    "SOLVERS",
    "get_solver",
    "dfm_euler_step",
    "mixture_euler_step",
    "cumulative_scalar_step",
    "reference_cumulative_scalar_step",
    "reference_transition_probs",
    "make_time_grid",
    "gumbel_argmax",
    "FINAL_TOLERANCE",
]

Time = Union[float, torch.Tensor]
StepFn = Callable[..., torch.Tensor]
# (t, h, path) -> integrated rate h*g (B, 1) float64
_RateIntegral = Callable[[torch.Tensor, torch.Tensor, MixturePath], torch.Tensor]

# A step whose end t + h is within this of 1 is the final step.
FINAL_TOLERANCE = 1e-9


def _per_example(value: Time, batch: int, device: torch.device) -> torch.Tensor:
    """A time as a (B, 1) tensor in float64 (float32 where float64 is missing)."""
    dtype = torch.float64 if float64_supported(device) else torch.float32
    if isinstance(value, torch.Tensor):
        value = value.to(device=device, dtype=dtype).reshape(-1)
        if value.numel() == 1:
            value = value.expand(batch)
        if value.shape != (batch,):
            raise ValueError(f"per-example time must have shape ({batch},), got {tuple(value.shape)}")
        return value[:, None]
    return torch.full((batch, 1), float(value), dtype=dtype, device=device)


def gumbel_argmax(scores: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Categorical draw from softmax(scores) along the last dim by Gumbel-max.

    Adds the Gumbel noise to `scores` IN PLACE (pass a scratch tensor). float32 or wider.
    """
    noise = torch.empty_like(scores).uniform_(generator=generator)
    # Gumbel = -log(-log U); U clamped so that neither log sees 0.
    noise.clamp_(min=torch.finfo(noise.dtype).tiny).log_().neg_().log_().neg_()
    return scores.add_(noise).argmax(dim=-1)


def _check_step_inputs(x_t: torch.Tensor, logits: torch.Tensor, path: MixturePath) -> None:
    if x_t.dim() != 2:
        raise ValueError(f"x_t must be (B, L), got shape {tuple(x_t.shape)}")
    if logits.shape[:2] != x_t.shape or logits.dim() != 3:
        raise ValueError(f"logits must be (B, L, K) with (B, L) = {tuple(x_t.shape)}, got {tuple(logits.shape)}")
    if logits.shape[-1] != path.num_outputs:
        raise ValueError(f"logits have {logits.shape[-1]} outputs, the path needs {path.num_outputs}")


def _jump_step(
    x_t: torch.Tensor,
    logits: torch.Tensor,
    t: Time,
    h: Time,
    path: MixturePath,
    generator: Optional[torch.Generator],
    temperature: float,
    *,
    jump_probability: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """The fused step shared by all variants.

    `jump_probability(one_minus_pz (B, L) float32, t (B, 1), h (B, 1)) -> (B, L)` is the
    probability of leaving z on a non-final step; the variants below differ only there.
    """
    _check_step_inputs(x_t, logits, path)
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    batch = x_t.shape[0]
    device = x_t.device
    t_ = _per_example(t, batch, device)
    h_ = _per_example(h, batch, device)
    final = (t_ + h_) >= 1.0 - FINAL_TOLERANCE  # (B, 1)

    scores = logits.to(torch.float32, copy=True)  # (B, L, K) scratch
    if temperature != 1.0:
        scores.div_(temperature)
    if path.mask_id is not None:
        scores[..., path.mask_id] = -math.inf  # the mask is never a target
    z = x_t.unsqueeze(-1)  # (B, L, 1)
    log_pz = scores.gather(-1, z).squeeze(-1) - torch.logsumexp(scores, dim=-1)  # (B, L)
    one_minus_pz = -torch.expm1(log_pz)  # exact 1 where z is the mask (log p = -inf)

    scores.scatter_(-1, z, -math.inf)  # destination: p restricted to x != z
    destination = gumbel_argmax(scores, generator)  # (B, L)

    p_jump = jump_probability(one_minus_pz, t_, h_)
    p_jump = torch.where(final, one_minus_pz, p_jump)  # last step: x_1 ~ p
    u = torch.rand(x_t.shape, generator=generator, device=device)
    jump = u < p_jump
    if path.mask_id is not None:
        jump &= x_t == path.mask_id  # unmasked tokens are final
    return torch.where(jump, destination, x_t)


def _exponential_jump(rate_integral: _RateIntegral, path: MixturePath):
    def probability(one_minus_pz: torch.Tensor, t: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        hg = rate_integral(t, h, path).to(torch.float32)  # (B, 1)
        return -torch.expm1(-hg * one_minus_pz)

    return probability


def _euler_rate(t: torch.Tensor, h: torch.Tensor, path: MixturePath) -> torch.Tensor:
    return h * path.jump_coefficient(t)


def _cumulative_rate(t: torch.Tensor, h: torch.Tensor, path: MixturePath) -> torch.Tensor:
    return path.jump_log_survival_cumulative(t, h)


def dfm_euler_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """DFM Euler: jump with probability 1 - exp(-h g(t) (1 - p(z)))."""
    return _jump_step(
        x_t, logits, t, h, path, generator, temperature, jump_probability=_exponential_jump(_euler_rate, path)
    )


def cumulative_scalar_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """FS-DFM cumulative scalar: jump with probability 1 - exp(-h gbar(t, h) (1 - p(z)))."""
    return _jump_step(
        x_t, logits, t, h, path, generator, temperature, jump_probability=_exponential_jump(_cumulative_rate, path)
    )


def mixture_euler_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """Poisson event counts: move with probability (1 - exp(-h g(t))) (1 - p(z))."""

    def probability(one_minus_pz: torch.Tensor, t_: torch.Tensor, h_: torch.Tensor) -> torch.Tensor:
        any_event = -torch.expm1(-_euler_rate(t_, h_, path)).to(torch.float32)  # P(N >= 1), (B, 1)
        return any_event * one_minus_pz

    return _jump_step(x_t, logits, t, h, path, generator, temperature, jump_probability=probability)


SOLVERS: Dict[str, StepFn] = {
    "cumulative_scalar": cumulative_scalar_step,
    "dfm_euler": dfm_euler_step,
    "mixture_euler": mixture_euler_step,
}


def get_solver(name: str) -> StepFn:
    try:
        return SOLVERS[name]
    except KeyError:
        raise ValueError(f"unknown solver {name!r}; choose one of {sorted(SOLVERS)}") from None


# -- deliberately simple reference (tests only) ------------------------------------------------


def reference_transition_probs(
    x_t: torch.Tensor, logits: torch.Tensor, t: Time, h: Time, path: MixturePath, temperature: float = 1.0
) -> torch.Tensor:
    """P(x_next = x | x_t) of the cumulative-scalar step, spelled out in float64: (B, L, K).

    leave = 1 - exp(-ln((1 - kappa(t)) / (1 - kappa(t+h))) (1 - p(z)))   (1 - p(z) when final)
    P(x) = leave * p(x) / (1 - p(z)) for x != z,  P(z) = 1 - leave.
    """
    batch = x_t.shape[0]
    device = torch.device("cpu")
    logits64 = logits.detach().to(device, torch.float64) / temperature
    if path.mask_id is not None:
        logits64[..., path.mask_id] = -math.inf
    p = torch.softmax(logits64, dim=-1)  # (B, L, K)
    z = x_t.to(device).unsqueeze(-1)
    t64 = _per_example(t, batch, device)
    h64 = _per_example(h, batch, device)
    one_minus_kappa_t = (1.0 - path.kappa(t64)).clamp_min(1e-9)
    one_minus_kappa_next = (1.0 - path.kappa((t64 + h64).clamp(max=1.0))).clamp_min(1e-9)
    h_gbar = torch.log(one_minus_kappa_t / one_minus_kappa_next)  # (B, 1)
    pz = p.gather(-1, z).squeeze(-1)  # (B, L)
    leave = 1.0 - torch.exp(-h_gbar * (1.0 - pz))
    leave = torch.where((t64 + h64) >= 1.0 - FINAL_TOLERANCE, 1.0 - pz, leave)
    if path.mask_id is not None:
        leave = torch.where(z.squeeze(-1) == path.mask_id, leave, torch.zeros_like(leave))
    probs = p * (leave / (1.0 - pz).clamp_min(1e-300)).unsqueeze(-1)
    return probs.scatter(-1, z, (1.0 - leave).unsqueeze(-1))


def reference_cumulative_scalar_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """The cumulative-scalar step by explicit probabilities and float64 multinomial (slow)."""
    _check_step_inputs(x_t, logits, path)
    probs = reference_transition_probs(x_t.cpu(), logits.cpu(), t, h, path, temperature)
    flat = probs.reshape(-1, probs.shape[-1])
    draws = torch.multinomial(flat, 1, generator=generator).reshape(x_t.shape)
    return draws.to(x_t.device)


# -- time grid ---------------------------------------------------------------------------------


def make_time_grid(
    steps: Optional[int] = None, step_sizes: Optional[Sequence[float]] = None
) -> List[Tuple[float, float]]:
    """[(t, h), ...] from 0 to 1: uniform h = 1/steps, or explicit positive step sizes summing
    to 1 (within 1e-6). `step_sizes` wins when both are given. Uniform steps are built as the
    explicit list [1/steps] * steps, so both spellings give identical grids (and samples).
    Times are correctly rounded prefix sums and the last step ends exactly at t = 1.
    """
    if step_sizes is None:
        if steps is None:
            raise ValueError("give either steps or step_sizes")
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")
        step_sizes = [1.0 / steps] * steps
    sizes = list(step_sizes)
    if not sizes:
        raise ValueError("step_sizes must not be empty")
    for i, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, (int, float)) or not math.isfinite(size):
            raise ValueError(f"step_sizes[{i}] must be a finite number, got {size!r}")
        if size <= 0:
            raise ValueError(f"step_sizes[{i}] must be > 0, got {size!r}")
    total = math.fsum(sizes)
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"step_sizes must sum to 1 (within 1e-6), got {total!r}")
    grid: List[Tuple[float, float]] = []
    elapsed = Fraction(0)  # exact prefix sum of the float step sizes
    for i, size in enumerate(sizes):
        t = float(elapsed)
        elapsed += Fraction(float(size))
        h = 1.0 - t if i == len(sizes) - 1 else float(size)
        if not h > 0:
            raise ValueError(f"step {i} would end before it starts (t={t!r}); check step_sizes")
        grid.append((t, h))
    return grid
