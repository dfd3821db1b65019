import json
import os
import time

import pytest

from fsdfm import runtime
from fsdfm.checkpoint import load_checkpoint
from helpers import TINY_MODEL, make_dataset, pretrain_config


def call(fn, payload):
    return json.loads(fn(json.dumps(payload)))


def wait(run_id, timeout=60.0, until=lambda s: s["state"] != "running"):
    deadline = time.time() + timeout
    seen = {"metrics": [], "logs": []}
    while time.time() < deadline:
        status = call(runtime.poll, {"runId": run_id})
        seen["metrics"] += status["metrics"]
        seen["logs"] += status["logs"]
        if until(status):
            return status, seen
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} still running after {timeout}s")


def spec(kind, tmp_path, job_id, config, **inputs):
    return {"kind": kind, "jobId": job_id, "workDir": str(tmp_path / job_id), "device": "cpu", "config": config, "inputs": inputs}


def sample_config(**overrides):
    cfg = {"steps": 3, "count": 3, "batchSize": 2, "seqLen": 8, "vocabSize": 30, "model": dict(TINY_MODEL)}
    cfg.update(overrides)
    return cfg


def test_ping():
    info = call(runtime.ping, {})
    assert set(info) == {"torch", "cuda", "devices", "memory", "version", "python", "cudaVersion", "deviceName"} and info["version"] == "0.1.0"
    assert info["memory"] is None or info["memory"] > 0
    assert info["python"].count(".") == 2 and (info["deviceName"] is None) == (not info["cuda"])


def test_devices_lists_what_torch_sees():
    found = call(runtime.devices, {})["devices"]
    import torch

    assert len(found) == (torch.cuda.device_count() if torch.cuda.is_available() else 0)
    for index, d in enumerate(found):
        assert d["index"] == index and d["memoryTotalBytes"] > 0 and d["memoryReservedBytes"] >= 0
        assert d["memoryUsedBytes"] is None or 0 < d["memoryUsedBytes"] <= d["memoryTotalBytes"]


def test_sample_lifecycle_from_a_random_model(tmp_path):
    run_id = call(runtime.start, spec("sample", tmp_path, "s1", sample_config()))["runId"]
    assert run_id == "s1"
    status, seen = wait(run_id)
    assert status["state"] == "succeeded" and status["error"] is None
    result = status["result"]
    assert len(result["tokens"]) == 3 and all(len(r) == 8 and max(r) < 30 for r in result["tokens"])
    assert result["steps"] == 3 and result["cacheHit"] is False and result["wallSeconds"] >= 0
    samples = [a for a in result["artifacts"] if a["kind"] == "samples"][0]
    assert json.load(open(samples["path"]))["tokens"] == result["tokens"]
    assert status["progress"]["step"] == status["progress"]["total"] == 6
    assert seen["logs"]
    assert call(runtime.forget, {"runId": run_id}) == {"ok": True}
    with pytest.raises(ValueError, match="unknown runId"):
        runtime.poll(json.dumps({"runId": run_id}))


def test_failure_is_reported_and_the_next_job_succeeds(tmp_path):
    # A checkpoint file that is not one: loading it raises inside the job's thread.
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"this is not a checkpoint")
    run_id = call(runtime.start, spec("sample", tmp_path, "boom", sample_config(), checkpoint=str(garbage)))["runId"]
    status, _ = wait(run_id)
    assert status["state"] == "failed" and status["result"] is None
    err = status["error"]
    assert err["type"] and err["message"]
    assert err["frame"].split(":")[0].endswith(".py") and " in " in err["frame"]
    assert "Traceback" in err["traceback"] and "model_cache.py" in err["traceback"]
    # a failure deep in the code names its frame too: the dataset directory is missing
    bad = call(runtime.start, spec("pretrain", tmp_path, "nodata", pretrain_config(), datasetDir=str(tmp_path / "missing")))["runId"]
    status, _ = wait(bad)
    assert status["state"] == "failed" and status["error"]["type"] == "ValueError"
    assert status["error"]["frame"].startswith("data.py:")
    ok = call(runtime.start, spec("sample", tmp_path, "after", sample_config()))["runId"]
    assert wait(ok)[0]["state"] == "succeeded"


def test_bad_specs_raise_value_error(tmp_path):
    # Outside the contract: the message names the field path.
    with pytest.raises(ValueError, match=r"at /config: .*'bogus' was unexpected"):
        runtime.start(json.dumps(spec("sample", tmp_path, "x", sample_config(bogus=1))))
    with pytest.raises(ValueError, match=r"at /config/temperature: 0 is less than the minimum of 0.01"):
        runtime.start(json.dumps(spec("sample", tmp_path, "x", sample_config(temperature=0))))
    with pytest.raises(ValueError, match=r"at /kind: must be one of"):
        runtime.start(json.dumps(spec("dataset", tmp_path, "x", {})))
    with pytest.raises(ValueError, match="needs inputs.datasetDir"):
        runtime.start(json.dumps(spec("pretrain", tmp_path, "x", pretrain_config())))
    with pytest.raises(ValueError, match="needs inputs.teacherCheckpoint"):
        runtime.start(json.dumps(spec("distill", tmp_path, "x", {}, datasetDir=str(tmp_path))))


