"""Pre-train a tiny DFM teacher on a dataset directory for a few CPU minutes, then print its
n-gram-judged generative perplexity at 4 and 64 steps next to the untrained model's, and
the validation text's own score as the floor.

    cd python && /usr/bin/python3 scripts/tiny_brown.py DATASET_DIR [--minutes 4] [--work-dir DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch  # noqa: E402

from fsdfm.checkpoint import save_checkpoint  # noqa: E402
from fsdfm.config import parse_config  # noqa: E402
from fsdfm.data import open_dataset  # noqa: E402
from fsdfm.evaluate import evaluate  # noqa: E402
from fsdfm.model import build_model, model_config_from_spec  # noqa: E402
from fsdfm.path import MixturePath, PolynomialScheduler  # noqa: E402
from fsdfm.train import Reporter, pretrain  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset")
    parser.add_argument("--minutes", type=float, default=4.0, help="training time budget")
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--seq-len", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--samples", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--order", type=int, default=3, help="n-gram judge order")
    args = parser.parse_args()
    work = args.work_dir or tempfile.mkdtemp(prefix="tiny-brown-")
    ds = open_dataset(args.dataset)
    model_spec = {"hidden": args.hidden, "blocks": args.blocks, "heads": max(1, args.hidden // 32), "condDim": 64, "dropout": 0.0}
    base = {
        "model": model_spec, "batchSize": args.batch_size, "seqLen": args.seq_len, "lr": 1e-3, "weightDecay": 0.03,
        "emaDecay": 0.995, "logEvery": 50, "checkpointEvery": 10**9, "seed": 0,
    }

    # Calibrate: how many optimiser steps fit in the budget on this machine.
    probe = dict(base, steps=10, warmupSteps=1)
    start = time.perf_counter()
    pretrain(parse_config("pretrain", probe), dataset_dir=args.dataset, work_dir=os.path.join(work, "probe"))
    per_step = (time.perf_counter() - start) / 10
    steps = max(20, int(args.minutes * 60 / per_step))
    print(f"{per_step * 1000:.0f} ms/step -> {steps} steps in {args.minutes} min", flush=True)

    # The untrained model, saved as a checkpoint so it is evaluated by the same code.
    path = MixturePath(PolynomialScheduler(1.0), "mask", ds.vocab_size)
    cfg = model_config_from_spec(model_spec, vocab_size=ds.vocab_size, num_outputs=path.num_outputs, kind="teacher", max_seq_len=args.seq_len)
    torch.manual_seed(0)
    untrained = build_model(cfg)
    untrained_ckpt = save_checkpoint(
        os.path.join(work, "untrained", "checkpoint.pt"),
        {"kind": "teacher", "modelConfig": cfg.to_dict(), "vocabSize": ds.vocab_size, "source": "mask", "schedulerExponent": 1.0,
         "model": untrained.state_dict(), "ema": None, "step": 0, "config": dict(base, steps=0)},
    )

    train_cfg = dict(base, steps=steps, warmupSteps=max(1, steps // 20))
    start = time.perf_counter()
    result = pretrain(
        parse_config("pretrain", train_cfg), dataset_dir=args.dataset, work_dir=os.path.join(work, "teacher"),
        reporter=Reporter(log=lambda line: print(line, flush=True)), raw_config=train_cfg,
    )
    print(f"trained {result['finalStep']} steps in {time.perf_counter() - start:.0f}s, final loss {result['finalLoss']:.3f}", flush=True)

    eval_cfg = {
        "models": [{"name": "untrained", "checkpoint": untrained_ckpt}, {"name": "teacher", "checkpoint": result["checkpoint"]}],
        "judges": [{"kind": "ngram", "order": args.order}],
        "stepBudgets": [4, 64],
        "samples": args.samples,
        "batchSize": args.samples,
        "elboTimePoints": 8,
    }
    out = evaluate(parse_config("evaluate", eval_cfg), dataset_dir=args.dataset, work_dir=os.path.join(work, "eval"))
    report = out["report"]
    judge = report["judges"][0]
    ref = report["reference"]["validation"]
    print(f"\n{'model':<12}{'steps':>6}{'genPpl(' + judge + ')':>18}{'entropy':>10}{'tokens/s':>12}")
    print(f"{'validation':<12}{'-':>6}{ref['genPpl'][judge]:>18.1f}{ref['entropy']:>10.2f}{'-':>12}")
    for name, entry in report["models"].items():
        for steps_, row in entry["budgets"].items():
            print(f"{name:<12}{steps_:>6}{row['genPpl'][judge]:>18.1f}{row['entropy']:>10.2f}{row['tokensPerSecond']:>12.0f}")
    for name, entry in report["models"].items():
        print(f"{name}: ELBO perplexity bound {entry['elbo']:.1f}, infill accuracy {entry['infillAccuracy']:.3f}")
    print(f"\nreport: {os.path.join(work, 'eval', 'report.json')}")
    json.dumps(report)


if __name__ == "__main__":
    main()
