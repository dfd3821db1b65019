import json
import os

import numpy as np
import pytest
import torch

from fsdfm.data import WindowSampler, open_dataset, validation_batches, write_dataset
from helpers import make_dataset


def test_open_dataset_reads_manifest_and_memmaps(tmp_path):
    ds = open_dataset(make_dataset(tmp_path, vocab=24, train_tokens=500, val_tokens=100))
    assert ds.vocab_size == 24 and ds.eos_id == 23
    assert ds.train.shape == (500,) and ds.validation.shape == (100,)
    assert isinstance(ds.train, np.memmap) and ds.train.dtype == np.dtype("<u2")


def test_open_dataset_rejects_size_mismatch(tmp_path):
    path = make_dataset(tmp_path, train_tokens=500, val_tokens=100)
    manifest = json.load(open(os.path.join(path, "manifest.json")))
    manifest["splits"]["train"]["tokens"] = 501
    json.dump(manifest, open(os.path.join(path, "manifest.json"), "w"))
    with pytest.raises(ValueError, match="expected 501"):
        open_dataset(path)
    with pytest.raises(ValueError, match="no manifest.json"):
        open_dataset(str(tmp_path / "nowhere"))


def test_uint32_dataset(tmp_path):
    path = write_dataset(str(tmp_path / "big"), np.array([70000, 1, 2, 3]), np.array([5, 6]), vocab_size=70001)
    ds = open_dataset(path, verify_checksums=True)
    assert ds.manifest["dtype"] == "uint32" and int(ds.train[0]) == 70000


def test_sampler_is_deterministic_and_resumable(tmp_path):
    ds = open_dataset(make_dataset(tmp_path))
    a = WindowSampler(ds.train, 16, 4, seed=3)
    first = [a.next_batch() for _ in range(5)]
    assert first[0].shape == (4, 16) and first[0].dtype == torch.long
    b = WindowSampler(ds.train, 16, 4, seed=3)
    b.next_batch(), b.next_batch()
    c = WindowSampler(ds.train, 16, 4, seed=3)
    c.load_state_dict(b.state_dict())
    for i in range(2, 5):
        assert torch.equal(c.next_batch(), first[i])
    assert not torch.equal(WindowSampler(ds.train, 16, 4, seed=4).next_batch(), first[0])


def test_rank_shards_concatenate_to_the_global_batch(tmp_path):
    ds = open_dataset(make_dataset(tmp_path))
    whole = WindowSampler(ds.train, 8, 6, seed=1).next_batch()
    parts = [WindowSampler(ds.train, 8, 3, seed=1, rank=r, world_size=2).next_batch() for r in range(2)]
    assert torch.equal(torch.cat(parts), whole)


def test_validation_batches_cover_consecutive_windows(tmp_path):
    ds = open_dataset(make_dataset(tmp_path, val_tokens=100))
    batches = list(validation_batches(ds.validation, 16, 4))
    assert [b.shape[0] for b in batches] == [4, 2]
    assert torch.equal(batches[0][1], torch.from_numpy(np.asarray(ds.validation[16:32], dtype=np.int64)))
    with pytest.raises(ValueError, match="fewer than seqLen"):
        list(validation_batches(ds.validation, 1000, 4))
