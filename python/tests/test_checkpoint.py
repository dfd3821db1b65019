import os
import random

import numpy as np
import pytest
import torch

from fsdfm.checkpoint import capture_rng_state, load_checkpoint, restore_rng_state, save_checkpoint


class Unpicklable:
    def __reduce__(self):
        raise RuntimeError("disk full (simulated)")


def test_failed_write_leaves_previous_checkpoint_intact(tmp_path):
    path = str(tmp_path / "checkpoint.pt")
    save_checkpoint(path, {"step": 1, "w": torch.arange(3)})
    with pytest.raises(RuntimeError, match="disk full"):
        save_checkpoint(path, {"step": 2, "w": torch.zeros(1000), "bad": Unpicklable()})
    ckpt = load_checkpoint(path)
    assert ckpt["step"] == 1 and torch.equal(ckpt["w"], torch.arange(3))
    assert os.listdir(tmp_path) == ["checkpoint.pt"]  # no temp file left behind


def test_failed_rename_leaves_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = str(tmp_path / "checkpoint.pt")
    save_checkpoint(path, {"step": 1})

    def boom(src, dst):
        raise OSError("crash before rename")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_checkpoint(path, {"step": 2})
    monkeypatch.undo()
    assert load_checkpoint(path)["step"] == 1
    assert os.listdir(tmp_path) == ["checkpoint.pt"]


def test_rng_state_round_trip():
    g = torch.Generator().manual_seed(5)
    state = capture_rng_state({"noise": g})
    expected = (torch.rand(3), np.random.rand(), random.random(), torch.rand(2, generator=g))
    torch.manual_seed(99), np.random.seed(99), random.seed(99), g.manual_seed(99)
    restore_rng_state(state, {"noise": g})
    got = (torch.rand(3), np.random.rand(), random.random(), torch.rand(2, generator=g))
    assert torch.equal(got[0], expected[0]) and got[1] == expected[1] and got[2] == expected[2]
    assert torch.equal(got[3], expected[3])


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint not found"):
        load_checkpoint(str(tmp_path / "nope.pt"))
