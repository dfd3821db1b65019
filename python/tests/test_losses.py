import math

import pytest
import torch
import torch.nn.functional as F

from fsdfm.losses import cross_entropy_loss, forward_kl, generalized_kl_loss
from fsdfm.path import MixturePath, PolynomialScheduler


def test_cross_entropy_matches_torch(gen):
    logits = torch.randn(2, 5, 7, generator=gen)
    x1 = torch.randint(0, 7, (2, 5), generator=gen)
    expected = F.cross_entropy(logits.reshape(-1, 7), x1.reshape(-1))
    assert torch.allclose(cross_entropy_loss(logits, x1), expected)
    assert cross_entropy_loss(logits.bfloat16(), x1).dtype == torch.float32
    with pytest.raises(ValueError):
        cross_entropy_loss(logits, x1[:, :3])


def test_generalized_kl_hand_computed():
    # V = 2 data tokens + mask (id 2); linear kappa; t = 0.5 -> g = 1 / (1 - 0.5) = 2
    path = MixturePath(PolynomialScheduler(1.0), "mask", 2)
    logits = torch.log(torch.tensor([[[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]]]))
    x1 = torch.tensor([[0, 1]])
    x_t = torch.tensor([[2, 1]])  # position 0 masked, position 1 already equal to x1
    t = torch.tensor([0.5])
    # pos 0: -2 * (p(mask) - 0 + log p(0)) = -2 * (0.2 + log 0.5)
    # pos 1: -2 * (p(1) - 1) = -2 * (0.6 - 1)
    l0 = -2 * (0.2 + math.log(0.5))
    l1 = -2 * (0.6 - 1.0)
    got = generalized_kl_loss(logits, x1, x_t, t, path, reduction="none")
    assert torch.allclose(got, torch.tensor([[l0, l1]]), atol=1e-6)
    assert abs(float(generalized_kl_loss(logits, x1, x_t, t, path)) - (l0 + l1) / 2) < 1e-6


def test_generalized_kl_uses_scheduler_rate():
    path = MixturePath(PolynomialScheduler(2.0), "uniform", 3)
    logits = torch.log(torch.tensor([[[0.2, 0.3, 0.5]]]))
    x1, x_t = torch.tensor([[2]]), torch.tensor([[0]])
    t = torch.tensor([0.5])
    g = 2 * 0.5 / (1 - 0.25)
    expected = -g * (0.2 - 0 + math.log(0.5))
    assert abs(float(generalized_kl_loss(logits, x1, x_t, t, path)) - expected) < 1e-5


def test_generalized_kl_is_minimised_by_the_data(gen):
    # the loss is non-negative and zero only where p puts all mass on x1
    path = MixturePath(PolynomialScheduler(), "mask", 4)
    x1 = torch.randint(0, 4, (3, 6), generator=gen)
    x_t = path.sample_xt(x1, torch.full((3,), 0.4), generator=gen)
    exact = torch.full((3, 6, 5), -30.0).scatter(-1, x1.unsqueeze(-1), 30.0)
    assert float(generalized_kl_loss(exact, x1, x_t, torch.full((3,), 0.4), path)) < 1e-4
    noisy = torch.randn(3, 6, 5, generator=gen)
    assert float(generalized_kl_loss(noisy, x1, x_t, torch.full((3,), 0.4), path)) > 0.1


def test_forward_kl(gen):
    teacher = torch.randn(2, 4, 9, generator=gen)
    assert float(forward_kl(teacher, teacher.clone())) == pytest.approx(0.0, abs=1e-6)
    assert float(forward_kl(teacher, teacher + 3.0)) == pytest.approx(0.0, abs=1e-5)  # shift-invariant
    student = torch.randn(2, 4, 9, generator=gen, requires_grad=True)
    value = forward_kl(teacher, student)
    p_t = teacher.softmax(-1)
    expected = (p_t * (p_t.log() - student.log_softmax(-1))).sum(-1).mean()
    assert float(value) > 0 and torch.allclose(value, expected, atol=1e-6)
    value.backward()
    assert student.grad is not None and float(student.grad.abs().sum()) > 0
