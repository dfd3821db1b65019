"""Standalone command line: `python -m fsdfm {pretrain,distill,evaluate,sample} --config FILE`.

The config file is JSON, or YAML when PyYAML is installed; it may use our camelCase keys
(src/schemas/jobs.ts) and/or the original FS-DFM project's keys (`flow.*`, `optim.*`,
`training.*`, `model.*`). Paths may come from the file (`datasetDir`, `workDir`,
`checkpoint`, `teacherCheckpoint`, `judgeCheckpoint`, `resumeFrom`, `device`) or flags;
flags win. The job itself runs through `runner.execute`, exactly as under the service.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, List, Optional

from .config import normalize_config
from .train import Reporter

__all__ = ["main", "load_config_file", "build_run_spec"]

_PATH_KEYS = {
    "datasetDir": "datasetDir",
    "checkpoint": "checkpoint",
    "teacherCheckpoint": "teacherCheckpoint",
    "judgeCheckpoint": "judgeCheckpoint",
    "resumeFrom": "resumeFrom",
}


def load_config_file(path: str) -> Dict[str, Any]:
    with open(path, "r", encoding="utf-8") as fh:
        text = fh.read()
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml  # optional
        except ImportError:
            raise SystemExit(f"{path}: YAML configs need PyYAML (pip install pyyaml); or write the config as JSON") from None
        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: the config must be a mapping of keys to values")
    return data


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def build_run_spec(kind: str, raw: Dict[str, Any], args: argparse.Namespace) -> Dict[str, Any]:
    raw = dict(raw)
    for item in args.set or []:
        key, _, value = item.partition("=")
        if not _:
            raise SystemExit(f"--set expects key=value, got {item!r}")
        raw[key] = _parse_value(value)
    inputs: Dict[str, Any] = {k: None for k in _PATH_KEYS.values()}
    for key in _PATH_KEYS:
        if key in raw:
            inputs[_PATH_KEYS[key]] = raw.pop(key)
    work_dir = raw.pop("workDir", None) or raw.pop("work_dir", None)
    device = raw.pop("device", None)
    config, notes = normalize_config(raw, kind)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    flag_inputs = {
        "datasetDir": args.dataset,
        "teacherCheckpoint": args.teacher,
        "judgeCheckpoint": args.judge,
        "resumeFrom": args.resume,
    }
    for key, value in flag_inputs.items():
        if value:
            inputs[key] = value
    checkpoints: List[str] = args.checkpoint or []
    if kind == "evaluate" and checkpoints:
        models = []
        for item in checkpoints:
            name, sep, path = item.partition("=")
            if not sep:
                name, path = os.path.basename(os.path.dirname(os.path.abspath(item))) or "model", item
            models.append({"name": name, "checkpoint": os.path.abspath(path)})
        config["models"] = models
    elif checkpoints:
        inputs["checkpoint"] = checkpoints[-1]
    if kind == "evaluate" and "models" not in config and inputs.get("checkpoint"):
        config["models"] = [{"name": "model", "checkpoint": inputs["checkpoint"]}]
    inputs = {k: (os.path.abspath(v) if isinstance(v, str) else v) for k, v in inputs.items()}
    work_dir = args.work_dir or work_dir or os.path.join("runs", f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}")
    return {
        "kind": kind,
        "jobId": f"cli-{kind}-{int(time.time())}",
        "workDir": os.path.abspath(work_dir),
        "device": args.device or device or ("cuda" if _cuda() else "cpu"),
        "seed": int(config.get("seed", 0)),
        "config": config,
        "inputs": inputs,
    }


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _print_reporter(quiet: bool = False) -> Reporter:
    def log(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr, flush=True)

    return Reporter(log=log)


def _run_distributed(spec: Dict[str, Any]) -> None:
    """Body of every spawned rank (module level so it pickles)."""
    from .runner import execute

    import torch.distributed as dist

    rank = int(os.environ.get("RANK", "0"))
    try:
        execute(spec, _print_reporter(quiet=rank != 0))
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fsdfm", description="FS-DFM training, distillation, evaluation and sampling")
    parser.add_argument("kind", choices=["pretrain", "distill", "evaluate", "sample"])
    parser.add_argument("--config", help="JSON or YAML config (camelCase keys and/or the original project's keys)")
    parser.add_argument("--work-dir", help="output directory (default runs/<kind>-<time>)")
    parser.add_argument("--dataset", help="dataset directory (manifest.json, train.bin, validation.bin)")
    parser.add_argument("--checkpoint", action="append", help="model checkpoint; for evaluate repeat as NAME=PATH")
    parser.add_argument("--teacher", help="distill: the pre-trained teacher checkpoint")
    parser.add_argument("--judge", help="evaluate: an ARM judge checkpoint")
    parser.add_argument("--resume", help="resume training from this checkpoint")
    parser.add_argument("--device", help="cpu, cuda or cuda:N (default: cuda when available)")
    parser.add_argument("--nproc", type=int, default=1, help="data-parallel processes for pretrain/distill (gloo on CPU, NCCL on CUDA)")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one config key (value parsed as JSON when it can be)")
    args = parser.parse_args(argv)

    raw = load_config_file(args.config) if args.config else {}
    try:
        spec = build_run_spec(args.kind, raw, args)
        from .runner import execute, prepare

        prepare(spec)  # validate before spawning anything
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.nproc > 1:
        if args.kind not in ("pretrain", "distill"):
            print("error: --nproc applies to pretrain and distill only", file=sys.stderr)
            return 2
        from .distributed import launch

        launch(_run_distributed, args.nproc, spec)
        print(json.dumps({"workDir": spec["workDir"], "checkpoint": os.path.join(spec["workDir"], "checkpoint.pt")}))
        return 0
    result = execute(spec, _print_reporter())
    if args.kind == "evaluate":
        summary = {"report": os.path.join(spec["workDir"], "report.json")}
    elif args.kind == "sample":
        summary = {"tokens": result["tokens"], "samples": os.path.join(spec["workDir"], "samples.json")}
    else:
        summary = {k: result.get(k) for k in ("finalStep", "finalLoss", "checkpoint", "cancelled")}
    print(json.dumps(summary))
    return 0
