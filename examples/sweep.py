#!/usr/bin/env python3
"""A hyper-parameter sweep against a running fsdfm service, with the Python client (fsdfm_client).

    FSDFM_URL=http://127.0.0.1:8080 python3 examples/sweep.py

1. builds a tiny Brown dataset (512-token compact vocabulary, 40 documents) and pre-trains a
   tiny teacher on it, the inputs a distillation sweep needs;
2. sweeps the student's learning rate (log-uniform) and EMA decay with ASHA early stopping on
   the training loss, and prints the best configuration;
3. sweeps the sampler on the best student at a fixed budget of 8 steps: evaluate jobs, one
   per solver, each judging its samples with the order-3 n-gram fitted on the training text;
   the objective is that judged generative perplexity at 8 steps (`genPpl`, `at: 8`), and the
   entropy of the samples is printed beside it. The temperature stays at 1: a lower one always
   wins on perplexity by sampling sharper, repetitive text, which is no better sampler (compare
   temperatures only at matched entropy; see the evaluate job's `matchEntropy`).
"""
import json
import os
import sys

try:
    from fsdfm_client import Client, FsdfmError
except ImportError:  # not installed (pip install ./python/client): the copy in this repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "client"))
    from fsdfm_client import Client, FsdfmError

client = Client()  # $FSDFM_URL (default http://127.0.0.1:8080), token from $FSDFM_TOKEN


def run_job(kind, spec):
    """Submits a job and follows it to its end; exits when it does not succeed."""
    job = client.wait(client.submit(kind, spec))
    if job["state"] != "succeeded":
        sys.exit(f"{kind} job {job['id']} {job['state']}: {job.get('error')}")
    print(f"{kind} job {job['id']} succeeded")
    return job


def follow(sweep):
    """Waits for a sweep to end, printing the trial counts whenever they change."""
    def counts(s):
        return {k: v for k, v in s["counts"].items() if v}

    done = client.wait_sweep(sweep, on_update=lambda s: print(f"  sweep {s['id'][:8]}: {counts(s)}"), poll=1.0)
    print(f"  sweep {done['id'][:8]} {done['state']}: {counts(done)}")
    return done


def show(sweep, extra=None):
    metric = sweep["objective"]["metric"]
    print(f"  {'trial':>5}  {'state':<10} {metric:>16}  {extra or '':>10}  params")
    for t in sweep["trials"]:
        objective = "" if t["objective"] is None else f"{t['objective']:.4f}"
        side = t["metrics"].get(extra) if extra else None
        side = "" if side is None else f"{side:.3f}"
        print(f"  {t['index']:>5}  {t['state']:<10} {objective:>16}  {side:>10}  {json.dumps(t['params'])}  {t['note'] or ''}")
    best = sweep["best"]
    if not best:
        sys.exit("no trial succeeded")
    print(f"best trial {best['index']}: {metric} = {best['objective']:.4f} with {json.dumps(best['params'])}")
    return best


def main():
    print(f"fsdfm at {client.url}")
    dataset = run_job("dataset", {"source": "brown", "compactVocab": 512, "maxDocuments": 40})
    train = {"datasetJobId": dataset["id"], "batchSize": 8, "seqLen": 32, "warmupSteps": 0, "logEvery": 2, "checkpointEvery": 1000}
    teacher = run_job("pretrain", {**train, "model": {"preset": "tiny"}, "steps": 40, "lr": 3e-3})

    print("distillation sweep: lr x emaDecay, ASHA on train/loss")
    sweep = client.create_sweep({
        "name": "example: distill lr",
        "base": {"kind": "distill", "spec": {**train, "teacherJobId": teacher["id"], "steps": 24, "gridPowers": 4, "shortcut": "heun"}},
        "space": {"lr": {"logUniform": [1e-6, 1e-2]}, "emaDecay": {"choice": [0.99, 0.999]}},
        "method": "random",
        "seed": 0,
        "maxTrials": 4,
        "maxConcurrent": 2,
        "objective": {"metric": "train/loss", "mode": "min"},
        "earlyStopping": {"kind": "asha", "reductionFactor": 2, "minResource": 4, "maxResource": 24},
    })
    best = show(follow(sweep))

    print("sampler sweep on the best student at 8 steps: solver, judged generative perplexity")
    sweep = client.create_sweep({
        "name": "example: sampler",
        "base": {"kind": "evaluate", "spec": {
            "datasetJobId": dataset["id"], "models": [{"name": "student", "jobId": best["jobId"]}],
            "judges": [{"kind": "ngram", "order": 3}], "stepBudgets": [8], "samples": 16, "batchSize": 16, "seqLen": 32,
            "temperature": 1.0, "elbo": False, "infill": False, "seed": 1,
        }},
        "space": {"solver": {"grid": ["cumulative_scalar", "dfm_euler", "mixture_euler"]}},
        "method": "grid",
        "maxConcurrent": 2,
        "objective": {"metric": "genPpl", "mode": "min", "at": 8},
    })
    done = follow(sweep)
    show(done, extra="entropy@8")
    print("trials.csv:")
    print(client.trials_csv(done), end="")


if __name__ == "__main__":
    try:
        main()
    except FsdfmError as err:
        sys.exit(f"fsdfm: {err}")
