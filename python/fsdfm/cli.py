"""Standalone command line: `python -m fsdfm {pretrain,distill,evaluate,sample} --config FILE`.

The config file is JSON, or YAML when PyYAML is installed; it may use our camelCase keys
(src/schemas/jobs.ts) and/or the original FS-DFM project's keys (`flow.*`, `optim.*`,
`training.*`, `model.*`), translated here. Paths may come from the file (`datasetDir`, `workDir`,
`checkpoint`, `teacherCheckpoint`, `judgeCheckpoint`, `resumeFrom`, `device`) or flags;
flags win. The job itself runs through `runner.execute`, exactly as under the service.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .contract import config_schema
from .train import Reporter

__all__ = ["main", "load_config_file", "build_run_spec", "normalize_config", "ORIGINAL_KEYS"]

_PATH_KEYS = {
    "datasetDir": "datasetDir",
    "checkpoint": "checkpoint",
    "teacherCheckpoint": "teacherCheckpoint",
    "resumeFrom": "resumeFrom",
}


# ---------------------------------------------------------------------------------------
# The original project's keys, translated to ours (only the standalone CLI reads them).
# ---------------------------------------------------------------------------------------

MODEL_SPEC_KEYS = tuple(config_schema("pretrain")["properties"]["model"]["properties"])

def _solver_name(value: Any) -> str:
    # The original names its FS-DFM solver "mixture_euler_with_cumulative_scalar".
    return {"mixture_euler_with_cumulative_scalar": "cumulative_scalar"}.get(value, value)


# original dotted key -> (our camelCase key, converter); "model.x" targets go into config.model
ORIGINAL_KEYS: Dict[str, Tuple[str, Any]] = {
    "flow.source_distribution": ("source", str),
    "flow.sampling_steps": ("steps", int),
    "flow.student_solver": ("solver", _solver_name),
    "flow.solver": ("solver", _solver_name),
    "flow.temperature": ("temperature", float),
    "flow.exponent": ("schedulerExponent", float),
    "optim.lr": ("lr", float),
    "optim.weight_decay": ("weightDecay", float),
    "optim.beta1": ("beta1", float),
    "optim.beta2": ("beta2", float),
    "optim.eps": ("adamEps", float),
    "optim.warmup": ("warmupSteps", int),
    "optim.grad_clip": ("gradClip", float),
    "optim.eta_min_ratio": ("minLrRatio", float),
    "optim.n_iters": ("steps", int),
    "training.batch_size": ("batchSize", int),
    "training.n_iters": ("steps", int),
    "training.ema": ("emaDecay", float),
    "training.seed": ("seed", int),
    "training.accum": ("gradAccum", int),
    "training.log_freq": ("logEvery", int),
    "training.snapshot_freq": ("checkpointEvery", int),
    "training.loss_function": ("loss", str),
    "model.hidden_size": ("model.hidden", int),
    "model.n_blocks": ("model.blocks", int),
    "model.n_heads": ("model.heads", int),
    "model.cond_dim": ("model.condDim", int),
    "model.dropout": ("model.dropout", float),
    "model.length": ("seqLen", int),
}
# Original keys that have no meaning here (logging, hardware, caches): accepted and dropped.
IGNORED_ORIGINAL_KEYS = {
    "optim.optimizer",
    "flow.scheduler_type",
    "model.name",
    "model.compile",
    "data.cache_dir",
    "data.train",
    "data.valid",
    "compute.ngpus",
    "compute.nodes",
    "training.log_freq_wandb",
    "training.eval_freq",
    "training.snapshot_freq_for_preemption",
    "training.data_parallel",
    "eval.batch_size",
    "eval.sample_batch_size",
    "eval.perplexity",
    "eval.perplexity_batch_size",
    "work_dir",
    "hydra",
    "logging",
}
_ORIGINAL_GROUPS = {"flow", "optim", "training", "model", "data", "eval", "compute", "logging", "hydra"}


def _flatten(prefix: str, value: Any, out: Dict[str, Any]) -> None:
    if isinstance(value, Mapping) and prefix not in ("hydra", "logging"):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}", v, out)
    else:
        out[prefix] = value


def _kind_keys(kind: str) -> set:
    """Our keys of a `kind` config: the contract's."""
    return set(config_schema(kind)["properties"])


