#!/usr/bin/env python3
"""A hyper-parameter sweep against a running fsdfm service, standard library only.

    FSDFM_URL=http://127.0.0.1:8080 python3 examples/sweep.py

1. builds a tiny Brown dataset (512-token compact vocabulary, 40 documents) and pre-trains a
   tiny teacher on it, the inputs a distillation sweep needs;
2. sweeps the student's learning rate (log-uniform) and EMA decay with ASHA early stopping on
   the training loss, and prints the best configuration;
3. sweeps the sampler (solver, steps, temperature) on the best student's checkpoint, in one
   warm worker, and prints the best sampling configuration (objective: mean token entropy of
   the samples, a diversity score computed by the service).
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ.get("FSDFM_URL", "http://127.0.0.1:8080").rstrip("/")


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers={"content-type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req) as res:
            text = res.read().decode()
            return json.loads(text) if res.headers.get_content_type() == "application/json" else text
    except urllib.error.HTTPError as err:
        sys.exit(f"{method} {path} answered {err.code}: {err.read().decode()}")


def run_job(body):
    """Submits a job and waits for it; exits when it does not succeed."""
    job = call("POST", "/v1/jobs", body)
    while job["state"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(0.5)
        job = call("GET", f"/v1/jobs/{job['id']}")
    if job["state"] != "succeeded":
        sys.exit(f"{body['kind']} job {job['id']} {job['state']}: {job.get('error')}")
    print(f"{body['kind']} job {job['id']} succeeded")
    return job


def follow(sweep):
    """Polls a sweep until it ends, printing the trial counts whenever they change."""
    last = None
    while sweep["state"] == "running":
        counts = {k: v for k, v in sweep["counts"].items() if v}
        if counts != last:
            print(f"  sweep {sweep['id'][:8]}: {counts}")
            last = counts
        time.sleep(1)
        sweep = call("GET", f"/v1/sweeps/{sweep['id']}")
    print(f"  sweep {sweep['id'][:8]} {sweep['state']}: {({k: v for k, v in sweep['counts'].items() if v})}")
    return sweep


def show(sweep):
    metric = sweep["objective"]["metric"]
    print(f"  {'trial':>5}  {'state':<10} {metric:>16}  params")
    for t in sweep["trials"]:
        objective = "" if t["objective"] is None else f"{t['objective']:.4f}"
        print(f"  {t['index']:>5}  {t['state']:<10} {objective:>16}  {json.dumps(t['params'])}  {t['note'] or ''}")
    best = sweep["best"]
    if not best:
        sys.exit("no trial succeeded")
    print(f"best trial {best['index']}: {metric} = {best['objective']:.4f} with {json.dumps(best['params'])}")
    return best


def main():
    print(f"fsdfm at {BASE}")
    dataset = run_job({"kind": "dataset", "spec": {"source": "brown", "compactVocab": 512, "maxDocuments": 40}})
    train = {"datasetJobId": dataset["id"], "batchSize": 8, "seqLen": 32, "warmupSteps": 0, "logEvery": 2, "checkpointEvery": 1000}
    teacher = run_job({"kind": "pretrain", "spec": {**train, "model": {"preset": "tiny"}, "steps": 40, "lr": 3e-3}})

    print("distillation sweep: lr x emaDecay, ASHA on train/loss")
    sweep = call("POST", "/v1/sweeps", {
        "name": "example: distill lr",
        "base": {"kind": "distill", "spec": {**train, "teacherJobId": teacher["id"], "steps": 24, "gridPowers": 4, "threshold": 0.0625, "shortcut": "heun"}},
        "space": {"lr": {"logUniform": [1e-6, 1e-2]}, "emaDecay": {"choice": [0.99, 0.999]}},
        "method": "random",
        "seed": 0,
        "maxTrials": 4,
        "maxConcurrent": 2,
        "objective": {"metric": "train/loss", "mode": "min"},
        "earlyStopping": {"kind": "asha", "reductionFactor": 2, "minResource": 4, "maxResource": 24},
    })
    best = show(follow(sweep))

    print("sampler sweep on the best student: solver x steps x temperature")
    sweep = call("POST", "/v1/sweeps", {
        "name": "example: sampler",
        "base": {"kind": "sample", "spec": {"checkpointJobId": best["jobId"], "count": 8, "batchSize": 8, "seqLen": 32, "seed": 1}},
        "space": {"solver": {"choice": ["cumulative_scalar", "dfm_euler", "mixture_euler"]}, "steps": {"int": [1, 16]}, "temperature": {"uniform": [0.7, 1.2]}},
        "method": "random",
        "seed": 0,
        "maxTrials": 6,
        "maxConcurrent": 2,
        "objective": {"metric": "sample/entropy", "mode": "max"},
    })
    done = follow(sweep)
    best = show(done)
    hits = sum(1 for t in done["trials"] if t["metrics"].get("cacheHit"))
    print(f"model cache hits: {hits} of {len(done['trials'])} trials")
    print("trials.csv:")
    print(call("GET", f"/v1/sweeps/{done['id']}/trials.csv"), end="")


if __name__ == "__main__":
    main()
