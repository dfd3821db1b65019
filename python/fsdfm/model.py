"""Transformers: the DiT denoiser (teacher conditioned on t; student on t and step size h)
and the causal ARM baseline/judge. One file, one dataclass config.

Shapes: B batch, L sequence, D hidden, H heads, K outputs (V + 1 with a mask source).
Under bf16 autocast the logits come out in bf16; losses and solvers cast to float32.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._compat import has_sdpa
from .solvers import gumbel_argmax

__all__ = [
    "ModelConfig",
    "PRESETS",
    "MODEL_KINDS",
    "model_config_from_spec",
    "build_model",
    "DiT",
    "ARM",
    "load_weights_by_name",
    "count_parameters",
    "count_parameters_from_config",
    "flops_per_token",
    "PaddedLinear",
]

MODEL_KINDS = ("teacher", "student", "arm")
ATTENTION_BIASES = ("none", "local")
_SINUSOID_DIM = 256


@dataclass
class ModelConfig:
    vocab_size: int  # data tokens V
    num_outputs: int  # logits per position (V + 1 with a mask source, else V); also input vocabulary
    hidden: int
    blocks: int
    heads: int
    cond_dim: int
    mlp_ratio: float = 4.0
    dropout: float = 0.1
    max_seq_len: int = 1024
    kind: str = "teacher"  # 'teacher' | 'student' | 'arm'
    # DiT only: 'local' adds a symmetric distance penalty to the attention scores (see
    # `local_attention_slopes`); 'none' is the paper's architecture.
    attention_bias: str = "none"

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"kind must be one of {MODEL_KINDS}, got {self.kind!r}")
        if self.hidden % self.heads != 0:
            raise ValueError(f"hidden ({self.hidden}) must be divisible by heads ({self.heads})")
        if (self.hidden // self.heads) % 2 != 0:
            raise ValueError(f"head size hidden/heads = {self.hidden // self.heads} must be even (rotary embedding)")
        if self.num_outputs < self.vocab_size:
            raise ValueError(f"num_outputs ({self.num_outputs}) must be >= vocab_size ({self.vocab_size})")
        for name in ("vocab_size", "hidden", "blocks", "heads", "cond_dim", "max_seq_len"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.attention_bias not in ATTENTION_BIASES:
            raise ValueError(f"attention_bias must be one of {ATTENTION_BIASES}, got {self.attention_bias!r}")

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ModelConfig":
        """Builds from `to_dict()` output; unknown keys are ignored (newer checkpoints)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


# name -> (hidden, blocks, heads, cond_dim)
PRESETS: Dict[str, Dict[str, int]] = {
    "tiny": dict(hidden=64, blocks=2, heads=2, cond_dim=32),
    "small": dict(hidden=256, blocks=4, heads=4, cond_dim=64),
    "base": dict(hidden=768, blocks=12, heads=12, cond_dim=128),
    "0.17B": dict(hidden=768, blocks=12, heads=12, cond_dim=128),
    "1.3B": dict(hidden=2048, blocks=21, heads=32, cond_dim=128),
    "1.7B": dict(hidden=2048, blocks=28, heads=32, cond_dim=128),
}

_SPEC_KEYS = {
    "preset": None, "hidden": "hidden", "blocks": "blocks", "heads": "heads", "condDim": "cond_dim", "dropout": "dropout",
    "attentionBias": "attention_bias",
}


def model_config_from_spec(
    model_spec: Optional[Mapping[str, Any]],
    *,
    vocab_size: int,
    num_outputs: int,
    kind: str,
    max_seq_len: int,
) -> ModelConfig:
    """ModelConfig from the job's ModelSpec (camelCase; preset default 'tiny', fields override)."""
    spec = dict(model_spec or {})
    unknown = set(spec) - set(_SPEC_KEYS)
    if unknown:
        raise ValueError(f"unknown model spec keys: {sorted(unknown)}")
    preset = spec.get("preset") or "tiny"
    if preset not in PRESETS:
        raise ValueError(f"unknown model preset {preset!r}; choose one of {list(PRESETS)}")
    fields: Dict[str, Any] = dict(PRESETS[preset])
    for key, field in _SPEC_KEYS.items():
        if field is not None and spec.get(key) is not None:
            fields[field] = spec[key]
    return ModelConfig(
        vocab_size=int(vocab_size), num_outputs=int(num_outputs), kind=kind, max_seq_len=int(max_seq_len), **fields
    )