_KIND_KEYS = {kind: _kind_keys(kind) for kind in ("pretrain", "distill", "sample", "evaluate")}


def normalize_config(raw: Mapping[str, Any], kind: Optional[str] = None) -> Tuple[Dict[str, Any], list]:
    """Map a config that may mix our camelCase keys and the original project's keys.

    Returns (camelCase config, notes about dropped keys). Dotted keys (`optim.lr: 1e-4`) and
    nested groups (`optim: {lr: 1e-4}`) are both accepted. Unknown original keys raise.
    """
    out: Dict[str, Any] = {}
    notes = []
    model: Dict[str, Any] = {}
    for key, value in raw.items():
        head = key.split(".", 1)[0]
        if key == "model" and isinstance(value, Mapping) and set(value) <= set(MODEL_SPEC_KEYS):
            model.update(value)  # our ModelSpec
            continue
        if head not in _ORIGINAL_GROUPS and key not in IGNORED_ORIGINAL_KEYS:
            out[key] = value
            continue
        flat: Dict[str, Any] = {}
        _flatten(key, value, flat)
        for fkey, fvalue in flat.items():
            if fkey in ORIGINAL_KEYS:
                target, convert = ORIGINAL_KEYS[fkey]
                if kind == "evaluate" and fkey == "flow.sampling_steps":
                    target, convert = "stepBudgets", lambda v: [int(v)]
                sampling_only = fkey in ("flow.sampling_steps", "flow.temperature", "flow.student_solver", "flow.solver")
                if kind in ("pretrain", "distill") and sampling_only or kind in _KIND_KEYS and target.split(".", 1)[0] not in _KIND_KEYS[kind]:
                    notes.append(f"ignored original key {fkey} (no meaning for a {kind} job)")
                elif fkey.startswith("optim.n_iters") and "steps" in out:
                    notes.append(f"ignored original key {fkey} (training.n_iters given)")
                elif target.startswith("model."):
                    model[target.split(".", 1)[1]] = convert(fvalue)
                else:
                    out[target] = convert(fvalue)
            elif fkey.startswith("model.") and fkey.split(".", 1)[1] in MODEL_SPEC_KEYS:
                model[fkey.split(".", 1)[1]] = fvalue
            elif fkey in IGNORED_ORIGINAL_KEYS or fkey.split(".", 1)[0] in ("hydra", "logging"):
                notes.append(f"ignored original key {fkey}")
            else:
                known = ", ".join(sorted(ORIGINAL_KEYS))
                raise ValueError(f"unknown config key {fkey!r}; original-project keys understood: {known}")
    if model:
        if kind in _KIND_KEYS and "model" not in _KIND_KEYS[kind]:
            notes.append(f"ignored model keys {sorted(model)} (a {kind} job takes its model from a checkpoint)")
        else:
            out["model"] = model
    return out, notes



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
    raw_judge = raw.pop("judgeCheckpoint", None)
    work_dir = raw.pop("workDir", None) or raw.pop("work_dir", None)
    device = raw.pop("device", None)
    config, notes = normalize_config(raw, kind)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    judge = args.judge or raw_judge
    flag_inputs = {
        "datasetDir": args.dataset,
        "teacherCheckpoint": args.teacher,
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
        config["models"] = [{"name": "model", "checkpoint": os.path.abspath(inputs.pop("checkpoint"))}]
    if kind == "evaluate" and judge:
        # An ARM judge names its checkpoint in its own entry (added when the config lists none).
        judges = [dict(j) for j in config.get("judges", [{"kind": "ngram", "order": 3}])]
        if not any(j.get("kind") == "arm" for j in judges):
            judges.append({"kind": "arm"})
        for j in judges:
            if j.get("kind") == "arm":
                j.pop("jobId", None)
                j["checkpoint"] = os.path.abspath(judge)
        config["judges"] = judges
    inputs = {k: (os.path.abspath(v) if isinstance(v, str) else v) for k, v in inputs.items() if v is not None}
    work_dir = args.work_dir or work_dir or os.path.join("runs", f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}")
    return {
        "kind": kind,
        "jobId": f"cli-{kind}-{int(time.time())}",
        "workDir": os.path.abspath(work_dir),
        "device": args.device or device or ("cuda" if _cuda() else "cpu"),
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
