import json
import os
import subprocess
import sys

import pytest

from fsdfm.checkpoint import load_checkpoint
from fsdfm.cli import main
from fsdfm.cli import normalize_config
from fsdfm.config import parse_config
from helpers import make_dataset

ORIGINAL = {
    "flow": {"source_distribution": "uniform", "sampling_steps": 1024, "student_solver": "mixture_euler_with_cumulative_scalar", "temperature": 1.0},
    "optim": {"lr": 0.002, "weight_decay": 0.01, "beta1": 0.9, "beta2": 0.98, "eps": 1e-8, "warmup": 1, "grad_clip": 0.5, "eta_min_ratio": 0.2, "optimizer": "AdamW"},
    "training": {"batch_size": 4, "n_iters": 3, "ema": 0.99, "seed": 1, "log_freq": 1, "snapshot_freq": 2},
    "model": {"hidden_size": 32, "n_blocks": 1, "n_heads": 2, "cond_dim": 16, "dropout": 0.0, "length": 16},
}


def test_original_keys_map_onto_ours():
    config, notes = normalize_config(ORIGINAL, "pretrain")
    cfg = parse_config("pretrain", config)
    assert cfg.source == "uniform" and cfg.ema_decay == 0.99 and cfg.model == {"hidden": 32, "blocks": 1, "heads": 2, "condDim": 16, "dropout": 0.0}
    o = cfg.optim
    assert (o.lr, o.weight_decay, o.beta2, o.warmup_steps, o.grad_clip, o.min_lr_ratio) == (0.002, 0.01, 0.98, 1, 0.5, 0.2)
    assert (o.batch_size, o.steps, o.seed, o.seq_len, o.log_every, o.checkpoint_every) == (4, 3, 1, 16, 1, 2)
    assert any("sampling_steps" in n for n in notes)
    sample = parse_config("sample", normalize_config({"flow.sampling_steps": 8, "flow.student_solver": "mixture_euler_with_cumulative_scalar"}, "sample")[0])
    assert sample.steps == 8 and sample.solver == "cumulative_scalar"
    with pytest.raises(ValueError, match="unknown config key 'optim.lr_typo'"):
        normalize_config({"optim": {"lr_typo": 1}}, "pretrain")


def test_cli_pretrain_with_original_config_then_sample(tmp_path, capsys):
    dataset = make_dataset(tmp_path)
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(ORIGINAL))
    work = tmp_path / "run"
    assert main(["pretrain", "--config", str(config_file), "--dataset", dataset, "--work-dir", str(work), "--device", "cpu"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["finalStep"] == 3
    ckpt = load_checkpoint(str(work / "checkpoint.pt"))
    assert ckpt["source"] == "uniform" and ckpt["config"]["lr"] == 0.002
    sample_cfg = tmp_path / "sample.json"
    sample_cfg.write_text(json.dumps({"flow": {"sampling_steps": 2}, "count": 2, "batchSize": 2, "seqLen": 16}))
    assert main(["sample", "--config", str(sample_cfg), "--checkpoint", str(work / "checkpoint.pt"), "--work-dir", str(tmp_path / "s"), "--device", "cpu"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len(out["tokens"]) == 2 and os.path.exists(out["samples"])


def test_cli_unknown_keys(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"training": {"batch_size": 4, "n_iterz": 3}}))
    assert main(["pretrain", "--config", str(bad), "--dataset", str(tmp_path)]) == 2
    assert "unknown config key 'training.n_iterz'" in capsys.readouterr().err
    bad.write_text(json.dumps({"learningRate": 1}))
    assert main(["pretrain", "--config", str(bad), "--dataset", str(tmp_path)]) == 2
    assert "at /config: Additional properties are not allowed ('learningRate' was unexpected)" in capsys.readouterr().err


def test_cli_reads_yaml(tmp_path, capsys):
    yaml = pytest.importorskip("yaml")  # optional: JSON configs need nothing
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"training": {"batch_size": 4, "n_iterz": 3}}))
    assert main(["pretrain", "--config", str(cfg), "--dataset", str(tmp_path)]) == 2
    assert "unknown config key 'training.n_iterz'" in capsys.readouterr().err, "the YAML file was read and its keys checked"


def test_python_dash_m_entry_point(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "fsdfm", "--help"], cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0 and "pretrain" in out.stdout