# -- building blocks ---------------------------------------------------------------------------


class Rotary(nn.Module):
    """Rotary position embedding (rotate-half form); angles computed for any offset."""

    def __init__(self, head_dim: int, base: float = 10000.0) -> None:
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, length: int, offset: int = 0, device=None) -> Tuple[torch.Tensor, torch.Tensor]:
        pos = torch.arange(offset, offset + length, device=device, dtype=torch.float32)
        angles = pos[:, None] * self.inv_freq.to(device)[None, :]  # (L, D/2)
        return angles.cos(), angles.sin()


def _apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    # x (B, H, L, D); cos/sin (L, D/2)
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)


def _attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool, dropout_p: float, bias: Optional[torch.Tensor] = None
) -> torch.Tensor:
    """softmax(q k^T / sqrt(d) + bias) v; causal masks key j > query i + (Lk - Lq) (cache offset).
    `bias` (H, Lq, Lk) is added to the scores (bidirectional models only)."""
    lq, lk = q.shape[-2], k.shape[-2]
    mask = None
    is_causal = False
    if causal and lq > 1:
        if lq == lk:
            is_causal = True
        else:
            offset = lk - lq
            mask = torch.ones(lq, lk, dtype=torch.bool, device=q.device).tril(diagonal=offset)
    if bias is not None:
        if causal:
            raise ValueError("an attention bias is for bidirectional attention only")
        mask = bias.to(q.dtype)  # additive float mask
    if has_sdpa():
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p, is_causal=is_causal)
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))  # (B, H, Lq, Lk)
    if is_causal:
        mask = torch.ones(lq, lk, dtype=torch.bool, device=q.device).tril()
    if bias is not None:
        scores = scores + mask
    elif mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores.float(), dim=-1).to(q.dtype)
    if dropout_p > 0:
        weights = F.dropout(weights, p=dropout_p)
    return weights @ v


