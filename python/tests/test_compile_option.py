"""The per-job `compile` option (issue 17): "auto" | true | false, feature-detected.

PyTorch 1.13 (CI's CPU build) has no torch.compile: "auto" must mean eager there and true a
clear error. The plumbing (the model reaching torch.compile, the fallback on a compile error)
is checked with a stand-in for torch.compile.
"""
import pytest
import torch

import fsdfm._compat as compat
from fsdfm.config import parse_config
from fsdfm.model import build_model, model_config_from_spec
from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.sampling import generate
from fsdfm.train import pretrain
from helpers import make_dataset, pretrain_config


@pytest.mark.parametrize("kind,base", [
    ("pretrain", {}), ("distill", {}), ("sample", {}),
    ("evaluate", {"models": [{"name": "m", "checkpoint": "x"}]}),
])
def test_every_model_job_kind_takes_the_option(kind, base):
    def compile_of(cfg):
        return cfg.optim.compile if kind in ("pretrain", "distill") else cfg.compile

    assert compile_of(parse_config(kind, dict(base))) == "auto"
    for value in ("auto", True, False):
        got = compile_of(parse_config(kind, {**base, "compile": value}))
        assert got == value and type(got) is type(value)
    for bad in ("yes", 1, "true"):
        with pytest.raises(ValueError, match="compile"):
            parse_config(kind, {**base, "compile": bad})


def test_resolution_on_this_pytorch():
    assert compat.resolve_compile("auto", "cpu") is False  # CPU: eager, always
    assert compat.resolve_compile(None, "cpu") is False
    assert compat.resolve_compile("auto", "cuda") is compat.has_compile()  # CUDA: where torch.compile exists
    assert compat.resolve_compile(False, "cuda") is False
    if compat.has_compile():
        assert compat.resolve_compile(True, "cpu") is True
    else:
        with pytest.raises(RuntimeError, match=r"compile: true needs torch.compile.*auto"):
            compat.resolve_compile(True, "cpu")


@pytest.mark.skipif(compat.has_compile(), reason="PyTorch with torch.compile")
def test_an_explicit_true_fails_a_job_clearly_without_torch_compile(tmp_path):
    dataset = make_dataset(tmp_path)
    with pytest.raises(RuntimeError, match="torch.compile"):
        pretrain(parse_config("pretrain", pretrain_config(steps=1, compile=True)), dataset_dir=dataset, work_dir=str(tmp_path / "t"))
    path = MixturePath(PolynomialScheduler(1.0), "mask", 8)
    with pytest.raises(RuntimeError, match="torch.compile"):
        generate(_dit(path), path, batch_size=1, seq_len=4, steps=2, compile=True)


def _dit(path):
    cfg = model_config_from_spec({"preset": "tiny"}, vocab_size=path.vocab_size, num_outputs=path.num_outputs, kind="teacher", max_seq_len=16)
    torch.manual_seed(0)
    model = build_model(cfg)
    with torch.no_grad():
        model.output.weight.normal_()
    return model


class FakeCompile:
    """Stands in for torch.compile: records what it was given; `fail` raises at the first call
    (where a real torch.compile fails too)."""

    def __init__(self, fail=False):
        self.compiled, self.calls, self.fail = [], 0, fail

    def __call__(self, fn, **kwargs):
        self.compiled.append((fn, kwargs))

        def run(*args, **kw):
            self.calls += 1
            if self.fail:
                raise RuntimeError("backend exploded")
            return fn(*args, **kw)

        return run


@pytest.fixture
def fake_compile(monkeypatch):
    fake = FakeCompile()
    monkeypatch.setattr(torch, "compile", fake, raising=False)
    monkeypatch.setattr(compat, "has_compile", lambda: True)
    return fake


def test_sampling_compiles_the_trunk_once_and_reuses_it(fake_compile, monkeypatch):
    path = MixturePath(PolynomialScheduler(1.0), "mask", 12)
    model = _dit(path)
    eager = generate(model, path, batch_size=2, seq_len=8, steps=4, generator=torch.Generator().manual_seed(1), compile=False)
    assert fake_compile.compiled == []
    a = generate(model, path, batch_size=2, seq_len=8, steps=4, generator=torch.Generator().manual_seed(1), compile=True)
    b = generate(model, path, batch_size=2, seq_len=8, steps=4, generator=torch.Generator().manual_seed(1), compile=True)
    assert len(fake_compile.compiled) == 1 and fake_compile.calls > 0  # compiled once, reused
    fn, kwargs = fake_compile.compiled[0]
    assert fn == model.forward_hidden and kwargs == {}  # CPU: default mode (CUDA graphs only on CUDA)
    assert torch.equal(a, eager) and torch.equal(b, eager)
    # the simple step goes through the compiled trunk too
    c = generate(model, path, batch_size=2, seq_len=8, steps=4, generator=torch.Generator().manual_seed(1), compile=True, fast=False)
    assert c.shape == (2, 8) and len(fake_compile.compiled) == 1


def test_auto_falls_back_to_eager_on_a_compile_error_and_true_does_not(monkeypatch):
    monkeypatch.setattr(torch, "compile", FakeCompile(fail=True), raising=False)
    monkeypatch.setattr(compat, "has_compile", lambda: True)
    logged = []
    fn = compat.compile_callable(lambda x: x + 1, log=logged.append)
    assert fn(1) == 2 and fn(2) == 3 and len(logged) == 1 and "backend exploded" in logged[0]
    strict = compat.compile_callable(lambda x: x + 1, strict=True)
    with pytest.raises(RuntimeError, match="backend exploded"):
        strict(1)


def test_training_runs_through_the_compiled_model(fake_compile, monkeypatch, tmp_path):
    monkeypatch.setattr(compat, "resolve_compile", lambda setting, device: setting is not False)
    dataset = make_dataset(tmp_path)
    lines = []
    from fsdfm.train import Reporter

    result = pretrain(parse_config("pretrain", pretrain_config(steps=2, compile="auto")), dataset_dir=dataset,
                      work_dir=str(tmp_path / "t"), reporter=Reporter(log=lines.append))
    assert result["finalStep"] == 2 and len(fake_compile.compiled) == 1 and fake_compile.calls == 2
    assert any("torch.compile: on" in line for line in lines)
    fake_compile.compiled.clear()
    pretrain(parse_config("pretrain", pretrain_config(steps=1, compile=False)), dataset_dir=dataset, work_dir=str(tmp_path / "u"))
    assert fake_compile.compiled == []
