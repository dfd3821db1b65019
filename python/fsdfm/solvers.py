"""One sampling step of the mixture path, as pure functions of tensors, in a registry.

Every step has the signature

    step(x_t (B, L) long, logits (B, L, K) float, t, h, path, generator, temperature) -> x_next

where `t` and `h` are Python floats or per-example tensors of shape (B,). With
p = softmax(logits / temperature) (the mask token, if any, excluded) and z = x_t[i], each
variant only differs in the probability that position i leaves z; the destination is always
drawn from p restricted to x != z. One routine implements that for every variant:

- the destination is a Gumbel-max draw over float32 scores with z (and the mask) excluded,
- the jump decision is one uniform per position against the variant's jump probability,

taken a chunk of positions at a time, so the logits stay in their own dtype (bf16 under
autocast) and float32 exists only for one chunk (`_compat.scratch_rows`); no (B, L, K) float32,
float64 or one-hot copy is built, and nothing synchronises with the host.

With a mask source the jump decision needs no logits at all: a masked position has p(z) = 0
(the mask is never a target), so it leaves with a probability that depends on t and h only
(`mask_leave_probability`), and unmasked positions never change. `sampling.generate` uses
that to decide the jumps first and to run the output layer and the categorical draw
(`draw_unmasked`) only for the positions that jump; `draw_unmask_steps` draws, for a whole
generation at once, the step at which each position leaves the mask.

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

import numpy as np
import torch

from ._compat import float64_supported, scratch_rows
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
    "LEAVE_PROBABILITY",
    "mask_leave_probability",
    "draw_unmask_steps",
    "draw_unmasked",
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
    batch, length, k = logits.shape
    device = x_t.device
    t_ = _per_example(t, batch, device)
    h_ = _per_example(h, batch, device)
    final = (t_ + h_) >= 1.0 - FINAL_TOLERANCE  # (B, 1)

    flat = logits.reshape(batch * length, k)  # a view, also of the padded output layer's slice
    z = x_t.reshape(-1, 1)
    one_minus_pz = torch.empty(batch * length, dtype=torch.float32, device=device)
    destination = torch.empty(batch * length, dtype=torch.long, device=device)
    chunk = scratch_rows(k, device)
    for start in range(0, batch * length, chunk):
        rows = slice(start, start + chunk)
        scores = flat[rows].to(torch.float32, copy=True)  # (chunk, K): the only float32 scratch
        if temperature != 1.0:
            scores.div_(temperature)
        if path.mask_id is not None:
            scores[:, path.mask_id] = -math.inf  # the mask is never a target
        log_pz = scores.gather(1, z[rows]).squeeze(1) - torch.logsumexp(scores, dim=1)
        one_minus_pz[rows] = -torch.expm1(log_pz)  # exact 1 where z is the mask (log p = -inf)
        scores.scatter_(1, z[rows], -math.inf)  # destination: p restricted to x != z
        destination[rows] = gumbel_argmax(scores, generator)
    one_minus_pz = one_minus_pz.view(batch, length)
    destination = destination.view(batch, length)

    p_jump = jump_probability(one_minus_pz, t_, h_)
    p_jump = torch.where(final, one_minus_pz, p_jump)  # last step: x_1 ~ p
    u = torch.rand(x_t.shape, generator=generator, device=device)
    jump = u < p_jump
    if path.mask_id is not None:
        jump &= x_t == path.mask_id  # unmasked tokens are final
    return torch.where(jump, destination, x_t)


def _exponential_jump(rate_integral: _RateIntegral, path: MixturePath):
    def probability(one_minus_pz: torch.Tensor, t: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        hg = rate_integral(t, h, path).to(one_minus_pz.dtype)  # (B, 1)
        return -torch.expm1(-hg * one_minus_pz)

    return probability


def _euler_rate(t: torch.Tensor, h: torch.Tensor, path: MixturePath) -> torch.Tensor:
    return h * path.jump_coefficient(t)


def _cumulative_rate(t: torch.Tensor, h: torch.Tensor, path: MixturePath) -> torch.Tensor:
    return path.jump_log_survival_cumulative(t, h)


def _poisson_jump(path: MixturePath):
    def probability(one_minus_pz: torch.Tensor, t: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        any_event = -torch.expm1(-_euler_rate(t, h, path)).to(one_minus_pz.dtype)  # P(N >= 1), (B, 1)
        return any_event * one_minus_pz

    return probability


# solver name -> path -> jump_probability(one_minus_pz, t (B, 1), h (B, 1)) of a non-final step.
# The one definition of each variant's rule: the full step and the mask shortcut both use it.
LEAVE_PROBABILITY: Dict[str, Callable[[MixturePath], Callable[..., torch.Tensor]]] = {
    "cumulative_scalar": lambda path: _exponential_jump(_cumulative_rate, path),
    "dfm_euler": lambda path: _exponential_jump(_euler_rate, path),
    "mixture_euler": _poisson_jump,
}


def dfm_euler_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """DFM Euler: jump with probability 1 - exp(-h g(t) (1 - p(z)))."""
    return _jump_step(x_t, logits, t, h, path, generator, temperature, jump_probability=LEAVE_PROBABILITY["dfm_euler"](path))


def cumulative_scalar_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """FS-DFM cumulative scalar: jump with probability 1 - exp(-h gbar(t, h) (1 - p(z)))."""
    return _jump_step(
        x_t, logits, t, h, path, generator, temperature, jump_probability=LEAVE_PROBABILITY["cumulative_scalar"](path)
    )


def mixture_euler_step(x_t, logits, t, h, path, generator=None, temperature=1.0):
    """Poisson event counts: move with probability (1 - exp(-h g(t))) (1 - p(z))."""
    return _jump_step(
        x_t, logits, t, h, path, generator, temperature, jump_probability=LEAVE_PROBABILITY["mixture_euler"](path)
    )


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


# -- the mask-source shortcut ------------------------------------------------------------------


def mask_leave_probability(solver: str, t: float, h: float, path: MixturePath) -> float:
    """P(a masked position leaves the mask) in one step of `solver` from t of size h.

    The mask has p = 0 (never a target), so 1 - p(z) = 1 and the variant's rule depends on
    t and h only; the step that reaches t = 1 unmasks every position. Computed on the host in
    float64 by the same rule the full step applies (LEAVE_PROBABILITY).
    """
    get_solver(solver)
    if path.mask_id is None:
        raise ValueError("the leave probability without logits needs a mask source")
    if t + h >= 1.0 - FINAL_TOLERANCE:
        return 1.0
    cpu = torch.device("cpu")
    ones = torch.ones(1, 1, dtype=torch.float64)
    p = LEAVE_PROBABILITY[solver](path)(ones, _per_example(t, 1, cpu), _per_example(h, 1, cpu))
    return float(p.reshape(()).clamp(0.0, 1.0))


def draw_unmask_steps(
    leave: Sequence[float], shape: Tuple[int, ...], generator: Optional[torch.Generator] = None
) -> np.ndarray:
    """For every position, the index of the step at which it leaves the mask: int64 `shape`.

    `leave[k]` is the probability that a position still masked at step k leaves then. One
    uniform u per position and the inverse CDF of the leaving step give exactly the law of
    independent per-step Bernoulli draws: P(step = k) = S_(k-1) - S_k with S_k the product of
    (1 - leave[j]) for j <= k. len(leave) means "never" (only when no step has leave = 1).
    Drawn on the host (`generator` must be a CPU generator, or None for the default one): the
    schedule is host memory, so the sampler knows every step's positions without asking the
    device.
    """
    if generator is not None and generator.device.type != "cpu":
        raise ValueError("draw_unmask_steps needs a CPU generator")
    survive = np.cumprod(1.0 - np.clip(np.asarray(leave, dtype=np.float64), 0.0, 1.0))
    cdf = 1.0 - survive
    u = torch.rand(tuple(shape), generator=generator, dtype=torch.float64).numpy()
    return np.searchsorted(cdf, u, side="right").astype(np.int64)


def draw_unmasked(
    logits: torch.Tensor, path: MixturePath, generator: Optional[torch.Generator] = None, temperature: float = 1.0
) -> torch.Tensor:
    """Destinations of positions leaving the mask: a draw from softmax(logits / temperature)
    with the mask excluded. logits (N, K) in any float dtype -> (N,) long.

    The rows are the positions that jump, so this is the whole categorical work of a
    mask-source step; float32 exists for one chunk of rows at a time.
    """
    if logits.dim() != 2 or logits.shape[-1] != path.num_outputs:
        raise ValueError(f"logits must be (N, {path.num_outputs}), got {tuple(logits.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    n, k = logits.shape
    out = torch.empty(n, dtype=torch.long, device=logits.device)
    chunk = scratch_rows(k, logits.device)
    for start in range(0, n, chunk):
        scores = logits[start : start + chunk].to(torch.float32, copy=True)
        if temperature != 1.0:
            scores.div_(temperature)
        if path.mask_id is not None:
            scores[:, path.mask_id] = -math.inf
        out[start : start + chunk] = gumbel_argmax(scores, generator)
    return out


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
