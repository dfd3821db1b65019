"""The chunked losses (issue 17) equal the textbook formulas, values and gradients, across
chunk boundaries and in bf16, without a float32 copy of the logits."""
import pytest
import torch
import torch.nn.functional as F

import fsdfm.losses as losses
from fsdfm.losses import cross_entropy_loss, forward_kl, generalized_kl_loss
from fsdfm.path import MixturePath, PolynomialScheduler


@pytest.fixture(params=[1, 3, 1000], ids=["chunk1", "chunk3", "one-chunk"])
def chunk(request, monkeypatch):
    """Rows per float32 chunk: 1 and 3 put chunk boundaries everywhere, 1000 covers all rows."""
    monkeypatch.setattr(losses, "scratch_rows", lambda k, device: request.param)
    return request.param


def _grad(fn, logits):
    leaf = logits.detach().clone().requires_grad_(True)
    fn(leaf).backward()
    return leaf.grad


def test_cross_entropy_value_and_gradient(chunk, gen):
    logits = torch.randn(3, 7, 11, generator=gen) * 3
    x1 = torch.randint(0, 11, (3, 7), generator=gen)
    ref = lambda lg: F.cross_entropy(lg.reshape(-1, 11), x1.reshape(-1))  # noqa: E731
    ours = lambda lg: cross_entropy_loss(lg, x1)  # noqa: E731
    assert torch.allclose(ours(logits), ref(logits), atol=1e-6)
    assert torch.allclose(_grad(ours, logits), _grad(ref, logits), atol=1e-7)
    per_token = cross_entropy_loss(logits, x1, reduction="none")
    assert per_token.shape == (3, 7) and per_token.dtype == torch.float32


def test_generalized_kl_value_and_gradient(chunk, gen):
    path = MixturePath(PolynomialScheduler(2.0), "mask", 10)
    logits = torch.randn(2, 9, 11, generator=gen) * 2
    x1 = torch.randint(0, 10, (2, 9), generator=gen)
    t = torch.tensor([0.3, 0.7])
    x_t = path.sample_xt(x1, t, gen)

    def ref(lg):
        log_p = torch.log_softmax(lg, -1)
        lp1 = log_p.gather(-1, x1[..., None]).squeeze(-1)
        pxt = log_p.gather(-1, x_t[..., None]).squeeze(-1).exp()
        same = (x_t == x1).float()
        g = path.jump_coefficient(t).float()[:, None]
        return (-g * (pxt - same + (1 - same) * lp1)).mean()

    ours = lambda lg: generalized_kl_loss(lg, x1, x_t, t, path)  # noqa: E731
    assert torch.allclose(ours(logits), ref(logits), atol=1e-6)
    assert torch.allclose(_grad(ours, logits), _grad(ref, logits), atol=1e-6)


def test_forward_kl_value_and_gradient(chunk, gen):
    teacher = torch.randn(2, 5, 13, generator=gen) * 2
    teacher[0, 0, 3] = -float("inf")  # p_T = 0 somewhere: the term is 0, not nan
    student = torch.randn(2, 5, 13, generator=gen) * 2

    def ref(lg):
        log_pt = torch.log_softmax(teacher, -1)
        terms = log_pt.exp() * (log_pt - torch.log_softmax(lg, -1))
        return terms.nan_to_num(nan=0.0).sum(-1).mean()

    ours = lambda lg: forward_kl(teacher, lg)  # noqa: E731
    value = ours(student)
    assert torch.isfinite(value) and torch.allclose(value, ref(student), atol=1e-6)
    assert torch.allclose(_grad(ours, student), _grad(ref, student), atol=1e-7)


def test_bf16_logits_get_float32_losses_and_bf16_gradients(gen):
    logits = (torch.randn(2, 6, 50, generator=gen) * 2).bfloat16()
    x1 = torch.randint(0, 50, (2, 6), generator=gen)
    leaf = logits.clone().requires_grad_(True)
    loss = cross_entropy_loss(leaf, x1)
    loss.backward()
    assert loss.dtype == torch.float32 and leaf.grad.dtype == torch.bfloat16
    expected = F.cross_entropy(logits.float().reshape(-1, 50), x1.reshape(-1))
    assert abs(float(loss) - float(expected)) < 1e-5  # float32 math on the bf16 values
    student = logits.clone().requires_grad_(True)
    kl = forward_kl(logits.float() + 0.5 * torch.randn(2, 6, 50, generator=gen), student)
    kl.backward()
    assert kl.dtype == torch.float32 and student.grad.dtype == torch.bfloat16


def test_losses_accept_the_padded_output_layers_sliced_logits(gen):
    """The model's logits are a column slice of a wider (padded) GEMM output: strided rows."""
    wide = torch.randn(2, 4, 64, generator=gen, requires_grad=True)
    logits = wide[..., :31]
    x1 = torch.randint(0, 31, (2, 4), generator=gen)
    cross_entropy_loss(logits, x1).backward()
    assert float(wide.grad[..., 31:].abs().sum()) == 0.0  # the padding columns learn nothing
    assert torch.allclose(wide.grad[..., :31], _grad(lambda lg: F.cross_entropy(lg.reshape(-1, 31), x1.reshape(-1)), logits), atol=1e-7)
