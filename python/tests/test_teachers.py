import pytest
import torch

from fsdfm.model import build_model, model_config_from_spec
from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.teachers import shortcut_teacher_logits

K = 6


class Recorder:
    """Logits depend on time only, so the teacher logits are a known weighted sum."""

    def __init__(self):
        self.calls = []

    def __call__(self, x, t, h):
        self.calls.append((x.clone(), t.clone(), h.clone()))
        logits = t[:, None, None] * torch.arange(K, dtype=torch.float32) + h[:, None, None]
        return logits.expand(*x.shape, K)


def _path():
    return MixturePath(PolynomialScheduler(), "mask", K - 1)


def test_rk4_weights_and_half_step_conditioning(gen):
    path = _path()
    x_t = torch.full((2, 5), path.mask_id)
    t = torch.tensor([0.0, 0.25])
    h = torch.tensor([0.5, 0.125])
    model = Recorder()
    logits = shortcut_teacher_logits(model, x_t, t, h, path, method="rk4", generator=gen)
    times = [c[1] for c in model.calls]
    assert len(times) == 4
    for got, want in zip(times, (t, t + h / 2, t + h / 2, t + h)):
        assert torch.allclose(got, want)
    assert all(torch.allclose(c[2], h / 2) for c in model.calls)  # every evaluation sees h/2
    f = lambda s: s[:, None, None] * torch.arange(K, dtype=torch.float32) + (h / 2)[:, None, None]  # noqa: E731
    expected = (f(t) + 4 * f(t + h / 2) + f(t + h)) / 6
    assert torch.allclose(logits, expected, atol=1e-6)
    assert torch.equal(model.calls[0][0], x_t)


def test_heun_two_evaluations(gen):
    path = _path()
    x_t = torch.full((1, 4), path.mask_id)
    model = Recorder()
    logits = shortcut_teacher_logits(model, x_t, 0.25, 0.5, path, method="heun", generator=gen)
    assert [float(c[1][0]) for c in model.calls] == [0.25, 0.5]
    f = lambda s: s * torch.arange(K, dtype=torch.float32) + 0.25  # noqa: E731
    assert torch.allclose(logits[0, 0], (f(0.25) + f(0.5)) / 2)
    with pytest.raises(ValueError):
        shortcut_teacher_logits(model, x_t, 0.25, 0.5, path, method="euler")


def test_intermediate_states_follow_the_path(gen):
    """With a one-hot posterior, intermediate states only unmask toward the target, and
    the state at t + h (x_c) is at least as unmasked as the state at t + h/2 it came from."""
    path = _path()
    target = torch.tensor([1, 2, 3, 4, 0] * 40)
    calls = []

    def model(x, t, h):
        calls.append(x.clone())
        return torch.full((*x.shape, K), -1e4).scatter(-1, target.expand_as(x)[..., None], 0.0)

    x_t = torch.full((4, 200), path.mask_id)
    shortcut_teacher_logits(model, x_t, torch.full((4,), 0.25), torch.full((4,), 0.5), path, generator=gen)
    _, x_a, x_b, x_c = calls
    for x in (x_a, x_b, x_c):
        unmasked = x != path.mask_id
        assert bool((x[unmasked] == target.expand_as(x)[unmasked]).all())
    assert bool(((x_b != path.mask_id) <= (x_c != path.mask_id)).all())
    # linear path from t = 0.25: x_a and x_b sit at t + h/2 = 0.5 (1/3 of the masks gone),
    # x_c at t + h = 0.75 (2/3 gone); a sampler that chains x_b from x_a would put x_b at 2/3
    share = lambda x: (x != path.mask_id).double().mean().item()  # noqa: E731
    assert abs(share(x_a) - 1 / 3) < 0.05
    assert abs(share(x_b) - 1 / 3) < 0.05
    assert abs(share(x_c) - 2 / 3) < 0.05


def test_with_a_student_model(gen):
    path = _path()
    cfg = model_config_from_spec({"preset": "tiny"}, vocab_size=K - 1, num_outputs=K, kind="student", max_seq_len=32)
    student = build_model(cfg)
    x1 = torch.randint(0, K - 1, (3, 16), generator=gen)
    t = torch.tensor([0.1, 0.3, 0.5])
    h = torch.tensor([0.25, 0.125, 0.5])
    x_t = path.sample_xt(x1, t, generator=gen)
    logits = shortcut_teacher_logits(student, x_t, t, h, path, generator=gen)
    assert logits.shape == (3, 16, K) and not logits.requires_grad and logits.dtype == torch.float32


@pytest.mark.parametrize(
    "method,masked",
    [
        # ours: k3 sees a state at t + h/2 and k4 one at t + h, as labelled (linear path from
        # t = 0.25 with h = 0.5: masked fractions 0.5 and 0.25)
        ("rk4", (0.75, 0.5, 0.5, 0.25)),
        # the reference's placement: x_b chains from x_a, so k3 sees 0.25 at the label t + h/2
        # and k4 sees 0.125 at the label t + h
        ("rk4_reference", (0.75, 0.5, 0.25, 0.125)),
    ],
)
def test_stage_placement_masked_fractions(gen, method, masked):
    path = _path()
    target = torch.tensor([1, 2, 3, 4, 0] * 80)
    seen = []

    def model(x, t, h):
        seen.append(((x == path.mask_id).double().mean().item(), float(t[0])))
        return torch.full((*x.shape, K), -1e4).scatter(-1, target.expand_as(x)[..., None], 0.0)

    x_t = path.sample_xt(target.expand(8, 400), torch.full((8,), 0.25), gen)  # on the path at t = 0.25
    shortcut_teacher_logits(model, x_t, torch.full((8,), 0.25), torch.full((8,), 0.5), path, method=method, generator=gen)
    assert [t for _, t in seen] == [0.25, 0.5, 0.5, 0.75]  # the labels are the same for both
    for (got, _), want in zip(seen, masked):
        assert abs(got - want) < 0.02, (method, [round(f, 3) for f, _ in seen])
