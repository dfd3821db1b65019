"""Masked cross-entropy at t = 0.9 on fixed validation windows, every 100 optimiser steps, of
a DiT teacher pre-trained with or without the local attention bias (docs/method-notes.md).

    cd python && /usr/bin/python3 scripts/issue12_plateau.py DATASET_DIR {none|local} SEQ_LEN BATCH STEPS LR [HEADS]
    # issue 12: DATASET_DIR local 128 16 500 2e-3   and   DATASET_DIR none 128 16 500 2e-3
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch
from fsdfm.config import OptimConfig
from fsdfm.data import open_dataset, WindowSampler, validation_batches
from fsdfm.model import build_model, model_config_from_spec
from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.train import teacher_objective, make_optimizer, lr_multiplier

torch.set_num_threads(2)
ds_dir, bias, L, B, steps, lr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
heads = int(sys.argv[7]) if len(sys.argv) > 7 else 4
ds = open_dataset(ds_dir)
path = MixturePath(PolynomialScheduler(1.0), "mask", ds.vocab_size)
spec = {"hidden": 64, "blocks": 2, "heads": heads, "condDim": 64, "dropout": 0.0, "attentionBias": bias}
cfg = model_config_from_spec(spec, vocab_size=ds.vocab_size, num_outputs=path.num_outputs, kind="teacher", max_seq_len=L)
torch.manual_seed(0)
model = build_model(cfg)
optim = OptimConfig(lr=lr, warmup_steps=50, min_lr_ratio=1.0, batch_size=B, seq_len=L, steps=steps)
opt = make_optimizer(model, optim, torch.device("cpu"))
sampler = WindowSampler(ds.train, L, B, 0)
obj = teacher_objective(path)
val = torch.cat(list(validation_batches(ds.validation, L, 64, max_batches=1)))
g = torch.Generator().manual_seed(0)

@torch.no_grad()
def masked_ce(t=0.9):
    model.eval()
    tt = torch.full((val.size(0),), t)
    xt = path.sample_xt(val, tt, torch.Generator().manual_seed(1))
    logp = torch.log_softmax(model(xt, tt).float(), -1)
    nll = -logp.gather(-1, val.unsqueeze(-1)).squeeze(-1)
    model.train()
    return float(nll[xt == path.mask_id].mean())

t0 = time.time()
out = []
for step in range(1, steps + 1):
    for gr in opt.param_groups:
        gr["lr"] = lr * lr_multiplier(step, optim)
    x1 = sampler.next_batch() if hasattr(sampler, "next_batch") else next(sampler)
    loss = obj(model, x1, g)
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    if step % 100 == 0:
        out.append((step, round(masked_ce(), 3), round(time.time() - t0)))
        print(bias, L, out[-1], flush=True)