class SelfAttention(nn.Module):
    def __init__(self, cfg: ModelConfig, causal: bool) -> None:
        super().__init__()
        self.heads = cfg.heads
        self.causal = causal
        self.dropout = cfg.dropout
        self.qkv = nn.Linear(cfg.hidden, 3 * cfg.hidden, bias=False)
        self.proj = nn.Linear(cfg.hidden, cfg.hidden, bias=False)

    def forward(
        self,
        x: torch.Tensor,
        rope: Tuple[torch.Tensor, torch.Tensor],
        cache: Optional[Dict[str, torch.Tensor]] = None,
        bias: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        b, l, d = x.shape
        q, k, v = self.qkv(x).view(b, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # each (B, H, L, Dh)
        q, k = _apply_rotary(q, *rope), _apply_rotary(k, *rope)
        if cache is not None:
            if "k" in cache:
                k = torch.cat((cache["k"], k), dim=2)
                v = torch.cat((cache["v"], v), dim=2)
            cache["k"], cache["v"] = k, v
        y = _attention(q, k, v, self.causal, self.dropout if self.training else 0.0, bias)  # (B, H, L, Dh)
        return self.proj(y.transpose(1, 2).reshape(b, l, d))


class Block(nn.Module):
    """Pre-norm transformer block; with `cond_dim` its norms are adaLN-modulated and its
    branches gated by the conditioning vector (zero-init: the block starts as identity)."""

    def __init__(self, cfg: ModelConfig, conditioned: bool, causal: bool, step_conditioned: bool) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(cfg.hidden)
        self.attn = SelfAttention(cfg, causal)
        self.norm2 = nn.LayerNorm(cfg.hidden)
        inner = int(cfg.mlp_ratio * cfg.hidden)
        self.mlp = nn.Sequential(nn.Linear(cfg.hidden, inner), nn.GELU(approximate="tanh"), nn.Linear(inner, cfg.hidden))
        self.drop = nn.Dropout(cfg.dropout)
        self.adaLN_modulation = nn.Linear(cfg.cond_dim, 6 * cfg.hidden) if conditioned else None
        # student only: the step-size embedding enters each block's adaLN input (zero-init)
        self.h_fuse = nn.Linear(cfg.cond_dim, cfg.cond_dim) if step_conditioned else None

    def forward(
        self,
        x: torch.Tensor,  # (B, L, D)
        rope: Tuple[torch.Tensor, torch.Tensor],
        cond: Optional[torch.Tensor] = None,  # (B, C)
        h_cond: Optional[torch.Tensor] = None,  # (B, C)
        cache: Optional[Dict[str, torch.Tensor]] = None,
        bias: Optional[torch.Tensor] = None,  # (H, L, L) attention bias
    ) -> torch.Tensor:
        if self.adaLN_modulation is None:
            x = x + self.drop(self.attn(self.norm1(x), rope, cache))
            return x + self.drop(self.mlp(self.norm2(x)))
        if self.h_fuse is not None:
            cond = cond + self.h_fuse(h_cond)
        shift1, scale1, gate1, shift2, scale2, gate2 = self.adaLN_modulation(cond)[:, None, :].chunk(6, dim=-1)
        x = x + gate1 * self.drop(self.attn(self.norm1(x) * (1 + scale1) + shift1, rope, cache, bias))
        return x + gate2 * self.drop(self.mlp(self.norm2(x) * (1 + scale2) + shift2))


class TimeEmbedder(nn.Module):
    """Scalar in [0, 1] -> sinusoidal features -> MLP -> (B, C)."""

    def __init__(self, cond_dim: int, frequency_dim: int = _SINUSOID_DIM) -> None:
        super().__init__()
        self.frequency_dim = frequency_dim
        self.mlp = nn.Sequential(nn.Linear(frequency_dim, cond_dim), nn.SiLU(), nn.Linear(cond_dim, cond_dim))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        half = self.frequency_dim // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
        args = (t.float() * 1000.0)[:, None] * freqs[None, :]
        features = torch.cat((args.cos(), args.sin()), dim=-1)
        return self.mlp(features.to(self.mlp[0].weight.dtype))


def local_attention_slopes(heads: int) -> torch.Tensor:
    """Per-head slopes m of the 'local' attention bias -m |i - j|: geometric from 1 down to
    2^-(8 (H-1) / H) (1, 1/4, 1/16, 1/64 with 4 heads), so one head starts out attending to
    its nearest neighbours and the last is almost uniform.

    Why: a bidirectional DiT starts with near-uniform attention, so a position's neighbours
    hold about 1/L of it and the model sits on a unigram plateau for a time that grows with L
    before it discovers local structure (docs/results.md, issue 3). Biasing the scores by
    distance from the start removes most of that plateau; rotary embeddings still carry the
    relative positions. Off by default: the paper's model has no such bias.
    """
    return torch.pow(2.0, -8.0 * torch.arange(heads, dtype=torch.float32) / heads)


def _batch_vector(value: Any, batch: int, device: torch.device, name: str) -> torch.Tensor:
    value = torch.as_tensor(value, dtype=torch.float32, device=device)
    if value.dim() == 0 or value.numel() == 1:
        value = value.reshape(()).expand(batch)
    if value.shape != (batch,):
        raise ValueError(f"{name} must be ({batch},), got {tuple(value.shape)}")
    return value.float()


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)


OUTPUT_PAD_MULTIPLE = 64


class PaddedLinear(nn.Linear):
    """The output layer, its weight padded to a multiple of 64 rows (50,258 -> 50,304).

    Why: a GEMM whose N is not a multiple of 8 (16 bytes of bf16) misses the fast tensor-core
    kernels, and 64 also fits their tiles. The padding rows are sliced off every output (the
    logits have `logical_out` columns), so nothing can sample or train them, and state dicts
    hold only the logical rows: checkpoints written before the padding load (the rows are
    padded with zeros on load) and new ones load into unpadded code.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, multiple: int = OUTPUT_PAD_MULTIPLE) -> None:
        super().__init__(in_features, -(-out_features // multiple) * multiple, bias=bias)
        self.logical_out = out_features

    @property
    def padding_rows(self) -> int:
        return self.out_features - self.logical_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.linear(x, self.weight, self.bias)
        return y[..., : self.logical_out] if self.padding_rows else y

    def _save_to_state_dict(self, destination, prefix, keep_vars):  # type: ignore[override]
        super()._save_to_state_dict(destination, prefix, keep_vars)
        for name in ("weight", "bias"):
            if destination.get(prefix + name) is not None and self.padding_rows:
                destination[prefix + name] = destination[prefix + name][: self.logical_out]  # a view: loads write through

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):  # type: ignore[override]
        for name in ("weight", "bias"):
            value = state_dict.get(prefix + name)
            if value is not None and self.padding_rows and value.shape[0] == self.logical_out:
                pad = value.new_zeros((self.padding_rows,) + tuple(value.shape[1:]))
                state_dict[prefix + name] = torch.cat((value, pad))  # load_state_dict passes a copy of the dict
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


class DiT(nn.Module):
    """Bidirectional denoiser: forward(x_t (B, L), t (B,), h (B,) | None) -> logits (B, L, K).

    teacher: conditioning c = SiLU(t_embedder(t)); h is ignored.
    student: c = SiLU(cond_fuse([t_embedder(t), h_embedder(h)])) and each block adds
    h_fuse(h_embedder(h)) to its adaLN input. cond_fuse starts as [I | 0] and h_fuse as 0, so
    a student loaded from a teacher computes the teacher's function for every h at first.
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        if cfg.kind not in ("teacher", "student"):
            raise ValueError(f"DiT is for teacher/student, got kind {cfg.kind!r}")
        self.config = cfg
        self.student = cfg.kind == "student"
        self.embed = nn.Embedding(cfg.num_outputs, cfg.hidden)
        self.rotary = Rotary(cfg.head_dim)
        if cfg.attention_bias == "local":  # not persistent: checkpoints stay the same either way
            self.register_buffer("bias_slopes", local_attention_slopes(cfg.heads), persistent=False)
        else:
            self.bias_slopes = None
        self.t_embedder = TimeEmbedder(cfg.cond_dim)
        if self.student:
            self.h_embedder = TimeEmbedder(cfg.cond_dim)
            self.cond_fuse = nn.Linear(2 * cfg.cond_dim, cfg.cond_dim)
        self.blocks = nn.ModuleList(
            Block(cfg, conditioned=True, causal=False, step_conditioned=self.student) for _ in range(cfg.blocks)
        )
        self.norm_final = nn.LayerNorm(cfg.hidden)
        self.final_adaLN = nn.Linear(cfg.cond_dim, 2 * cfg.hidden)
        self.output = PaddedLinear(cfg.hidden, cfg.num_outputs)
        self.apply(_init_weights)
        zero = [self.final_adaLN, self.output] + [blk.adaLN_modulation for blk in self.blocks]
        if self.student:
            zero += [blk.h_fuse for blk in self.blocks]
            with torch.no_grad():
                self.cond_fuse.weight.zero_()
                self.cond_fuse.weight[:, : cfg.cond_dim].copy_(torch.eye(cfg.cond_dim))
                self.cond_fuse.bias.zero_()
        for layer in zero:
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x_t: torch.Tensor, t: Any, h: Any = None) -> torch.Tensor:
        return self.output(self.forward_hidden(x_t, t, h))  # (B, L, K)

    def forward_hidden(self, x_t: torch.Tensor, t: Any, h: Any = None) -> torch.Tensor:
        """Everything but the output layer: (B, L, D), the input of `self.output`. The
        sampler runs the output layer only on the positions that jump (sampling.py)."""
        if x_t.dim() != 2:
            raise ValueError(f"x_t must be (B, L), got shape {tuple(x_t.shape)}")
        b, l = x_t.shape
        if l > self.config.max_seq_len:
            raise ValueError(f"sequence length {l} exceeds max_seq_len {self.config.max_seq_len}")
        t = _batch_vector(t, b, x_t.device, "t")
        t_emb = self.t_embedder(t)  # (B, C)
        h_emb = None
        if self.student:
            if h is None:
                raise ValueError("the student model needs the step size h (B,)")
            h_emb = self.h_embedder(_batch_vector(h, b, x_t.device, "h"))
            cond = F.silu(self.cond_fuse(torch.cat((t_emb, h_emb), dim=-1)))
        else:
            cond = F.silu(t_emb)
        x = self.embed(x_t)  # (B, L, D)
        rope = self.rotary(l, device=x_t.device)
        bias = None
        if self.bias_slopes is not None:
            pos = torch.arange(l, device=x_t.device, dtype=torch.float32)
            bias = -self.bias_slopes[:, None, None] * (pos[:, None] - pos[None, :]).abs()  # (H, L, L)
        for blk in self.blocks:
            x = blk(x, rope, cond, h_emb, bias=bias)
        shift, scale = self.final_adaLN(cond)[:, None, :].chunk(2, dim=-1)
        return self.norm_final(x) * (1 + scale) + shift  # (B, L, D)


