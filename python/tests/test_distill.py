import math

import pytest
import torch

from fsdfm.checkpoint import load_checkpoint, load_model_from_checkpoint
from fsdfm.config import parse_config
from fsdfm.data import open_dataset, validation_batches
from fsdfm.distill import distill, min_step_size, sample_step_and_time, student_from_teacher, student_objective
from fsdfm.evaluate import elbo_bound, student_step_size
from fsdfm.train import make_ema, pretrain
from helpers import make_dataset, pretrain_config


@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    root = tmp_path_factory.mktemp("distill")
    dataset = make_dataset(root)
    config = pretrain_config(steps=3)
    result = pretrain(parse_config("pretrain", config), dataset_dir=dataset, work_dir=str(root / "teacher"), raw_config=config)
    return dataset, result["checkpoint"], root


def test_step_and_time_grid():
    g = torch.Generator().manual_seed(0)
    h, t = sample_step_and_time(20000, 4, 0.0, g, torch.device("cpu"))
    grid = {2.0 ** -k for k in range(5)}
    assert set(h.tolist()) <= grid
    assert torch.all((t * 16) == torch.round(t * 16))  # t on the k/16 grid
    assert torch.all(t + h <= 1)
    assert torch.all(t[h == 1] == 0)
    # every step size is trained at every grid time it fits, its last step t = 1 - h included
    for k in range(5):
        size = 2.0 ** -k
        times = set((t[h == size] * 16).round().long().tolist())
        assert times == set(range(int(16 * (1 - size)) + 1)), size
    # weights 1,2,4,8,16 over h = 1 .. 1/16: the smallest step gets 16/31 of the examples
    assert float((h == 1 / 16).float().mean()) == pytest.approx(16 / 31, abs=0.02)
    assert float((h == 1).float().mean()) == pytest.approx(1 / 31, abs=0.01)


def test_a_positive_time_eps_leaves_out_the_last_step():
    """The grid this code used before (kept as an ablation): t + h <= 1 - eps."""
    h, t = sample_step_and_time(20000, 4, 1e-3, torch.Generator().manual_seed(0), torch.device("cpu"))
    below = h < 1
    assert torch.all(t[below] + h[below] <= 1 - 1e-3 + 1e-7)
    assert not torch.any(torch.isclose(t[below] + h[below], torch.ones(())))
    assert torch.all(t[~below] == 0)


def _binomial_bound(p, n):
    return 4 * math.sqrt(p * (1 - p) / n)  # 4 standard errors: a false alarm about 1 in 16,000 runs


class _NoTeacher(torch.nn.Module):
    """A stand-in EMA student: the shortcut teacher's forwards cost nothing and record (t, h)."""

    def __init__(self, outputs):
        super().__init__()
        self.outputs = outputs
        self.calls = []

    def forward(self, x, t, h):
        self.calls.append((t.clone(), h.clone()))
        return torch.zeros(*x.shape, self.outputs)


class _Uniform(torch.nn.Module):
    """A student with one parameter, so the objective can run on many examples cheaply."""

    def __init__(self, outputs):
        super().__init__()
        self.outputs = outputs
        self.bias = torch.nn.Parameter(torch.zeros(outputs))

    def forward(self, x, t, h):
        return self.bias.expand(*x.shape, self.outputs)


@pytest.mark.parametrize(
    "spec,expected",
    [
        ({}, 1024 / 2047),  # the default: the smallest of 2^0 .. 2^-10 alone, about half
        ({"gridPowers": 4}, 16 / 31),  # a custom grid: again its smallest step alone
        ({"gridPowers": 4, "threshold": 0.125}, 24 / 31),  # an explicit threshold: h <= 2^-3
        ({"threshold": 2.0 ** -9}, 1536 / 2047),  # 2^-9 explicitly: the old default's 75%
    ],
)
def test_path_loss_fraction(spec, expected):
    from fsdfm.path import MixturePath, PolynomialScheduler

    cfg = parse_config("distill", spec)
    path = MixturePath(PolynomialScheduler(), "mask", 8)
    counters = {}
    objective = student_objective(
        path, _NoTeacher(path.num_outputs), shortcut=cfg.shortcut, threshold=cfg.threshold, grid_powers=cfg.grid_powers,
        time_eps=cfg.time_eps, counters=counters,
    )
    n = 20000
    objective(_Uniform(path.num_outputs), torch.randint(0, 8, (n, 2)), torch.Generator().manual_seed(0))
    assert counters["path"] + counters["teacher"] == n
    assert abs(counters["path"] / n - expected) <= _binomial_bound(expected, n)


