"""Shared helpers for the training/runtime tests: tiny datasets and configs."""
from __future__ import annotations

import os

import numpy as np

from fsdfm.data import write_dataset

TINY_MODEL = {"hidden": 32, "blocks": 1, "heads": 2, "condDim": 16, "dropout": 0.0}


def markov_tokens(n: int, vocab: int, seed: int = 0) -> np.ndarray:
    """A sparse first-order Markov chain: easy structure a tiny model and an n-gram can learn."""
    rng = np.random.default_rng(seed)
    nxt = rng.integers(0, vocab, size=(vocab, 3))
    out = np.empty(n, dtype=np.int64)
    out[0] = 0
    choices = rng.integers(0, 3, size=n)
    for i in range(1, n):
        out[i] = nxt[out[i - 1], choices[i]]
    return out


def make_dataset(root, vocab: int = 24, train_tokens: int = 4000, val_tokens: int = 600, seed: int = 0) -> str:
    path = os.path.join(str(root), "dataset")
    tokens = markov_tokens(train_tokens + val_tokens, vocab, seed)
    return write_dataset(path, tokens[:train_tokens], tokens[train_tokens:], vocab_size=vocab, eos_id=vocab - 1)


def pretrain_config(**overrides):
    cfg = {
        "modelType": "teacher",
        "model": dict(TINY_MODEL),
        "source": "mask",
        "loss": "cross_entropy",
        "lr": 3e-3,
        "warmupSteps": 2,
        "batchSize": 4,
        "seqLen": 16,
        "steps": 6,
        "checkpointEvery": 100,
        "logEvery": 1,
        "seed": 0,
        "emaDecay": 0.9,
    }
    cfg.update(overrides)
    return cfg