class ARM(nn.Module):
    """Causal autoregressive LM (baseline and judge): forward(x (B, L)) -> logits (B, L, V),
    logits[:, i] predicting x[:, i + 1]."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        if cfg.kind != "arm":
            raise ValueError(f"ARM needs kind 'arm', got {cfg.kind!r}")
        self.config = cfg
        self.embed = nn.Embedding(cfg.num_outputs, cfg.hidden)
        self.rotary = Rotary(cfg.head_dim)
        self.blocks = nn.ModuleList(
            Block(cfg, conditioned=False, causal=True, step_conditioned=False) for _ in range(cfg.blocks)
        )
        self.norm_final = nn.LayerNorm(cfg.hidden)
        self.output = PaddedLinear(cfg.hidden, cfg.num_outputs, bias=False)
        self.apply(_init_weights)

    def forward(self, x: torch.Tensor, caches: Optional[List[Dict[str, torch.Tensor]]] = None, offset: int = 0) -> torch.Tensor:
        if x.dim() != 2:
            raise ValueError(f"x must be (B, L), got shape {tuple(x.shape)}")
        if offset + x.shape[1] > self.config.max_seq_len:
            raise ValueError(f"sequence length {offset + x.shape[1]} exceeds max_seq_len {self.config.max_seq_len}")
        hidden = self.embed(x)
        rope = self.rotary(x.shape[1], offset=offset, device=x.device)
        for i, blk in enumerate(self.blocks):
            hidden = blk(hidden, rope, cache=None if caches is None else caches[i])
        return self.output(self.norm_final(hidden))

    def token_log_probs(self, x: torch.Tensor) -> torch.Tensor:
        """log p(x[:, i] | x[:, :i]) for i = 1..L-1: (B, L - 1) float32 (the first token is context)."""
        logits = self.forward(x[:, :-1]).float()
        return torch.log_softmax(logits, dim=-1).gather(-1, x[:, 1:].unsqueeze(-1)).squeeze(-1)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """Sum of next-token log-probs of x[:, 1:] given the prefix: (B,). Perplexity of a sample
        is exp(-log_prob / (L - 1))."""
        return self.token_log_probs(x).sum(dim=-1)

    @torch.no_grad()
    def generate(
        self,
        prefix: torch.Tensor,
        length: int,
        temperature: float = 1.0,
        generator: Optional[torch.Generator] = None,
        use_cache: bool = True,
    ) -> torch.Tensor:
        """`length` new tokens after `prefix` (B, P >= 1), drawn by Gumbel-max: (B, length).
        Cached and uncached decoding consume the generator identically."""
        if prefix.dim() != 2 or prefix.shape[1] < 1:
            raise ValueError(f"prefix must be (B, P) with P >= 1, got shape {tuple(prefix.shape)}")
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        if length < 0:
            raise ValueError(f"length must be >= 0, got {length}")
        was_training = self.training
        self.eval()
        try:
            tokens = prefix
            out: List[torch.Tensor] = []
            caches = [dict() for _ in self.blocks] if use_cache else None
            step_input, offset = prefix, 0
            for _ in range(length):
                if use_cache:
                    logits = self.forward(step_input, caches, offset)[:, -1]
                    offset += step_input.shape[1]
                else:
                    logits = self.forward(tokens)[:, -1]
                scores = logits.float() / temperature  # (B, V)
                nxt = gumbel_argmax(scores, generator)[:, None]  # (B, 1)
                out.append(nxt)
                tokens = torch.cat((tokens, nxt), dim=1)
                step_input = nxt
            return torch.cat(out, dim=1) if out else prefix.new_zeros(prefix.shape[0], 0)
        finally:
            self.train(was_training)


def build_model(cfg: ModelConfig) -> nn.Module:
    return ARM(cfg) if cfg.kind == "arm" else DiT(cfg)


# -- checkpoints and accounting ----------------------------------------------------------------

_WRAPPER_PREFIXES = ("module.", "_orig_mod.")


def _strip_wrappers(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _WRAPPER_PREFIXES:
            if name.startswith(prefix):
                name, changed = name[len(prefix):], True
    return name


def load_weights_by_name(model: nn.Module, state_dict: Mapping[str, torch.Tensor]) -> Dict[str, List[str]]:
    """Non-strict load by parameter name, skipping shape mismatches (reported as 'mismatched',
    also listed in 'missing'). DDP ('module.') and torch.compile ('_orig_mod.') prefixes on
    either side are ignored. Returns dict(loaded, missing, unexpected, mismatched)."""
    own = {_strip_wrappers(k): (k, v) for k, v in model.state_dict().items()}
    incoming = {_strip_wrappers(k): v for k, v in state_dict.items()}
    loaded, mismatched = [], []
    with torch.no_grad():
        for name, (own_key, target) in own.items():
            if name not in incoming:
                continue
            source = incoming[name]
            if tuple(source.shape) != tuple(target.shape):
                mismatched.append(name)
                continue
            target.copy_(source.to(dtype=target.dtype, device=target.device))
            loaded.append(name)
    missing = [n for n in own if n not in loaded]
    unexpected = [n for n in incoming if n not in own]
    return dict(loaded=loaded, missing=missing, unexpected=unexpected, mismatched=mismatched)


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Parameters of the model as configured: the output layer's padding rows do not count."""
    total = sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
    for m in model.modules():
        if isinstance(m, PaddedLinear) and m.padding_rows and (m.weight.requires_grad or not trainable_only):
            total -= m.padding_rows * (m.in_features + (1 if m.bias is not None else 0))
    return total


