"""Measured effects for docs/method-notes.md 4, 7 and 8, on the reproduction's checkpoints:
p(mask) at masked positions, and genPpl / entropy / masked fraction after the first step /
re-jumps per sequence of the teacher (and student) under our step rules and under the public
reference code's rules, written here from their description (comparison only; not solvers).

    cd python && /usr/bin/python3 scripts/issue12_sampler_rules.py DATASET_DIR TEACHER_CKPT STUDENT_CKPT [SAMPLES]
Prints JSON lines.
"""
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np
import torch
from fsdfm.checkpoint import load_model_from_checkpoint
from fsdfm.data import open_dataset, validation_batches
from fsdfm.judges import NGramJudge, unigram_entropy
from fsdfm.solvers import cumulative_scalar_step, mixture_euler_step, make_time_grid, FINAL_TOLERANCE
from fsdfm.evaluate import paired_comparison

torch.set_num_threads(2)
ds_dir, teacher_ckpt, student_ckpt = sys.argv[1:4]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 64
ds = open_dataset(ds_dir)
judge = NGramJudge(3, ds.vocab_size).fit(ds.train)
L = 128  # the CPU preset's sequence length


def out(**kw):
    print(json.dumps(kw), flush=True)


@torch.no_grad()
def p_mask_at_masked(model, path, student):
    val = torch.cat(list(validation_batches(ds.validation, L, 64, max_batches=1)))
    g = torch.Generator().manual_seed(3)
    res = {}
    for t in (0.1, 0.5, 0.9, 0.99):
        tt = torch.full((val.size(0),), t)
        xt = path.sample_xt(val, tt, g)
        logits = model(xt, tt, torch.full_like(tt, 1 / 16)) if student else model(xt, tt)
        p = torch.softmax(logits.double(), -1)[..., path.mask_id]
        res[str(t)] = float(p[xt == path.mask_id].mean())
    return res


def reference_cumulative_step(x, logits, t, h, path, g, rejump=True, mask_in_p=True):
    """The reference code's cumulative-scalar step, written from its description: rates
    alpha (p - delta_z) over all outputs (mask included when mask_in_p), every position may
    leave (unmasked ones too when rejump); the final step writes only masked positions."""
    logits = logits.double()
    final = t + h >= 1 - FINAL_TOLERANCE
    p_all = torch.softmax(logits, -1)
    no_mask = logits.clone(); no_mask[..., path.mask_id] = -math.inf
    p_data = torch.softmax(no_mask, -1)
    if final:
        draw = torch.multinomial(p_data.reshape(-1, p_data.shape[-1]), 1, generator=g).reshape(x.shape)
        return torch.where(x == path.mask_id, draw, x), 0
    p = p_all if mask_in_p else p_data
    hg = math.log(max(1 - t, 1e-9) / max(1 - (t + h), 1e-9))
    pz = p.gather(-1, x[..., None]).squeeze(-1)
    leave = 1 - torch.exp(-hg * (1 - pz))
    jump = torch.rand(x.shape, generator=g, dtype=torch.float64) < leave
    if not rejump:
        jump &= x == path.mask_id
    dest_p = p.scatter(-1, x[..., None], 0.0)
    dest = torch.multinomial((dest_p / dest_p.sum(-1, keepdim=True).clamp_min(1e-300)).reshape(-1, p.shape[-1]), 1, generator=g).reshape(x.shape)
    rejumps = int((jump & (x != path.mask_id)).sum())
    return torch.where(jump, dest, x), rejumps


def reference_mixture_euler_step(x, logits, t, h, path, g):
    """The reference code's `mixture_euler`: rates (p - delta_z)/h, Poisson counts with mean
    (1 - p(z)) whatever t and h; masked positions only; final step draws from p."""
    logits = logits.double()
    no_mask = logits.clone(); no_mask[..., path.mask_id] = -math.inf
    p_data = torch.softmax(no_mask, -1)
    if t + h >= 1 - FINAL_TOLERANCE:
        draw = torch.multinomial(p_data.reshape(-1, p_data.shape[-1]), 1, generator=g).reshape(x.shape)
        return torch.where(x == path.mask_id, draw, x), 0
    p = torch.softmax(logits, -1)
    pz = p.gather(-1, x[..., None]).squeeze(-1)
    leave = 1 - torch.exp(-(1 - pz))
    jump = (torch.rand(x.shape, generator=g, dtype=torch.float64) < leave) & (x == path.mask_id)
    dest_p = p.scatter(-1, x[..., None], 0.0)
    dest = torch.multinomial((dest_p / dest_p.sum(-1, keepdim=True)).reshape(-1, p.shape[-1]), 1, generator=g).reshape(x.shape)
    return torch.where(jump, dest, x), 0


@torch.no_grad()
def sample(model, path, steps, rule, student, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.full((N, L), path.mask_id, dtype=torch.long)
    masked_after_first = None
    rejumps = 0
    for i, (t, h) in enumerate(make_time_grid(steps)):
        tt = torch.full((N,), t)
        logits = model(x, tt, torch.full_like(tt, h)) if student else model(x, tt)
        if rule == "ours:cumulative_scalar":
            x = cumulative_scalar_step(x, logits, t, h, path, g)
        elif rule == "ours:mixture_euler":
            x = mixture_euler_step(x, logits, t, h, path, g)
        elif rule == "reference:mixture_euler":
            x, _ = reference_mixture_euler_step(x, logits, t, h, path, g)
        elif rule == "reference:cumulative_scalar":
            x, r = reference_cumulative_step(x, logits, t, h, path, g)
            rejumps += r
        elif rule == "reference:cumulative_scalar, no re-jumps":
            x, r = reference_cumulative_step(x, logits, t, h, path, g, rejump=False)
        elif rule == "reference:cumulative_scalar, mask excluded":
            x, r = reference_cumulative_step(x, logits, t, h, path, g, mask_in_p=False)
            rejumps += r
        if i == 0:
            masked_after_first = float((x == path.mask_id).double().mean())
    assert not bool((x == path.mask_id).any())
    return x, masked_after_first, rejumps / N


teacher, path, _ = load_model_from_checkpoint(teacher_ckpt)
student, _, _ = load_model_from_checkpoint(student_ckpt)
out(what="p(mask) at masked positions", teacher=p_mask_at_masked(teacher, path, False), student=p_mask_at_masked(student, path, True))

base = {}
for model_name, model, is_student in (("teacher", teacher, False), ("student", student, True)):
    for steps in (8, 64):
        for rule in ("ours:cumulative_scalar", "reference:cumulative_scalar", "reference:cumulative_scalar, no re-jumps",
                     "reference:cumulative_scalar, mask excluded", "ours:mixture_euler", "reference:mixture_euler"):
            if is_student and "mixture" in rule:
                continue
            t0 = time.time()
            x, first, rj = sample(model, path, steps, rule, is_student)
            ppl = np.array(judge.perplexities(x))
            ent = float(np.mean(unigram_entropy(x)))
            key = (model_name, steps)
            row = dict(what="sampler rule", model=model_name, steps=steps, rule=rule, genPpl=float(ppl.mean()), se=float(ppl.std(ddof=1) / math.sqrt(N)),
                       entropy=ent, maskedAfterStep1=first, rejumpsPerSequence=rj, seconds=round(time.time() - t0, 1))
            if rule == "ours:cumulative_scalar":
                base[key] = ppl
            else:
                pc = paired_comparison(ppl, base[key], seed=0)
                row.update(ratioToOurs=pc["ratio"], ratioCi95=pc["ratioCi95"])
            out(**row)
