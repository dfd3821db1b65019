"""The Python client (python/client/fsdfm_client) against a running service: `node bin/fsdfm.js up`
on embedded defaults in a temporary data directory, tiny jobs only."""

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python", "client"))

from fsdfm_client import (  # noqa: E402
    ChecksumError,
    Client,
    Conflict,
    FsdfmConnectionError,
    InvalidRequest,
    NotFound,
)

TINY_SAMPLE = {"model": {"preset": "tiny"}, "steps": 4, "count": 2, "batchSize": 2, "seqLen": 16, "seed": 1}
STARTUP_SECONDS = 180

pytestmark = pytest.mark.skipif(shutil.which("node") is None or shutil.which("redis-server") is None, reason="needs node and redis-server to start a service")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """A service of its own; yields (client, data dir)."""
    data_dir = str(tmp_path_factory.mktemp("fsdfm-data"))
    env = {**os.environ, "FSDFM_DATA_DIR": data_dir, "FSDFM_PORT": "0", "FSDFM_POLL_MS": "100", "PYTHON_BIN": os.environ.get("PYTHON_BIN", sys.executable)}
    for var in ("DATABASE_URL", "REDIS_URL", "FSDFM_ARTIFACT_DIR"):
        env.pop(var, None)
    proc = subprocess.Popen(["node", "bin/fsdfm.js", "up"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    url, seen, deadline = None, [], time.monotonic() + STARTUP_SECONDS
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        # Piped, the service logs JSON lines (FSDFM_LOG_FORMAT=auto); the address is in "msg".
        msg = json.loads(line).get("msg", "") if line.startswith("{") else line
        if msg.startswith("api: "):
            url = msg.split()[1]
    if url is None:
        proc.kill()
        pytest.fail("the service did not start:\n" + "".join(seen[-40:]))
    try:
        yield Client(url), data_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def client(service):
    return service[0]


@pytest.fixture(scope="module")
def trained(client):
    """A dataset and a short pre-training run on it (metrics, logs, a checkpoint)."""
    dataset = client.wait(client.submit("dataset", {"source": "brown", "compactVocab": 256, "maxDocuments": 20}))
    assert dataset["state"] == "succeeded", dataset["error"]
    spec = {"datasetJobId": dataset["id"], "model": {"preset": "tiny"}, "steps": 12, "batchSize": 2, "seqLen": 16, "logEvery": 2, "warmupSteps": 0}
    job = client.wait(client.submit("pretrain", spec))
    assert job["state"] == "succeeded", job["error"]
    return dataset, job


def test_submit_and_wait_with_progress(client):
    job = client.submit("sample", TINY_SAMPLE, name="sdk sample", tags=["sdk"])
    assert job["state"] == "queued" and job["name"] == "sdk sample"
    progress = []
    done = client.wait(job, on_progress=progress.append, timeout=120)
    assert done["state"] == "succeeded", done["error"]
    assert progress and progress[-1]["step"] == progress[-1]["total"]
    samples = done["result"]["samples"]
    assert len(samples) == 2 and all(isinstance(s["text"], str) and len(s["tokens"]) == 16 for s in samples)
    assert client.get(job["id"])["id"] == job["id"]
    assert any(j["id"] == job["id"] for j in client.jobs(tag="sdk"))


def test_events_replay_and_resume(client):
    job = client.wait(client.submit({"kind": "sample", "spec": TINY_SAMPLE}))
    events = list(client.events(job))
    assert events[0].type == "state" and events[0].data["to"] == "queued"
    assert events[-1].type == "state" and events[-1].data["to"] == "succeeded"
    assert [e.id for e in events] == sorted({e.id for e in events})
    middle = events[len(events) // 2]
    assert list(client.events(job, last_event_id=middle.id)) == [e for e in events if e.id > middle.id]
    assert list(client.events(job, last_event_id=events[-1].id)) == [], "nothing after the end: the stream ends at once"


def test_a_traced_sample_job_streams_and_stores_its_trace(client):
    job = client.wait(client.submit("sample", dict(TINY_SAMPLE, steps=2, seqLen=8, trace=True)), timeout=120)
    assert job["state"] == "succeeded", job["error"]
    frames = [e.data for e in client.events(job) if e.type == "trace"]
    assert [f["step"] for f in frames] == [0, 1, 2] and all(f["firstSample"] == 0 for f in frames)
    trace = client.trace(job)
    assert trace["steps"] == 2 and [f["step"] for f in trace["frames"]] == [0, 1, 2]
    assert [f["tokens"] for f in trace["frames"]] == [f["tokens"] for f in frames], "the stored trace is what was streamed"
    assert ["".join(row) for row in trace["frames"][-1]["tokens"]] == [s["text"] for s in job["result"]["samples"]]
    untraced = client.submit("sample", TINY_SAMPLE)
    with pytest.raises(NotFound) as none:
        client.trace(untraced)
    assert none.value.code == "no_trace"


def test_typed_errors_carry_the_code_and_the_fields(client):
    with pytest.raises(InvalidRequest) as bad:
        client.submit("sample", {"steps": 0, "solver": "nope"})
    assert bad.value.status == 400 and bad.value.code == "invalid_request"
    assert sorted(bad.value.fields) == ["/spec/solver", "/spec/steps"]
    with pytest.raises(NotFound) as missing:
        client.get("00000000-0000-4000-8000-000000000000")
    assert missing.value.code == "not_found"
    done = client.wait(client.submit("sample", TINY_SAMPLE))
    with pytest.raises(Conflict) as ended:
        client.cancel(done)
    assert ended.value.code == "not_cancellable"
    with pytest.raises(FsdfmConnectionError):
        Client("http://127.0.0.1:1").health()


def test_metrics_logs_and_names(client, trained):
    _, job = trained
    assert client.metric_names(job) == ["train/grad_norm", "train/loss", "train/lr", "train/tokens_per_s"]
    records = client.metrics(job, names=["train/loss"], frame=False)
    assert [r["step"] for r in records] == [2, 4, 6, 8, 10, 12]
    assert all(r["name"] == "train/loss" and isinstance(r["value"], float) for r in records)
    try:
        import pandas  # noqa: F401
    except ImportError:
        assert client.metrics(job) == client.metrics(job, frame=False), "records without pandas"
    else:
        assert list(client.metrics(job).columns) == ["name", "step", "value"]
    lines = list(client.logs(job))
    assert any("step 12/12" in line for line in lines)
    assert list(client.logs(job, tail=1)) == lines[-1:]
    assert list(client.logs(job, follow=True)) == lines, "following an ended job gives its log and ends"


def test_artifacts_download_with_checksum(client, service, trained, tmp_path):
    _, job = trained
    names = {a["name"] for a in client.artifacts(job)}
    assert {"checkpoint.pt", "log.txt"} <= names
    path = client.download(job, "log.txt", str(tmp_path / "log.txt"))
    stamped = open(path, encoding="utf-8").read().splitlines()  # log.txt: a timestamp, then the line
    relayed = list(client.logs(job))
    assert len(stamped) == len(relayed) and stamped[0].endswith(relayed[0])
    # The file on the server changes behind the registry's back: the download refuses it.
    stored = os.path.join(service[1], "artifacts", "jobs", job["id"], "log.txt")
    with open(stored, "r+b") as fh:
        first = fh.read(1)
        fh.seek(0)
        fh.write(b"X" if first != b"X" else b"Y")
    with pytest.raises(ChecksumError):
        client.download(job, "log.txt", str(tmp_path / "tampered.txt"))
    assert not os.path.exists(tmp_path / "tampered.txt") and not os.path.exists(tmp_path / "tampered.txt.part")


def test_cancel_a_running_job(client, trained):
    dataset, _ = trained
    job = client.submit("pretrain", {"datasetJobId": dataset["id"], "model": {"preset": "tiny"}, "steps": 1000000, "batchSize": 2, "seqLen": 16, "logEvery": 5, "warmupSteps": 0})
    for event in client.events(job):
        if event.type == "progress":
            break
    assert client.cancel(job)["state"] in ("cancelling", "cancelled")
    assert client.wait(job, timeout=120)["state"] == "cancelled"


def test_sweep_create_wait_and_trials(client):
    with pytest.raises(InvalidRequest) as unknown:
        client.create_sweep({"base": {"kind": "sample", "spec": TINY_SAMPLE}, "space": {"steps": {"grid": [2, 4]}}, "objective": {"metric": "sample/entropyy"}})
    assert "sample/entropy" in unknown.value.message, "the 400 lists the valid objectives"
    sweep = client.create_sweep({
        "base": {"kind": "sample", "spec": TINY_SAMPLE},
        "space": {"steps": {"grid": [2, 4]}},
        "method": "grid",
        "objective": {"metric": "sample/distinct", "mode": "max"},
    })
    done = client.wait_sweep(sweep, poll=0.5, timeout=180)
    assert done["state"] == "succeeded" and done["counts"]["succeeded"] == 2
    assert done["best"] is not None and done["best"]["objective"] == max(t["objective"] for t in done["trials"])
    assert client.trials_csv(done).splitlines()[0].startswith("trial,state,objective,steps")
    assert any(s["id"] == done["id"] for s in client.sweeps())


def test_example_sample_py_runs_with_the_client(client):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "sample.py")], env={**os.environ, "FSDFM_URL": client.url},
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert "succeeded" in out.stdout and "sample 0: " in out.stdout and "sha256 checked" in out.stdout


def test_a_submit_whose_answer_is_lost_is_retried_with_its_key(client):
    """A proxy passes the first request to the api and then drops the connection unanswered:
    the job exists but the client never heard of it. The retry carries the same key, so the
    client gets that job back and the service holds one job, not two."""
    upstream = urllib.parse.urlsplit(client.url)
    listener = socket.create_server(("127.0.0.1", 0))
    connections = []

    def pipe(src, dst):
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve():
        while True:
            try:
                inbound, _ = listener.accept()
            except OSError:
                return
            outbound = socket.create_connection((upstream.hostname, upstream.port))
            connections.append(inbound)
            threading.Thread(target=pipe, args=(inbound, outbound), daemon=True).start()
            if len(connections) == 1:
                # Wait for the api's answer, then drop it.
                outbound.recv(1)
                inbound.close()
                outbound.close()
            else:
                threading.Thread(target=pipe, args=(outbound, inbound), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        via_proxy = Client(f"http://127.0.0.1:{listener.getsockname()[1]}")
        name = f"lost-answer-{time.time_ns()}"
        job = via_proxy.submit("sample", TINY_SAMPLE, name=name)
        assert len(connections) >= 2, "the first answer was lost and the request sent again"
        assert [j["id"] for j in client.jobs(limit=500) if j.get("name") == name] == [job["id"]]
    finally:
        listener.close()
