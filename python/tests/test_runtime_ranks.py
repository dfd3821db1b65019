"""Multi-GPU jobs through the runtime: worldSize > 1 runs data-parallel ranks (gloo on CPU here)."""
import os

from fsdfm import runtime
from fsdfm.checkpoint import load_checkpoint
from helpers import make_dataset, pretrain_config
from test_runtime import call, spec, wait


def test_two_rank_pretrain_succeeds_and_reports_through_rank_zero(tmp_path):
    data = make_dataset(tmp_path)
    run = spec("pretrain", tmp_path, "ddp1", pretrain_config(steps=6, logEvery=2, checkpointEvery=3), datasetDir=data)
    run["worldSize"] = 2
    run_id = call(runtime.start, run)["runId"]
    status, seen = wait(run_id, timeout=180)
    assert status["state"] == "succeeded", status["error"]
    assert status["result"]["finalStep"] == 6
    assert [m["step"] for m in seen["metrics"] if m["name"] == "train/loss"] == [2, 4, 6], "one rank reports, once per step"
    ckpt = load_checkpoint(status["result"]["checkpoint"], map_location="cpu")
    assert ckpt["step"] == 6
    assert status["progress"]["step"] == 6


def test_two_rank_cancel_stops_every_rank_at_the_same_step(tmp_path):
    data = make_dataset(tmp_path)
    run = spec("pretrain", tmp_path, "ddp2", pretrain_config(steps=100_000, logEvery=1, checkpointEvery=100_000), datasetDir=data)
    run["worldSize"] = 2
    run_id = call(runtime.start, run)["runId"]
    wait(run_id, timeout=120, until=lambda s: (s["progress"] or {}).get("step", 0) >= 2)
    call(runtime.cancel, {"runId": run_id})
    status, _ = wait(run_id, timeout=120)
    assert status["state"] == "cancelled", status["error"]
    assert os.path.exists(status["result"]["checkpoint"]), "a checkpoint is written on cancel"
    assert status["result"]["finalStep"] < 100_000


def test_a_failing_rank_fails_the_job_with_its_error(tmp_path):
    # Every rank fails opening a dataset directory that does not exist.
    run = spec("pretrain", tmp_path, "ddp3", pretrain_config(steps=4), datasetDir=str(tmp_path / "missing"))
    run["worldSize"] = 2
    run_id = call(runtime.start, run)["runId"]
    status, _ = wait(run_id, timeout=120)
    assert status["state"] == "failed"
    assert status["error"]["type"] == "ValueError" and "missing" in status["error"]["message"]
    assert status["error"]["frame"].startswith("data.py:"), "the rank's own error, with its frame"