def test_cancel_a_running_pretrain_writes_a_checkpoint(tmp_path):
    dataset = make_dataset(tmp_path)
    run_id = call(runtime.start, spec("pretrain", tmp_path, "long", pretrain_config(steps=100000, checkpointEvery=100000), datasetDir=dataset))["runId"]
    status, seen = wait(run_id, until=lambda s: (s["progress"] or {}).get("step", 0) >= 2)
    assert set(status["progress"]) == {"step", "total", "loss", "tokensPerSecond", "etaSeconds"}
    assert call(runtime.cancel, {"runId": run_id}) == {"ok": True}
    status, more = wait(run_id)
    assert status["state"] == "cancelled"
    result = status["result"]
    ckpt = load_checkpoint(result["checkpoint"])
    assert 2 <= ckpt["step"] == result["finalStep"] < 100000
    assert any(m["name"] == "train/loss" for m in seen["metrics"] + more["metrics"])
    # the worker restarts the job from its own checkpoint: resumeFrom continues the step count
    cfg = pretrain_config(steps=ckpt["step"] + 2, checkpointEvery=100000)
    resumed = call(runtime.start, spec("pretrain", tmp_path, "long2", cfg, datasetDir=dataset, resumeFrom=result["checkpoint"]))["runId"]
    status, _ = wait(resumed)
    assert status["state"] == "succeeded" and status["result"]["finalStep"] == ckpt["step"] + 2


def test_repeated_samples_hit_the_model_cache(tmp_path):
    dataset = make_dataset(tmp_path)
    status, _ = wait(call(runtime.start, spec("pretrain", tmp_path, "p", pretrain_config(steps=2), datasetDir=dataset))["runId"])
    ckpt = status["result"]["checkpoint"]
    cfg = {"steps": 2, "count": 2, "batchSize": 2, "seqLen": 64}
    first, _ = wait(call(runtime.start, spec("sample", tmp_path, "c1", cfg, checkpoint=ckpt))["runId"])
    second, _ = wait(call(runtime.start, spec("sample", tmp_path, "c2", cfg, checkpoint=ckpt))["runId"])
    assert first["result"]["cacheHit"] is False and second["result"]["cacheHit"] is True
    assert first["result"]["tokens"] == second["result"]["tokens"]
    assert len(first["result"]["tokens"][0]) == 16  # clipped to the checkpoint's training length
    entry = [e for e in call(runtime.cache_info, {})["entries"] if e["path"] == ckpt][0]
    assert entry["hits"] >= 1 and entry["loadedAt"]
    # prompt: fixed prefix, the rest generated
    cfg = {"steps": 2, "count": 2, "batchSize": 2, "seqLen": 16, "fixedTokens": [5] * 4 + [0] * 12, "editMask": [0] * 4 + [1] * 12}
    status, _ = wait(call(runtime.start, spec("sample", tmp_path, "c3", cfg, checkpoint=ckpt))["runId"])
    assert all(row[:4] == [5] * 4 for row in status["result"]["tokens"])


def test_evaluate_run(tmp_path):
    dataset = make_dataset(tmp_path)
    status, _ = wait(call(runtime.start, spec("pretrain", tmp_path, "pt", pretrain_config(steps=2), datasetDir=dataset))["runId"])
    ckpt = status["result"]["checkpoint"]
    cfg = {"models": [{"name": "t", "checkpoint": ckpt}], "stepBudgets": [2], "samples": 2, "batchSize": 2, "elboTimePoints": 2}
    status, seen = wait(call(runtime.start, spec("evaluate", tmp_path, "ev", cfg, datasetDir=dataset))["runId"])
    assert status["state"] == "succeeded", status["error"]
    assert "2" in status["result"]["report"]["models"]["t"]["budgets"]
    assert os.path.exists(os.path.join(tmp_path, "ev", "report.json"))


def test_wait_returns_as_soon_as_the_run_ends(tmp_path):
    run_id = call(runtime.start, spec("sample", tmp_path, "w1", sample_config()))["runId"]
    status = call(runtime.wait, {"runId": run_id, "timeoutMs": 5000})
    while status["state"] == "running":  # a slow machine: the 5 s cap can pass first
        status = call(runtime.wait, {"runId": run_id, "timeoutMs": 5000})
    assert status["state"] == "succeeded" and status["result"]["tokens"]
    assert call(runtime.wait, {"runId": run_id, "timeoutMs": 5000})["state"] == "succeeded", "a finished run answers with its final state"
    with pytest.raises(ValueError, match="timeoutMs"):
        runtime.wait(json.dumps({"runId": run_id, "timeoutMs": 60000}))
