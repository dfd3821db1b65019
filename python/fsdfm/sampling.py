"""The sampler: walks the time grid and applies a registered solver step.

Two ways through a step, with the same distribution:

- simple: the model gives (B, L, K) logits, the solver step draws every position
  (`solvers._jump_step`). Any source.
- fast (mask source, the default there): a masked position leaves the mask with a
  probability that does not depend on the logits, and unmasked positions never change, so
  the step at which each position unmasks is drawn on the host before the loop
  (`solvers.draw_unmask_steps`). Each step then runs the model trunk on every position
  (attention needs them all) but the output layer (about 27% of the 0.17B model's forward
  FLOPs) and the categorical draw only on the positions that unmask in that step, about
  L/N of them in an N-step generation; a step where none does skips the model altogether.
  The positions come from host memory, so the loop never waits on the device.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn

from ._compat import autocast, compile_callable, resolve_compile, scratch_rows, to_device_async
from .path import MixturePath
from .solvers import draw_unmask_steps, draw_unmasked, get_solver, make_time_grid, mask_leave_probability

__all__ = ["generate", "prepare_edit", "host_generator", "sampling_trunk", "unmask_plan", "unmask_step"]

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


def host_generator(generator: Optional[torch.Generator]) -> Optional[torch.Generator]:
    """The CPU generator for host-side draws of a generation that uses `generator`.

    A CPU generator is used as it is (so CPU runs are reproducible from one seed); None means
    torch's default CPU generator. A device generator gives a CPU generator seeded from its
    state, which lives in host memory (reading it does not wait for the device).
    """
    if generator is None or generator.device.type == "cpu":
        return generator
    digest = hashlib.blake2b(generator.get_state().numpy().tobytes(), digest_size=8).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest, "little") & (2**63 - 1))


def _unwrap(model: Any) -> Any:
    model = getattr(model, "module", model) if isinstance(model, nn.Module) else model  # DDP
    return getattr(model, "_orig_mod", model)  # torch.compile


class _TrunkCache(dict):
    """Compiled trunks kept on their model; a copy of the model (make_ema's deepcopy, pickling)
    starts without them, since they are bound to the original."""

    def __deepcopy__(self, memo):
        return _TrunkCache()

    def __reduce__(self):
        return (_TrunkCache, ())


def sampling_trunk(
    model: nn.Module, device: torch.device, compile: Any = "auto", log: Optional[Callable[[str], None]] = None
) -> Callable[..., torch.Tensor]:
    """`model.forward_hidden`, compiled when `compile` resolves to on for `device`.

    Compiled with mode "reduce-overhead" on CUDA: the trunk's shapes are fixed for a whole
    generation, so CUDA graphs replay it without per-kernel launch costs. The compiled
    callable is kept on the model and reused by later generations (same shapes: no recompile).
    """
    if not resolve_compile(compile, device):
        return model.forward_hidden
    mode = "reduce-overhead" if device.type == "cuda" else "default"
    cache: Dict[str, Callable[..., torch.Tensor]] = model.__dict__.setdefault("_fsdfm_compiled_trunk", _TrunkCache())
    key = f"{mode}/{compile is True}"
    if key not in cache:
        cache[key] = compile_callable(model.forward_hidden, mode=mode, strict=compile is True, log=log)
    return cache[key]


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
    on_state: Optional[Callable[[int, float, torch.Tensor], None]] = None,
    fast: Optional[bool] = None,
    compile: Any = "auto",
    log: Optional[Callable[[str], None]] = None,
) -> torch.Tensor:
    """Samples (B, L) token ids from the source to t = 1.

    `model` is a DiT or any callable `(x_t (B, L), t (B,), h (B,) | None) -> logits (B, L, K)`.
    `student` (default: model.config.kind == 'student') passes the step size h to the model at
    every step; otherwise h is None. `step_sizes` (positive, summing to 1) overrides `steps`.
    Positions where `edit_mask` is False stay at `fixed_tokens` for the whole trajectory.
    `on_step(done, total)` runs after every step; an exception raised there cancels.
    `on_state(step, t, x)` sees the state (B, L) on the device at step 0 (t = 0, the source
    with the frozen positions in place) and after every step (t at its end): a denoising
    trace. Without it nothing is copied off the device, so the loop never waits for it.

    `fast` (default: on for a mask source) decides the jumps first and evaluates the output
    layer only where a position unmasks (module docstring); False runs the simple step.
    With the fast path a step in which no position unmasks does not call the model.
    `compile` ("auto", True, False; _compat.resolve_compile) compiles a DiT's trunk.
    """
    step = get_solver(solver)
    grid = make_time_grid(steps=steps, step_sizes=step_sizes)
    if batch_size < 1 or seq_len < 1:
        raise ValueError(f"batch_size and seq_len must be >= 1, got {batch_size}, {seq_len}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    device = torch.device(device)
    if fast is None:
        fast = path.mask_id is not None
    elif fast and path.mask_id is None:
        raise ValueError("the fast sampler needs a mask source")
    if student is None:
        student = getattr(getattr(model, "config", None), "kind", None) == "student"
    # Host copies first: the fast path plans on them, and the frozen-token check reads them.
    fixed_host, editable_host = prepare_edit(fixed_tokens, edit_mask, batch_size, seq_len, "cpu")
    fixed = editable = None
    if fixed_host is not None:
        fixed, editable = to_device_async(fixed_host, device), to_device_async(editable_host, device)

    is_module = isinstance(model, nn.Module)
    was_training = model.training if is_module else False
    if is_module:
        model.eval()
    try:
        with torch.no_grad():
            x = path.sample_source((batch_size, seq_len), generator=generator, device=device)
            if fixed is not None:
                x = torch.where(editable, x, fixed)
            if on_state is not None:
                on_state(0, 0.0, x)
            if fast:
                return _generate_fast(
                    model, path, solver, grid, x, editable_host, temperature, generator, device, student, on_step, on_state, compile, log
                )
            core = _unwrap(model)
            forward = model
            if hasattr(core, "forward_hidden") and resolve_compile(compile, device):
                trunk = sampling_trunk(core, device, compile, log)
                forward = lambda x_, t_, h_: core.output(trunk(x_, t_, h_))  # noqa: E731
            for i, (t, h) in enumerate(grid):
                t_vec = torch.full((batch_size,), t, dtype=torch.float32, device=device)
                h_vec = torch.full((batch_size,), h, dtype=torch.float32, device=device) if student else None
                # bf16 forward on CUDA (a no-op on CPU); the solver step does its math in float32.
                with autocast(device):
                    logits = forward(x, t_vec, h_vec)
                x = step(x, logits, t, h, path, generator, temperature)
                if fixed is not None:
                    x = torch.where(editable, x, fixed)
                if on_state is not None:
                    on_state(i + 1, _end_time(grid, i), x)
                if on_step is not None:
                    on_step(i + 1, len(grid))
        return x
    finally:
        if is_module:
            model.train(was_training)


def unmask_plan(
    solver: str,
    grid: Sequence[Tuple[float, float]],
    path: MixturePath,
    shape: Tuple[int, int],
    generator: Optional[torch.Generator],
    editable: Optional[torch.Tensor] = None,
) -> List[np.ndarray]:
    """Per step, the flat indices (into B * L) of the positions that leave the mask then.

    Host memory only. Positions frozen by `editable` (a CPU bool tensor) never move.
    """
    leave = [mask_leave_probability(solver, t, h, path) for t, h in grid]
    when = draw_unmask_steps(leave, shape, host_generator(generator)).reshape(-1)
    if editable is not None:
        when[~editable.reshape(-1).numpy()] = len(grid)
    order = np.argsort(when, kind="stable")
    counts = np.bincount(when, minlength=len(grid) + 1)
    return np.split(order, np.cumsum(counts)[:-1])[: len(grid)]


def _generate_fast(model, path, solver, grid, x, editable_host, temperature, generator, device, student, on_step, on_state, compile, log):
    batch_size, seq_len = x.shape
    plan = unmask_plan(solver, grid, path, (batch_size, seq_len), generator, editable_host)
    rows_per_step = [to_device_async(torch.from_numpy(rows), device) if len(rows) else None for rows in plan]
    core = _unwrap(model)
    trunk = sampling_trunk(core, device, compile, log) if _has_split(core) else None
    flat = x.reshape(-1).clone()
    for i, (t, h) in enumerate(grid):
        rows = rows_per_step[i]
        if rows is not None:  # else nothing unmasks in this step: the state stays as it is
            t_vec = torch.full((batch_size,), t, dtype=torch.float32, device=device)
            h_vec = torch.full((batch_size,), h, dtype=torch.float32, device=device) if student else None
            destination = unmask_step(model, flat.view(batch_size, seq_len), rows, t_vec, h_vec, path, generator, temperature, trunk)
            flat.index_copy_(0, rows, destination)
        if on_state is not None:
            on_state(i + 1, _end_time(grid, i), flat.view(batch_size, seq_len))
        if on_step is not None:
            on_step(i + 1, len(grid))
    return flat.view(batch_size, seq_len)


def _end_time(grid: Sequence[Tuple[float, float]], i: int) -> float:
    """When step i ends: the next step's start (the grid's correctly rounded times), 1 after the last."""
    return grid[i + 1][0] if i + 1 < len(grid) else 1.0


def _has_split(core: Any) -> bool:
    return hasattr(core, "forward_hidden") and hasattr(core, "output")


def unmask_step(
    model: Union[nn.Module, Denoiser],
    state: torch.Tensor,
    rows: torch.Tensor,
    t_vec: torch.Tensor,
    h_vec: Optional[torch.Tensor],
    path: MixturePath,
    generator: Optional[torch.Generator],
    temperature: float = 1.0,
    trunk: Optional[Callable[..., torch.Tensor]] = None,
) -> torch.Tensor:
    """One fast mask-source step: the tokens of the positions `rows` (flat indices into B * L,
    a device tensor), which unmask now, given the state (B, L) at time t_vec.

    A DiT runs its trunk (`trunk`, default `forward_hidden`) on every position and the output
    layer on `rows` only; any other model gives full logits, of which `rows` are drawn.
    """
    batch_size, seq_len = state.shape
    core = _unwrap(model)
    with autocast(state.device):
        if _has_split(core):
            hidden = (trunk or core.forward_hidden)(state, t_vec, h_vec)
            hidden = hidden.reshape(batch_size * seq_len, -1).index_select(0, rows)
            return _head_and_draw(core.output, hidden, path, generator, temperature)
        logits = model(state, t_vec, h_vec)
        return draw_unmasked(logits.reshape(batch_size * seq_len, -1).index_select(0, rows), path, generator, temperature)


def _head_and_draw(head: nn.Module, hidden: torch.Tensor, path: MixturePath, generator, temperature: float) -> torch.Tensor:
    """The output layer and the draw, a chunk of rows at a time, so that neither the logits
    of all jumping positions nor their float32 copy exist at once (a 1-step generation
    unmasks all B * L positions in one step)."""
    n = hidden.shape[0]
    out = torch.empty(n, dtype=torch.long, device=hidden.device)
    chunk = scratch_rows(getattr(head, "out_features", path.num_outputs), hidden.device)
    for start in range(0, n, chunk):
        out[start : start + chunk] = draw_unmasked(head(hidden[start : start + chunk]), path, generator, temperature)
    return out