def test_the_default_trains_the_last_step_of_every_sampler():
    """With the default config some shortcut-teacher examples end exactly at t + h = 1 (their
    k4 is evaluated at t = 1), for every step size above the threshold."""
    from fsdfm.path import MixturePath, PolynomialScheduler

    cfg = parse_config("distill", {"gridPowers": 4})
    path = MixturePath(PolynomialScheduler(), "mask", 8)
    ema = _NoTeacher(path.num_outputs)
    objective = student_objective(
        path, ema, shortcut="rk4", threshold=cfg.threshold, grid_powers=cfg.grid_powers, time_eps=cfg.time_eps
    )
    objective(_Uniform(path.num_outputs), torch.randint(0, 8, (4000, 2)), torch.Generator().manual_seed(0))
    k1, k4 = ema.calls[0], ema.calls[3]  # rk4: k1 at t, k4 at t + h, all conditioned on h/2
    t, h = k1[0], 2 * k1[1]
    assert torch.allclose(k4[0], t + h)
    for size in (1.0, 0.5, 0.25, 0.125):
        assert bool(((h == size) & (k4[0] == 1.0)).any()), size


def test_student_starts_from_the_teacher(teacher):
    _, ckpt, _ = teacher
    student, path, meta, report = student_from_teacher(ckpt, seq_len=16)
    assert student.config.kind == "student" and meta["kind"] == "teacher"
    assert report["missing"] and all("h_" in n or "cond_fuse" in n for n in report["missing"])
    teacher_model, _, _ = load_model_from_checkpoint(ckpt)
    x = torch.randint(0, 24, (2, 16))
    t = torch.tensor([0.2, 0.7])
    student.eval()
    assert torch.allclose(student(x, t, torch.tensor([0.5, 0.125])), teacher_model(x, t), atol=1e-5)


def _count_forwards(module):
    seen = []
    module.register_forward_hook(lambda m, inp, out: seen.append(out.shape[0]))
    return seen


@pytest.mark.parametrize("shortcut,evals", [("rk4", 4), ("heun", 2)])
def test_no_teacher_evaluation_below_the_threshold(teacher, shortcut, evals):
    dataset, ckpt, _ = teacher
    student, path, _, _ = student_from_teacher(ckpt, seq_len=16)
    ema = make_ema(student)
    seen = _count_forwards(ema)
    counters = {}
    objective = student_objective(path, ema, shortcut=shortcut, threshold=2.0 ** -3, grid_powers=3, counters=counters)
    g = torch.Generator().manual_seed(0)
    x1 = torch.randint(0, 24, (16, 16))
    for _ in range(4):
        loss = objective(student, x1, g)
        loss.backward()
        assert torch.isfinite(loss)
    assert counters["path"] > 0 and counters["teacher"] > 0
    # only the above-threshold examples reach the shortcut teacher, `evals` forwards each
    assert sum(seen) == evals * counters["teacher"]
    assert max(seen) < 16


def test_all_small_steps_spend_no_teacher_forward(teacher):
    _, ckpt, _ = teacher
    student, path, _, _ = student_from_teacher(ckpt, seq_len=16)
    ema = make_ema(student)
    seen = _count_forwards(ema)
    objective = student_objective(path, ema, threshold=1.0, grid_powers=3)
    objective(student, torch.randint(0, 24, (8, 16)), torch.Generator().manual_seed(0)).backward()
    assert seen == []


def test_distill_trains_and_student_elbo_runs(teacher):
    dataset, ckpt, root = teacher
    config = {"steps": 3, "batchSize": 8, "seqLen": 16, "gridPowers": 3, "threshold": 0.125, "logEvery": 1, "warmupSteps": 1, "lr": 1e-3}
    counters = {}
    result = distill(
        parse_config("distill", config), dataset_dir=dataset, teacher_checkpoint=ckpt, work_dir=str(root / "student"),
        raw_config=config, counters=counters,
    )
    assert result["finalStep"] == 3 and counters["teacher"] > 0
    saved = load_checkpoint(result["checkpoint"])
    assert saved["kind"] == "student" and saved["minStepSize"] == min_step_size(3) == 0.125
    model, path, meta = load_model_from_checkpoint(result["checkpoint"])
    assert student_step_size(meta) == 0.125
    val = validation_batches(open_dataset(dataset).validation, 16, 4, max_batches=1)
    out = elbo_bound(model, path, val, time_points=4, step_size=student_step_size(meta), seed=0, device=torch.device("cpu"))
    assert out["elboNats"] > 0 and out["elbo"] == pytest.approx(torch.tensor(out["elboNats"]).exp().item(), rel=1e-6)
    with pytest.raises(ValueError, match="step size h"):
        elbo_bound(model, path, validation_batches(open_dataset(dataset).validation, 16, 4, max_batches=1), time_points=2, step_size=None, seed=0, device=torch.device("cpu"))


def test_distill_needs_a_teacher_checkpoint(teacher, tmp_path):
    dataset, _, _ = teacher
    arm = pretrain(parse_config("pretrain", pretrain_config(steps=1, modelType="arm")), dataset_dir=dataset, work_dir=str(tmp_path))
    with pytest.raises(ValueError, match="needs a teacher checkpoint"):
        distill(parse_config("distill", {"steps": 1}), dataset_dir=dataset, teacher_checkpoint=arm["checkpoint"], work_dir=str(tmp_path / "s"))
