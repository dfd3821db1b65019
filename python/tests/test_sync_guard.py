"""No host synchronisation inside the sampling loop, the training step and the distillation
step (issue 17), checked on CPU with syncguard.forbid_host_sync: the calls that would make a
GPU run wait for the host raise here. On a GPU, bench/gpu.py counts them with
torch.cuda.set_sync_debug_mode."""
import pytest
import torch

from fsdfm.config import parse_config
from fsdfm.distill import distill
from fsdfm.model import build_model, model_config_from_spec
from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.sampling import generate
from fsdfm.train import pretrain
from helpers import TINY_MODEL, make_dataset, pretrain_config
from syncguard import HostSync, forbid_host_sync


def _dit(path, kind="teacher"):
    cfg = model_config_from_spec(dict(TINY_MODEL), vocab_size=path.vocab_size, num_outputs=path.num_outputs, kind=kind, max_seq_len=32)
    torch.manual_seed(0)
    model = build_model(cfg)
    with torch.no_grad():  # zero-init output: give the logits some shape
        model.output.weight.normal_(0, 1.0)
    return model


def test_the_guard_catches_the_known_syncing_calls():
    x = torch.arange(4.0)
    with forbid_host_sync():
        for call in (lambda: x.sum().item(), lambda: bool(x.any()), lambda: x.nonzero(), lambda: x[x > 1], lambda: x.tolist()):
            with pytest.raises(HostSync):
                call()


@pytest.mark.parametrize("fast,source", [(True, "mask"), (False, "mask"), (False, "uniform")])
@pytest.mark.parametrize("kind", ["teacher", "student"])
def test_sampling_loop_never_syncs(fast, source, kind):
    path = MixturePath(PolynomialScheduler(1.0), source, 20)
    model = _dit(path, kind)
    fixed = torch.full((3, 12), -1)
    fixed[:, :4] = torch.arange(4)  # a prompt: frozen positions too
    with forbid_host_sync(start_active=False) as guard:
        trunk = model.forward_hidden

        def guarded_trunk(*args):  # the loop starts at the first model evaluation
            guard.active = True
            return trunk(*args)

        model.forward_hidden = guarded_trunk
        out = generate(model, path, batch_size=3, seq_len=12, steps=4, generator=torch.Generator().manual_seed(0),
                       fixed_tokens=fixed, fast=fast, temperature=0.8)
        assert guard.active, "the model was evaluated under the guard"
        guard.active = False
    assert torch.equal(out[:, :4], fixed[:, :4]) and int(out.max()) < 20


def test_sampling_loop_with_a_plain_callable_never_syncs():
    path = MixturePath(PolynomialScheduler(2.0), "mask", 9)
    with forbid_host_sync(start_active=False) as guard:
        def denoiser(x_t, t, h=None):
            guard.active = True
            return torch.sin(x_t[..., None].float() + t[:, None, None] * torch.arange(10.0))

        generate(denoiser, path, batch_size=2, seq_len=16, steps=8, generator=torch.Generator().manual_seed(1))
        assert guard.active
        guard.active = False


def _guard_objective_calls(monkeypatch, module, name, guard):
    """Wrap `module.name` (an objective factory) so the guard turns on at the first call of the
    objective it returns, i.e. inside the first training step, after all set-up."""
    factory = getattr(module, name)

    def wrapped_factory(*args, **kwargs):
        objective = factory(*args, **kwargs)

        def guarded(model, x1, generator):
            guard.active = True
            return objective(model, x1, generator)

        guarded.__dict__.update(objective.__dict__)  # host_generators
        return guarded

    monkeypatch.setattr(module, name, wrapped_factory)


@pytest.mark.parametrize("loss", ["cross_entropy", "generalized_kl"])
def test_training_steps_never_sync(tmp_path, monkeypatch, loss):
    """run_training's loop: data, objective, backward, clip, AdamW, schedule, EMA and the
    reporting of the loss (read from host memory), for several steps."""
    import fsdfm.train as train

    dataset = make_dataset(tmp_path)
    with forbid_host_sync(start_active=False) as guard:
        _guard_objective_calls(monkeypatch, train, "teacher_objective", guard)
        metrics = []
        result = pretrain(
            parse_config("pretrain", pretrain_config(steps=4, loss=loss, checkpointEvery=100, logEvery=1)),
            dataset_dir=dataset, work_dir=str(tmp_path / "t"),
            reporter=train.Reporter(metric=lambda n, s, v: metrics.append((n, s))),
        )
        assert guard.active
        guard.active = False
    assert result["finalStep"] == 4 and ("train/loss", 4) in metrics


def test_distillation_steps_never_sync(tmp_path, monkeypatch):
    """The student objective with both branches (path loss and RK4 teacher) in one batch:
    the branch split comes from host memory, not from nonzero() on the device."""
    import fsdfm.distill as distill_module

    dataset = make_dataset(tmp_path)
    teacher = pretrain(parse_config("pretrain", pretrain_config(steps=2)), dataset_dir=dataset, work_dir=str(tmp_path / "t"))
    counters = {}
    with forbid_host_sync(start_active=False) as guard:
        _guard_objective_calls(monkeypatch, distill_module, "student_objective", guard)
        result = distill(
            parse_config("distill", {"steps": 3, "batchSize": 8, "seqLen": 16, "gridPowers": 2, "threshold": 0.25, "shortcut": "rk4"}),
            dataset_dir=dataset, teacher_checkpoint=teacher["checkpoint"], work_dir=str(tmp_path / "s"), counters=counters,
        )
        assert guard.active
        guard.active = False
    assert result["finalStep"] == 3
    assert counters["path"] > 0 and counters["teacher"] > 0, counters
