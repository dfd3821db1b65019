import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture
def gen() -> torch.Generator:
    """A CPU generator with a fixed seed (tests are deterministic)."""
    return torch.Generator().manual_seed(1234)


def chi_square(counts: torch.Tensor, probs: torch.Tensor) -> float:
    """Pearson chi-square of observed counts (K,) against probabilities (K,), cells with p > 0."""
    counts = counts.double()
    expected = probs.double() * counts.sum()
    keep = expected > 0
    assert float(counts[~keep].sum()) == 0.0, "draws landed on a zero-probability outcome"
    return float(((counts[keep] - expected[keep]) ** 2 / expected[keep]).sum())


def chi_square_bound(dof: int) -> float:
    """mean + 6 sd of a chi-square with `dof` degrees of freedom (p-value far below 1e-4)."""
    return dof + 6.0 * (2.0 * dof) ** 0.5


def target_denoiser(target: torch.Tensor, num_outputs: int):
    """A model whose posterior p(x1 | x_t) is one-hot on `target` (L,) at every step."""

    def denoise(x_t, t, h=None):
        logits = torch.full((*x_t.shape, num_outputs), -1e4)
        return logits.scatter(-1, target.expand_as(x_t).unsqueeze(-1), 0.0)

    return denoise
