"""Training losses. All math in float32 whatever the logits' dtype (bf16 under autocast)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .path import MixturePath, as_time

__all__ = ["cross_entropy_loss", "generalized_kl_loss", "forward_kl", "reduce_tokens"]


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
    per_token = F.cross_entropy(logits.float().flatten(0, 1), x1.flatten(), reduction="none")
    return reduce_tokens(per_token.view_as(x1).to(torch.float32), reduction)


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
    log_p = torch.log_softmax(logits.float(), dim=-1)  # (B, L, K)
    log_p_x1 = log_p.gather(-1, x1.unsqueeze(-1)).squeeze(-1)  # (B, L)
    p_xt = log_p.gather(-1, x_t.unsqueeze(-1)).squeeze(-1).exp()  # (B, L)
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
    log_p_teacher = torch.log_softmax(teacher_logits.detach().float(), dim=-1)
    log_p_student = torch.log_softmax(student_logits.float(), dim=-1)
    # p_T (log p_T - log p_S); where p_T underflows to 0 the term is 0 (xlogy convention).
    per_token = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).nan_to_num(nan=0.0).sum(-1)
    return reduce_tokens(per_token, reduction)
