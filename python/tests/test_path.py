import math

import pytest
import torch

from fsdfm.path import MixturePath, PolynomialScheduler, rate_scale


def test_polynomial_scheduler_values():
    sched = PolynomialScheduler(2.0)
    t = torch.tensor([0.0, 0.25, 0.5, 1.0], dtype=torch.float64)
    assert torch.allclose(sched.kappa(t), t**2)
    assert torch.allclose(sched.dkappa(t)[1:], 2 * t[1:])
    assert float(PolynomialScheduler(1.0).dkappa(0.3)) == 1.0
    with pytest.raises(ValueError):
        PolynomialScheduler(0.0)


def test_path_attributes():
    mask = MixturePath(PolynomialScheduler(), "mask", 7)
    assert (mask.vocab_size, mask.mask_id, mask.num_outputs, mask.source) == (7, 7, 8, "mask")
    uniform = MixturePath(PolynomialScheduler(), "uniform", 7)
    assert (uniform.mask_id, uniform.num_outputs) == (None, 7)
    with pytest.raises(ValueError):
        MixturePath(PolynomialScheduler(), "gaussian", 7)


def test_sample_source(gen):
    mask = MixturePath(PolynomialScheduler(), "mask", 5)
    assert bool((mask.sample_source((3, 4)) == 5).all())
    uniform = MixturePath(PolynomialScheduler(), "uniform", 5)
    x0 = uniform.sample_source((200, 50), generator=gen)
    assert x0.dtype == torch.long and int(x0.min()) == 0 and int(x0.max()) == 4


def test_sample_xt_keeps_data_with_probability_kappa(gen):
    path = MixturePath(PolynomialScheduler(2.0), "mask", 11)
    t = torch.tensor([0.0, 0.3, 0.7, 1.0])
    x1 = torch.randint(0, 11, (4, 20000), generator=gen)
    x_t = path.sample_xt(x1, t, generator=gen)
    kept = (x_t == x1).double().mean(dim=1)
    assert bool(((x_t == x1) | (x_t == 11)).all())
    n = x1.shape[1]
    for k, expected in zip(kept.tolist(), (t.double() ** 2).tolist()):
        assert abs(k - expected) <= 5 * math.sqrt(max(expected * (1 - expected), 1e-12) / n) + 1e-12


def test_sample_xt_uniform_source(gen):
    vocab = 4
    path = MixturePath(PolynomialScheduler(), "uniform", vocab)
    x1 = torch.zeros(1, 40000, dtype=torch.long)
    x_t = path.sample_xt(x1, torch.tensor([0.5]), generator=gen)
    # P(x_t = x1) = kappa + (1 - kappa) / V
    expected = 0.5 + 0.5 / vocab
    assert abs((x_t == 0).double().mean().item() - expected) < 5 * math.sqrt(expected * (1 - expected) / 40000)


def test_jump_log_survival_cumulative():
    path = MixturePath(PolynomialScheduler(2.0), "mask", 3)
    t, h = 0.3, 0.2
    expected = math.log((1 - 0.09) / (1 - 0.25))
    assert abs(float(path.jump_log_survival_cumulative(t, h)) - expected) < 1e-12
    # vector form, and the end point t + h = 1 stays finite (1 - kappa clamped)
    tv = torch.tensor([0.3, 0.5], dtype=torch.float64)
    hv = torch.tensor([0.2, 0.5], dtype=torch.float64)
    values = path.jump_log_survival_cumulative(tv, hv)
    assert abs(float(values[0]) - expected) < 1e-12
    assert math.isfinite(float(values[1])) and float(values[1]) > 10
    # h * gbar -> h * g(t) as h -> 0
    small = float(path.jump_log_survival_cumulative(0.3, 1e-6)) / 1e-6
    assert abs(small - float(path.jump_coefficient(0.3))) < 1e-4
    assert float(rate_scale(torch.tensor(0.5), torch.tensor(0.5))) == 0.0
