#!/usr/bin/env python3
"""Samples from a running fsdfm service with the Python client (fsdfm_client):

    FSDFM_URL=http://127.0.0.1:8080 python3 examples/sample.py [checkpointJobId]

Submits a sample job (from a trained checkpoint when given, else a tiny random model), follows it
with a progress line, prints the samples, and downloads samples.txt (its sha256 checked).
"""
import os
import sys
import tempfile

try:
    from fsdfm_client import Client, FsdfmError
except ImportError:  # not installed (pip install ./python/client): the copy in this repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "client"))
    from fsdfm_client import Client, FsdfmError


def main():
    client = Client()  # $FSDFM_URL (default http://127.0.0.1:8080), token from $FSDFM_TOKEN
    checkpoint = sys.argv[1] if len(sys.argv) > 1 else None
    spec = {"checkpointJobId": checkpoint, "steps": 8, "count": 2, "seqLen": 32} if checkpoint else \
        {"model": {"preset": "tiny"}, "steps": 8, "count": 2, "batchSize": 2, "seqLen": 16}
    job = client.submit("sample", spec, name="example: sample")
    print(f"submitted sample job {job['id']}")

    def progress(p):
        print(f"\r  step {p['step']}/{p['total']}", end="", flush=True)

    job = client.wait(job, on_progress=progress)
    print(f"\n  {job['state']}")
    if job["state"] != "succeeded":
        sys.exit(f"job {job['id']} {job['state']}: {job['error']}")
    for i, sample in enumerate(job["result"]["samples"]):
        print(f"sample {i}: {sample['text']!r}")
    with tempfile.TemporaryDirectory() as tmp:
        path = client.download(job, "samples.txt", os.path.join(tmp, "samples.txt"))
        print(f"samples.txt: {os.path.getsize(path)} bytes, sha256 checked")


if __name__ == "__main__":
    try:
        main()
    except FsdfmError as err:
        sys.exit(f"fsdfm: {err}")
