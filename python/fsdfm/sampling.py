"""The sampler: walks the time grid and applies a registered solver step."""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn

from ._compat import autocast
from .path import MixturePath
from .solvers import get_solver, make_time_grid

__all__ = ["generate", "generate_with_callable", "prepare_edit"]

Denoiser = Callable[[torch.Tensor, torch.Tensor, Optional[torch.Tensor]], torch.Tensor]


def prepare_edit(
    fixed_tokens: Optional[torch.Tensor],
    edit_mask: Optional[torch.Tensor],
    batch_size: int,
    seq_len: int,
    device: Union[str, torch.device],
) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
    """(fixed (B, L) long, editable (B, L) bool) or (None, None) when everything is generated.

    `fixed_tokens` (B, L), (1, L) or (L,); without `edit_mask`, negative ids mark the editable
    positions. `edit_mask` True = may change; False = frozen at `fixed_tokens`.
    """
    if fixed_tokens is None:
        if edit_mask is not None:
            raise ValueError("edit_mask needs fixed_tokens for the frozen positions")
        return None, None
    shape = (batch_size, seq_len)
    fixed = torch.as_tensor(fixed_tokens, device=device).long()
    if fixed.dim() == 1:
        fixed = fixed[None]
    if fixed.dim() != 2 or fixed.shape[1] != seq_len or fixed.shape[0] not in (1, batch_size):
        raise ValueError(f"fixed_tokens must be (B, L) = {shape}, got {tuple(fixed.shape)}")
    fixed = fixed.expand(shape)
    if edit_mask is None:
        editable = fixed < 0
    else:
        editable = torch.as_tensor(edit_mask, device=device).bool()
        if editable.dim() == 1:
            editable = editable[None]
        if editable.dim() != 2 or editable.shape[1] != seq_len or editable.shape[0] not in (1, batch_size):
            raise ValueError(f"edit_mask must be (B, L) = {shape}, got {tuple(editable.shape)}")
        editable = editable.expand(shape)
    if bool((fixed[~editable] < 0).any()):
        raise ValueError("frozen positions (edit_mask False) need a token id >= 0 in fixed_tokens")
    return fixed.clamp_min(0), editable


def generate(
    model: Union[nn.Module, Denoiser],
    path: MixturePath,
    *,
    solver: str = "cumulative_scalar",
    batch_size: int,
    seq_len: int,
    steps: Optional[int] = None,
    step_sizes: Optional[Sequence[float]] = None,
    temperature: float = 1.0,
    generator: Optional[torch.Generator] = None,
    device: Union[str, torch.device] = "cpu",
    fixed_tokens: Optional[torch.Tensor] = None,
    edit_mask: Optional[torch.Tensor] = None,
    student: Optional[bool] = None,
    on_step: Optional[Callable[[int, int], None]] = None,
) -> torch.Tensor:
    """Samples (B, L) token ids from the source to t = 1.

    `model` is a DiT or any callable `(x_t (B, L), t (B,), h (B,) | None) -> logits (B, L, K)`.
    `student` (default: model.config.kind == 'student') passes the step size h to the model at
    every step; otherwise h is None. `step_sizes` (positive, summing to 1) overrides `steps`.
    Positions where `edit_mask` is False stay at `fixed_tokens` for the whole trajectory.
    `on_step(done, total)` runs after every step; an exception raised there cancels.
    """
    step = get_solver(solver)
    grid = make_time_grid(steps=steps, step_sizes=step_sizes)
    if batch_size < 1 or seq_len < 1:
        raise ValueError(f"batch_size and seq_len must be >= 1, got {batch_size}, {seq_len}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    device = torch.device(device)
    if student is None:
        student = getattr(getattr(model, "config", None), "kind", None) == "student"
    fixed, editable = prepare_edit(fixed_tokens, edit_mask, batch_size, seq_len, device)

    is_module = isinstance(model, nn.Module)
    was_training = model.training if is_module else False
    if is_module:
        model.eval()
    try:
        with torch.no_grad():
            x = path.sample_source((batch_size, seq_len), generator=generator, device=device)
            if fixed is not None:
                x = torch.where(editable, x, fixed)
            for i, (t, h) in enumerate(grid):
                t_vec = torch.full((batch_size,), t, dtype=torch.float32, device=device)
                h_vec = torch.full((batch_size,), h, dtype=torch.float32, device=device) if student else None
                # bf16 forward on CUDA (a no-op on CPU); the solver step does its math in float32.
                with autocast(device):
                    logits = model(x, t_vec, h_vec)
                x = step(x, logits, t, h, path, generator, temperature)
                if fixed is not None:
                    x = torch.where(editable, x, fixed)
                if on_step is not None:
                    on_step(i + 1, len(grid))
        return x
    finally:
        if is_module:
            model.train(was_training)


def generate_with_callable(denoiser: Denoiser, path: MixturePath, **kwargs) -> torch.Tensor:
    """`generate` for a plain callable `(x_t, t, h) -> logits` (tests, wrapped models)."""
    return generate(denoiser, path, **kwargs)
