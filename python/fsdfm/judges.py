"""Judges score generated token sequences with a causal language model.

- `NGramJudge`: an order-n model fitted on the dataset's training split (interpolated
  Kneser-Ney, or add-k); always available, CPU-cheap.
- `ArmJudge`: one of our autoregressive checkpoints.
- `HFJudge`: a local Hugging Face causal-LM directory (transformers imported lazily);
  dataset ids are mapped back to GPT-2 ids through the manifest's compact map.

Every judge returns the per-sample perplexity exp(mean NLL of tokens 2..L).
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

__all__ = ["Judge", "NGramJudge", "ArmJudge", "HFJudge", "build_judges", "unigram_entropy", "transformers_available"]


class Judge:
    name: str = "judge"

    def perplexities(self, tokens: torch.Tensor) -> List[float]:  # (B, L) -> B values
        raise NotImplementedError


def unigram_entropy(tokens: torch.Tensor) -> List[float]:
    """Per-sample entropy (nats) of the token histogram; low = repetitive text."""
    out = []
    for row in tokens.cpu().numpy():
        _, counts = np.unique(row, return_counts=True)
        p = counts / counts.sum()
        out.append(float(-(p * np.log(p)).sum()))
    return out


def _ngram_keys(tokens: np.ndarray, m: int, base: int) -> np.ndarray:
    """int64 key of every m-gram of `tokens` (base-`base` digits, first token most significant)."""
    n = len(tokens) - m + 1
    keys = np.zeros(max(n, 0), dtype=np.int64)
    for j in range(m):
        keys = keys * base + tokens[j : j + n]
    return keys


class NGramJudge(Judge):
    """Order-n token model with interpolated Kneser-Ney (default) or add-k smoothing."""

    def __init__(self, order: int = 3, vocab_size: int = 50257, smoothing: str = "kn", discount: float = 0.75, add_k: float = 0.1):
        if not 1 <= order <= 5:
            raise ValueError(f"n-gram order must be in [1, 5], got {order}")
        if smoothing not in ("kn", "addk"):
            raise ValueError(f"smoothing must be kn or addk, got {smoothing!r}")
        self.order, self.vocab_size, self.smoothing = order, int(vocab_size), smoothing
        self.discount, self.add_k = discount, add_k
        self.base = self.vocab_size + 1  # one spare id for anything out of range (a mask token)
        if self.base ** order >= 2 ** 62:
            raise ValueError(f"n-gram order {order} too large for vocabulary {vocab_size}")
        self.name = f"ngram{order}"
        self._counts: List[Dict[int, int]] = []  # per level m (index m-1): m-gram key -> count
        self._ctx_total: List[Dict[int, int]] = []  # context key -> summed count
        self._ctx_types: List[Dict[int, int]] = []  # context key -> distinct followers

    def fit(self, tokens: np.ndarray) -> "NGramJudge":
        tokens = np.minimum(np.asarray(tokens, dtype=np.int64), self.vocab_size)
        if len(tokens) < self.order:
            raise ValueError(f"need at least {self.order} tokens to fit an order-{self.order} judge")
        self._counts, self._ctx_total, self._ctx_types = [], [], []
        for m in range(1, self.order + 1):
            if m == self.order or self.smoothing == "addk":
                keys, counts = np.unique(_ngram_keys(tokens, m, self.base), return_counts=True)
            else:  # continuation counts: distinct left neighbours of each m-gram
                longer = np.unique(_ngram_keys(tokens, m + 1, self.base))
                keys, counts = np.unique(longer % (self.base ** m), return_counts=True)
            ctx = keys // self.base
            ctx_keys, first = np.unique(ctx, return_index=True)
            totals = np.add.reduceat(counts, first)
            types = np.diff(np.append(first, len(ctx)))
            self._counts.append(dict(zip(keys.tolist(), counts.tolist())))
            self._ctx_total.append(dict(zip(ctx_keys.tolist(), totals.tolist())))
            self._ctx_types.append(dict(zip(ctx_keys.tolist(), types.tolist())))
        return self

    def _prob(self, context: Sequence[int], token: int) -> float:
        m = len(context) + 1
        ctx_key = 0
        for c in context:
            ctx_key = ctx_key * self.base + c
        key = ctx_key * self.base + token
        count = self._counts[m - 1].get(key, 0)
        total = self._ctx_total[m - 1].get(ctx_key, 0)
        if self.smoothing == "addk":
            return (count + self.add_k) / (total + self.add_k * self.vocab_size)
        lower = self._prob(context[1:], token) if m > 1 else 1.0 / self.vocab_size
        if total == 0:
            return lower
        d = self.discount
        return max(count - d, 0.0) / total + d * self._ctx_types[m - 1][ctx_key] / total * lower

    def sequence_nll(self, row: Sequence[int]) -> float:
        """Mean NLL (nats) of tokens 1..L-1 given up to order-1 previous tokens."""
        row = [min(int(x), self.vocab_size) for x in row]
        if len(row) < 2:
            raise ValueError("need sequences of at least 2 tokens to score")
        if not self._counts:
            raise RuntimeError("NGramJudge.fit must be called before scoring")
        total = 0.0
        for i in range(1, len(row)):
            context = row[max(0, i - self.order + 1) : i]  # shorter at the start: lower order
            total -= math.log(max(self._prob(context, row[i]), 1e-300))
        return total / (len(row) - 1)

    def perplexities(self, tokens: torch.Tensor) -> List[float]:
        return [math.exp(self.sequence_nll(r)) for r in tokens.cpu().tolist()]


class ArmJudge(Judge):
    """Score with one of our autoregressive checkpoints."""

    def __init__(self, model: torch.nn.Module, device: Any = "cpu", name: str = "arm"):
        self.model, self.device, self.name = model, torch.device(device), name

    @torch.no_grad()
    def perplexities(self, tokens: torch.Tensor) -> List[float]:
        x = tokens.to(self.device).long()
        logits = self.model(x[:, :-1]).float()  # (B, L-1, V)
        V = logits.size(-1)
        x_next = x[:, 1:].clamp_max(V - 1)
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, V), x_next.reshape(-1), reduction="none").view(x_next.shape)
        return torch.exp(nll.mean(dim=1)).cpu().tolist()


def transformers_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("transformers") is not None
    except (ImportError, ValueError):
        return False


class HFJudge(Judge):
    """A local Hugging Face causal LM (GPT-2 family). Dataset ids go through the compact map."""

    def __init__(self, path: str, manifest: Dict[str, Any], device: Any = "cpu"):
        import transformers  # lazy: optional dependency

        if manifest.get("tokenizer") not in ("gpt2", None):
            raise ValueError(f"an hf judge needs GPT-2 token ids; this dataset uses {manifest.get('tokenizer')!r}")
        self.device = torch.device(device)
        self.model = transformers.AutoModelForCausalLM.from_pretrained(path, local_files_only=True).to(self.device).eval()
        compact = manifest.get("compact")
        self.id_map: Optional[torch.Tensor] = None
        if compact:
            ids = torch.tensor(compact["gpt2Ids"], dtype=torch.long)
            eos = 50256
            self.id_map = torch.where(ids < 0, torch.full_like(ids, eos), ids)  # unknown -> <|endoftext|>
        self.name = "hf:" + path.rstrip("/").split("/")[-1]

    @torch.no_grad()
    def perplexities(self, tokens: torch.Tensor) -> List[float]:
        x = tokens.long().cpu()
        if self.id_map is not None:
            x = self.id_map[x.clamp_max(len(self.id_map) - 1)]
        x = x.to(self.device)
        logits = self.model(x).logits[:, :-1].float()
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1), reduction="none").view(x.size(0), -1)
        return torch.exp(nll.mean(dim=1)).cpu().tolist()


def build_judges(judge_cfgs, dataset, device: Any = "cpu", load_model=None, log=lambda line: None) -> List[Judge]:
    """Judges from `config.JudgeConfig`s; an unavailable hf judge is skipped with a log line.

    `load_model(path) -> (model, path_obj, meta)` loads an ARM judge checkpoint.
    """
    judges: List[Judge] = []
    for jc in judge_cfgs:
        if jc.kind == "ngram":
            judges.append(NGramJudge(jc.order, dataset.vocab_size, jc.smoothing).fit(dataset.train))
        elif jc.kind == "arm":
            if not jc.checkpoint:
                raise ValueError("an arm judge needs a checkpoint (judges[].checkpoint or inputs.judgeCheckpoint)")
            model, _, meta = load_model(jc.checkpoint)
            if meta.get("kind") != "arm":
                raise ValueError(f"arm judge checkpoint has kind {meta.get('kind')!r}: {jc.checkpoint}")
            judges.append(ArmJudge(model, device))
        elif jc.kind == "hf":
            if not transformers_available():
                log(f"skipping hf judge {jc.path}: transformers is not installed")
                continue
            judges.append(HFJudge(jc.path, dataset.manifest, device))
    names = [j.name for j in judges]
    if len(set(names)) != len(names):
        raise ValueError(f"judge names must be unique, got {names}")
    return judges