def _linear(n_in: int, n_out: int, bias: bool = True) -> int:
    return n_in * n_out + (n_out if bias else 0)


def count_parameters_from_config(cfg: ModelConfig) -> int:
    """Exact parameter count of build_model(cfg) without allocating it."""
    d, c = cfg.hidden, cfg.cond_dim
    inner = int(cfg.mlp_ratio * d)
    block = 2 * (2 * d) + _linear(d, 3 * d, False) + _linear(d, d, False) + _linear(d, inner) + _linear(inner, d)
    total = cfg.num_outputs * d + 2 * d  # embedding, final norm
    if cfg.kind == "arm":
        return total + cfg.blocks * block + _linear(d, cfg.num_outputs, False)
    block += _linear(c, 6 * d)
    if cfg.kind == "student":
        block += _linear(c, c)
    embedder = _linear(_SINUSOID_DIM, c) + _linear(c, c)
    total += embedder + _linear(c, 2 * d) + _linear(d, cfg.num_outputs)
    if cfg.kind == "student":
        total += embedder + _linear(2 * c, c)
    return total + cfg.blocks * block


def flops_per_token(cfg: ModelConfig, seq_len: int) -> float:
    """Forward FLOPs per token: 2 per matmul weight (embedding lookups are free) plus attention
    scores and mixing, 4 * seq_len * hidden per block (bidirectional; the ARM's causal mask
    halves the useful part but kernels mostly pay it)."""
    d = cfg.hidden
    inner = int(cfg.mlp_ratio * d)
    matmul = cfg.blocks * (4 * d * d + 2 * d * inner) + d * cfg.num_outputs
    return float(2 * matmul + 4 * cfg.blocks * seq_len * d)
