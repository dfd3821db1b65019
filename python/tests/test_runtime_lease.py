"""The lease watchdog: a run whose worker stops renewing stops itself before the lease ends."""
import json
import os
import subprocess
import sys
import time

from fsdfm import runtime
from test_runtime import call, sample_config, spec, wait


def test_an_unrenewed_lease_stops_the_run(tmp_path):
    from helpers import make_dataset, pretrain_config

    # A hundred thousand training steps: far longer than the lease, so only the watchdog can end it early.
    data = make_dataset(tmp_path / "data")
    long = pretrain_config(steps=100_000, checkpointEvery=100_000)
    run_id = call(runtime.start, dict(spec("pretrain", tmp_path, "lapsed", long, datasetDir=str(data)), leaseMs=300, leaseGraceMs=5000))["runId"]
    status, seen = wait(run_id, timeout=60)
    assert status["state"] == "cancelled" and status["leaseExpired"] is True
    assert any("lease not renewed" in line for line in seen["logs"])
    assert status["result"]["finalStep"] < 100_000
    assert os.path.exists(status["result"]["checkpoint"]), "it stopped as a cancel does: with a checkpoint"


def test_renewals_keep_the_run_going(tmp_path):
    run_id = call(runtime.start, dict(spec("sample", tmp_path, "renewed", sample_config(steps=60, seqLen=16)), leaseMs=300, leaseGraceMs=5000))["runId"]
    deadline = time.time() + 60
    while time.time() < deadline:
        status = call(runtime.wait, {"runId": run_id, "timeoutMs": 50, "leaseMs": 300})
        if status["state"] != "running":
            break
    assert status["state"] == "succeeded" and status["leaseExpired"] is False


def test_runs_without_a_lease_have_no_deadline(tmp_path):
    run_id = call(runtime.start, spec("sample", tmp_path, "free", sample_config()))["runId"]
    status, _ = wait(run_id)
    assert status["state"] == "succeeded" and status["leaseExpired"] is False


def test_metric_lines_record_attempt_process_and_time(tmp_path):
    from helpers import make_dataset, pretrain_config

    data = make_dataset(tmp_path / "data")
    before = time.time()
    run_id = call(runtime.start, dict(spec("pretrain", tmp_path, "p", pretrain_config(steps=3, logEvery=1), datasetDir=str(data)), attempt=7))["runId"]
    assert wait(run_id)[0]["state"] == "succeeded"
    lines = [json.loads(l) for l in open(tmp_path / "p" / "metrics.jsonl")]
    assert lines and all(l["attempt"] == 7 and l["pid"] == os.getpid() and before <= l["at"] <= time.time() for l in lines)


HANG = r'''
import json, sys, threading, time
sys.path.insert(0, sys.argv[1])
from fsdfm import runner, runtime

def stuck(spec, cfg, reporter, cancel):
    time.sleep(60)  # a step that ignores the cancel flag
    return {}

runner._BODIES["sample"] = stuck
spec = {"kind": "sample", "jobId": "hang", "workDir": sys.argv[2], "device": "cpu", "config": {"steps": 2, "count": 1, "seqLen": 8, "vocabSize": 30},
        "leaseMs": 200, "leaseGraceMs": 300}
runtime.start(json.dumps(spec))
time.sleep(30)
print("still alive")
'''


def test_a_run_that_will_not_stop_ends_its_process(tmp_path):
    package = os.path.dirname(os.path.dirname(os.path.abspath(runtime.__file__)))
    proc = subprocess.run([sys.executable, "-c", HANG, package, str(tmp_path / "hang")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 75, proc.stdout + proc.stderr
    assert "did not stop within its lease" in proc.stderr
    assert "still alive" not in proc.stdout
