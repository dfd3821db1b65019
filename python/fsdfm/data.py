"""Token datasets written by the TypeScript dataset job (docs/contracts.md section 1).

`open_dataset(dir)` memory-maps `train.bin` / `validation.bin`. `WindowSampler` draws
batches of random fixed-length windows; batch `i` depends only on `(seed, i)`, so the
"data position" saved in a checkpoint is the batch index and resuming replays exactly.
For data parallel, every rank draws the same global batch and keeps its own slice, so N
ranks together see exactly what one process with an N-times larger batch would see.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional

import numpy as np
import torch

__all__ = ["TokenDataset", "open_dataset", "WindowSampler", "validation_batches", "write_dataset"]

_DTYPES = {"uint16": np.uint16, "uint32": np.uint32, "int32": np.int32, "int64": np.int64}


@dataclass
class TokenDataset:
    path: str
    manifest: Dict[str, Any]
    vocab_size: int
    eos_id: Optional[int]
    train: np.ndarray  # (N_train,) memmap
    validation: np.ndarray  # (N_val,) memmap, may be empty

    def split(self, name: str) -> np.ndarray:
        if name not in ("train", "validation"):
            raise ValueError(f"unknown split {name!r}; expected train or validation")
        return self.train if name == "train" else self.validation


def _sha256(file: str) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_dataset(path: str, *, verify_checksums: bool = False) -> TokenDataset:
    """Open a dataset directory; ValueError when the manifest and the files disagree."""
    manifest_file = os.path.join(path, "manifest.json")
    if not os.path.isfile(manifest_file):
        raise ValueError(f"not a dataset directory (no manifest.json): {path}")
    with open(manifest_file, "r", encoding="utf-8") as fh:
        manifest = json.load(fh)
    if manifest.get("format") != 1:
        raise ValueError(f"unsupported dataset format {manifest.get('format')!r} in {manifest_file}")
    dtype_name = manifest.get("dtype")
    if dtype_name not in _DTYPES:
        raise ValueError(f"unsupported dtype {dtype_name!r} in {manifest_file}; expected one of {', '.join(_DTYPES)}")
    dtype = np.dtype(_DTYPES[dtype_name]).newbyteorder("<")
    vocab_size = int(manifest["vocabSize"])
    arrays = {}
    for split in ("train", "validation"):
        info = manifest.get("splits", {}).get(split)
        if info is None:
            if split == "train":
                raise ValueError(f"{manifest_file} has no train split")
            arrays[split] = np.zeros(0, dtype=dtype)
            continue
        file = os.path.join(path, info["file"])
        tokens = int(info["tokens"])
        size = os.path.getsize(file) if os.path.exists(file) else -1
        if size != tokens * dtype.itemsize:
            raise ValueError(
                f"{file}: expected {tokens} {dtype_name} tokens ({tokens * dtype.itemsize} bytes), found {size} bytes"
            )
        if verify_checksums and info.get("sha256") and _sha256(file) != info["sha256"]:
            raise ValueError(f"{file}: sha256 does not match the manifest")
        arrays[split] = np.memmap(file, dtype=dtype, mode="r", shape=(tokens,)) if tokens else np.zeros(0, dtype=dtype)
    return TokenDataset(
        path=os.path.abspath(path),
        manifest=manifest,
        vocab_size=vocab_size,
        eos_id=manifest.get("eosId"),
        train=arrays["train"],
        validation=arrays["validation"],
    )


class WindowSampler:
    """Deterministic batches of random windows of `seq_len` tokens from a flat token array.

    `batch_size` is the per-rank batch; the global batch is `batch_size * world_size`.
    """

    def __init__(self, tokens: np.ndarray, seq_len: int, batch_size: int, seed: int = 0, *, rank: int = 0, world_size: int = 1):
        if len(tokens) < seq_len:
            raise ValueError(f"split has {len(tokens)} tokens, fewer than seqLen={seq_len}")
        if not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} outside world of size {world_size}")
        self.tokens = tokens
        self.seq_len = seq_len
        self.batch_size = batch_size
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self.position = 0  # batches drawn so far

    def batch_at(self, index: int) -> torch.Tensor:
        rng = np.random.default_rng([self.seed, index])
        starts = rng.integers(0, len(self.tokens) - self.seq_len + 1, size=self.batch_size * self.world_size)
        mine = starts[self.rank * self.batch_size : (self.rank + 1) * self.batch_size]
        rows = np.stack([np.asarray(self.tokens[s : s + self.seq_len], dtype=np.int64) for s in mine])
        return torch.from_numpy(rows)  # (B, L)

    def next_batch(self) -> torch.Tensor:
        batch = self.batch_at(self.position)
        self.position += 1
        return batch

    def __iter__(self) -> Iterator[torch.Tensor]:
        while True:
            yield self.next_batch()

    def state_dict(self) -> Dict[str, int]:
        return {"position": self.position, "seed": self.seed, "seqLen": self.seq_len, "batchSize": self.batch_size, "worldSize": self.world_size}

    def load_state_dict(self, state: Dict[str, int]) -> None:
        if state.get("seed", self.seed) != self.seed:
            raise ValueError(f"data position was saved with seed {state.get('seed')}, this run uses seed {self.seed}")
        self.position = int(state["position"])


def validation_batches(tokens: np.ndarray, seq_len: int, batch_size: int, max_batches: Optional[int] = None) -> Iterator[torch.Tensor]:
    """Consecutive non-overlapping windows of held-out tokens, in order (deterministic)."""
    n_windows = len(tokens) // seq_len
    if n_windows == 0:
        raise ValueError(f"validation split has {len(tokens)} tokens, fewer than seqLen={seq_len}")
    emitted = 0
    for start in range(0, n_windows, batch_size):
        if max_batches is not None and emitted >= max_batches:
            return
        count = min(batch_size, n_windows - start)
        flat = np.asarray(tokens[start * seq_len : (start + count) * seq_len], dtype=np.int64)
        yield torch.from_numpy(flat.reshape(count, seq_len))
        emitted += 1


def write_dataset(path: str, train: np.ndarray, validation: np.ndarray, vocab_size: int, eos_id: Optional[int] = None, source: Optional[dict] = None) -> str:
    """Write a dataset directory in the contract format (used by tests and scripts)."""
    os.makedirs(path, exist_ok=True)
    dtype_name = "uint16" if vocab_size <= 65535 else "uint32"
    splits = {}
    for name, arr in (("train", train), ("validation", validation)):
        arr = np.asarray(arr).astype(np.dtype(dtype_name).newbyteorder("<"))
        if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
            raise ValueError(f"{name} tokens outside [0, {vocab_size})")
        file = os.path.join(path, f"{name}.bin")
        arr.tofile(file)
        splits[name] = {"file": f"{name}.bin", "tokens": int(arr.size), "documents": 1, "sha256": _sha256(file)}
    manifest = {
        "format": 1,
        "tokenizer": "test",
        "vocabSize": int(vocab_size),
        "dtype": dtype_name,
        "eosId": eos_id,
        "compact": None,
        "splits": splits,
        "source": source or {"kind": "test"},
        "createdAt": "1970-01-01T00:00:00Z",
    }
    with open(os.path.join(path, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
    return path
