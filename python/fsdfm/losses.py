"""Training losses. All math in float32 whatever the logits' dtype (bf16 under autocast).

The logits are (B, L, K) with K = 50,258 at full size: one float32 copy of them is 3.3 GB at
B = 16, L = 1,024, and the textbook formulas (log_softmax, softmax, their products) build
several. The losses here never do: two autograd functions work a chunk of rows at a time
(`_compat.scratch_rows`) on the logits in their own dtype, keep only per-row float32 values
(log-sum-exp, the loss) between forward and backward, recompute the softmax chunk by chunk in
backward, and write the gradient straight in the logits' dtype.
"""
from __future__ import annotations

import torch

from ._compat import scratch_rows
from .path import MixturePath, as_time

__all__ = ["cross_entropy_loss", "generalized_kl_loss", "forward_kl", "reduce_tokens", "gathered_log_softmax"]


def _row_chunks(n: int, k: int, device: torch.device):
    step = scratch_rows(k, device)
    return (slice(start, start + step) for start in range(0, n, step))


class _GatheredLogSoftmax(torch.autograd.Function):
    """log_softmax(logits)[row, index[row, j]]: logits (N, K), index (N, M) -> (N, M) float32.

    Forward keeps the row log-sum-exp (N,) only; backward, d/dlogits = onehot(index) * g -
    softmax * sum_j g, is recomputed a chunk of rows at a time.
    """

    @staticmethod
    def forward(ctx, logits: torch.Tensor, index: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        n, k = logits.shape
        lse = torch.empty(n, dtype=torch.float32, device=logits.device)
        for rows in _row_chunks(n, k, logits.device):
            lse[rows] = torch.logsumexp(logits[rows].float(), dim=-1)
        ctx.save_for_backward(logits, index, lse)
        return logits.gather(1, index).float() - lse[:, None]

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):  # type: ignore[override]
        logits, index, lse = ctx.saved_tensors
        n, k = logits.shape
        grad = torch.empty((n, k), dtype=logits.dtype, device=logits.device)
        grad_out = grad_out.float()
        total = grad_out.sum(dim=1, keepdim=True)  # (N, 1)
        for rows in _row_chunks(n, k, logits.device):
            g = (logits[rows].float() - lse[rows, None]).exp_().mul_(-total[rows])  # -softmax * sum g
            g.scatter_add_(1, index[rows], grad_out[rows])
            grad[rows] = g
        return grad, None


def gathered_log_softmax(logits: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """log p(index) under p = softmax(logits): logits (..., K), index (..., M) long -> (..., M)
    float32, with a gradient to the logits, and no float32 copy of the logits."""
    k = logits.shape[-1]
    flat_index = index.reshape(-1, index.shape[-1])
    out = _GatheredLogSoftmax.apply(logits.reshape(-1, k), flat_index)
    return out.view(index.shape)


class _ForwardKL(torch.autograd.Function):
    """KL(softmax(teacher) || softmax(student)) per row: (N, K) each -> (N,) float32; the
    gradient goes to the student only, (softmax(student) - softmax(teacher)) * g."""

    @staticmethod
    def forward(ctx, teacher: torch.Tensor, student: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        n, k = student.shape
        out = torch.empty(n, dtype=torch.float32, device=student.device)
        for rows in _row_chunks(n, k, student.device):
            log_pt = torch.log_softmax(teacher[rows].float(), dim=-1)
            log_ps = torch.log_softmax(student[rows].float(), dim=-1)
            pt = log_pt.exp()
            # p_T (log p_T - log p_S), 0 where p_T underflows to 0 (xlogy convention)
            terms = log_pt.sub_(log_ps).mul_(pt).masked_fill_(pt == 0, 0.0)
            out[rows] = terms.sum(dim=-1)
        ctx.save_for_backward(teacher, student)
        return out

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):  # type: ignore[override]
        teacher, student = ctx.saved_tensors
        n, k = student.shape
        grad = torch.empty((n, k), dtype=student.dtype, device=student.device)
        grad_out = grad_out.float()
        for rows in _row_chunks(n, k, student.device):
            g = torch.softmax(student[rows].float(), dim=-1)
            g.sub_(torch.softmax(teacher[rows].float(), dim=-1)).mul_(grad_out[rows, None])
            grad[rows] = g
        return None, grad


def reduce_tokens(per_token: torch.Tensor, reduction: str) -> torch.Tensor:
    """'mean' over all tokens (default), 'sum', or 'none' (the (B, L) tensor itself)."""
    if reduction == "mean":
        return per_token.mean()
    if reduction == "sum":
        return per_token.sum()
    if reduction == "none":
        return per_token
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _check(logits: torch.Tensor, tokens: torch.Tensor, name: str) -> None:
    if logits.dim() != 3 or tokens.shape != logits.shape[:2]:
        raise ValueError(f"logits must be (B, L, K) and {name} (B, L); got {tuple(logits.shape)} and {tuple(tokens.shape)}")


def cross_entropy_loss(logits: torch.Tensor, x1: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """-log p(x1[i]) over all positions: logits (B, L, K), x1 (B, L) -> per-token mean."""
    _check(logits, x1, "x1")
    per_token = -gathered_log_softmax(logits, x1.unsqueeze(-1)).squeeze(-1)  # (B, L) float32
    return reduce_tokens(per_token, reduction)


def generalized_kl_loss(
    logits: torch.Tensor,
    x1: torch.Tensor,
    x_t: torch.Tensor,
    t: torch.Tensor,
    path: MixturePath,
    reduction: str = "mean",
) -> torch.Tensor:
    """Generalized KL of the mixture path (per-token mean by default):

        g(t) = kappa'(t) / (1 - kappa(t))
        loss_i = -g(t) * (p(x_t[i]) - [x_t[i] == x1[i]] + [x_t[i] != x1[i]] * log p(x1[i]))

    logits (B, L, K), x1 and x_t (B, L) long, t (B,). p is softmax over all K outputs.
    """
    _check(logits, x1, "x1")
    if x_t.shape != x1.shape:
        raise ValueError(f"x_t must have the shape of x1 {tuple(x1.shape)}, got {tuple(x_t.shape)}")
    batch = x1.shape[0]
    t = as_time(t, like=x1).to(x1.device)
    if t.dim() == 0:
        t = t.expand(batch)
    if t.shape != (batch,):
        raise ValueError(f"t must be ({batch},), got {tuple(t.shape)}")
    log_p = gathered_log_softmax(logits, torch.stack((x1, x_t), dim=-1))  # (B, L, 2)
    log_p_x1 = log_p[..., 0]  # (B, L)
    p_xt = log_p[..., 1].exp()  # (B, L)
    same = (x_t == x1).to(torch.float32)
    g = path.jump_coefficient(t).to(torch.float32)[:, None]  # (B, 1)
    per_token = -g * (p_xt - same + (1.0 - same) * log_p_x1)
    return reduce_tokens(per_token, reduction)


def forward_kl(teacher_logits: torch.Tensor, student_logits: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """KL(teacher || student) over the last dim, averaged over positions. (B, L, K) each.

    The teacher is a target: no gradient flows into it.
    """
    if teacher_logits.shape != student_logits.shape:
        raise ValueError(
            f"teacher and student logits differ in shape: {tuple(teacher_logits.shape)} vs {tuple(student_logits.shape)}"
        )
    k = student_logits.shape[-1]
    per_token = _ForwardKL.apply(teacher_logits.detach().reshape(-1, k), student_logits.reshape(-1, k))
    return reduce_tokens(per_token.view(student_logits.shape[:-1]), reduction)
