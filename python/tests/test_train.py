import threading

import pytest
import torch

from fsdfm.checkpoint import load_checkpoint, load_model_from_checkpoint
from fsdfm.config import OptimConfig, parse_config
from fsdfm.train import Reporter, lr_multiplier, pretrain
from helpers import make_dataset, pretrain_config


def run_pretrain(dataset, work_dir, config, *, stop_after=None, resume_from=None):
    """Pretrain; returns ({step: loss}, result). `stop_after` cancels after that many steps."""
    losses = {}
    cancel = threading.Event()

    def progress(p):
        if stop_after is not None and p["step"] >= stop_after:
            cancel.set()

    reporter = Reporter(metric=lambda n, s, v: losses.__setitem__(s, v) if n == "train/loss" else None, progress=progress)
    result = pretrain(
        parse_config("pretrain", config), dataset_dir=dataset, work_dir=str(work_dir), reporter=reporter,
        cancel=cancel, resume_from=resume_from, raw_config=config,
    )
    return losses, result


def test_lr_schedule_warms_up_then_decays_to_min_ratio():
    optim = OptimConfig(lr=1.0, warmup_steps=4, steps=20, min_lr_ratio=0.1)
    lrs = [lr_multiplier(s, optim) for s in range(20)]
    assert lrs[:4] == [0.25, 0.5, 0.75, 1.0]
    assert all(a >= b for a, b in zip(lrs[4:], lrs[5:]))
    assert lr_multiplier(20, optim) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "overrides",
    [
        dict(modelType="teacher", loss="cross_entropy", gradAccum=2, model=dict(hidden=32, blocks=1, heads=2, condDim=16, dropout=0.1)),
        dict(modelType="teacher", loss="generalized_kl", source="uniform"),
        dict(modelType="arm"),
    ],
    ids=["teacher-ce-dropout-accum", "teacher-gkl-uniform", "arm"],
)
def test_resume_reproduces_the_uninterrupted_losses(tmp_path, overrides):
    dataset = make_dataset(tmp_path)
    config = pretrain_config(steps=7, warmupSteps=2, **overrides)
    full, result = run_pretrain(dataset, tmp_path / "full", config)
    assert sorted(full) == list(range(1, 8)) and result["finalStep"] == 7

    first, partial = run_pretrain(dataset, tmp_path / "split", config, stop_after=3)
    assert partial["cancelled"] and partial["finalStep"] == 3
    assert load_checkpoint(partial["checkpoint"])["step"] == 3
    torch.manual_seed(12345)  # a fresh process would have some other global RNG state
    second, resumed = run_pretrain(dataset, tmp_path / "split", config, resume_from=partial["checkpoint"])
    assert resumed["finalStep"] == 7 and sorted(second) == [4, 5, 6, 7]
    combined = {**first, **second}
    for step in range(1, 8):
        assert combined[step] == pytest.approx(full[step], abs=1e-6, rel=1e-6), step
    a, b = load_checkpoint(result["checkpoint"]), load_checkpoint(resumed["checkpoint"])
    for name in a["model"]:
        assert torch.allclose(a["model"][name], b["model"][name], atol=1e-6)
        assert torch.allclose(a["ema"][name], b["ema"][name], atol=1e-6)


def test_checkpoint_holds_the_contract_fields_and_loads_alone(tmp_path):
    dataset = make_dataset(tmp_path)
    metrics = []
    config = pretrain_config(steps=4, logEvery=2, checkpointEvery=2)
    result = pretrain(
        parse_config("pretrain", config), dataset_dir=dataset, work_dir=str(tmp_path / "w"),
        reporter=Reporter(metric=lambda n, s, v: metrics.append((n, s))), raw_config=config,
    )
    names = {n for n, _ in metrics}
    assert {"train/loss", "train/lr", "train/grad_norm", "train/tokens_per_s"} <= names
    assert sorted({s for _, s in metrics}) == [2, 4]
    ckpt = load_checkpoint(result["checkpoint"])
    for key in ("kind", "modelConfig", "vocabSize", "source", "model", "ema", "optimizer", "scheduler", "step", "rng", "dataPosition", "config"):
        assert key in ckpt, key
    assert ckpt["kind"] == "teacher" and ckpt["step"] == 4 and ckpt["dataPosition"]["position"] == 4
    model, path, meta = load_model_from_checkpoint(result["checkpoint"])
    assert path.mask_id == 24 and meta["kind"] == "teacher" and not model.training
    for name, value in model.state_dict().items():
        assert torch.equal(value, ckpt["ema"][name])


def test_resume_rejects_a_checkpoint_of_another_kind(tmp_path):
    dataset = make_dataset(tmp_path)
    _, arm = run_pretrain(dataset, tmp_path / "arm", pretrain_config(steps=1, modelType="arm"))
    with pytest.raises(ValueError, match="cannot resume a teacher run from a arm checkpoint"):
        run_pretrain(dataset, tmp_path / "t", pretrain_config(steps=2), resume_from=arm["checkpoint"])
