import pytest
import torch

from fsdfm.model import (
    ARM,
    DiT,
    ModelConfig,
    PRESETS,
    build_model,
    count_parameters,
    count_parameters_from_config,
    flops_per_token,
    load_weights_by_name,
    model_config_from_spec,
)

V = 30


def _cfg(kind, **over):
    outputs = V if kind == "arm" else V + 1
    cfg = model_config_from_spec({"preset": "tiny", **over}, vocab_size=V, num_outputs=outputs, kind=kind, max_seq_len=64)
    cfg.dropout = 0.0
    return cfg


def _randomize(model, seed=0):
    """Zero-init makes a fresh DiT constant; give every weight a value to test the wiring."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return model


def test_config_from_spec_and_round_trip():
    cfg = model_config_from_spec(
        {"preset": "small", "hidden": 128, "condDim": 16, "dropout": 0.0}, vocab_size=V, num_outputs=V + 1, kind="teacher", max_seq_len=32
    )
    assert (cfg.hidden, cfg.blocks, cfg.heads, cfg.cond_dim, cfg.dropout) == (128, 4, 4, 16, 0.0)
    assert ModelConfig.from_dict({**cfg.to_dict(), "future": 1}) == cfg
    assert model_config_from_spec(None, vocab_size=V, num_outputs=V, kind="arm", max_seq_len=8).hidden == PRESETS["tiny"]["hidden"]
    for bad in ({"preset": "huge"}, {"hiddenSize": 3}, {"hidden": 66, "heads": 4}):
        with pytest.raises(ValueError):
            model_config_from_spec(bad, vocab_size=V, num_outputs=V + 1, kind="teacher", max_seq_len=8)
    with pytest.raises(ValueError):
        model_config_from_spec({}, vocab_size=V, num_outputs=V + 1, kind="critic", max_seq_len=8)


def test_parameter_counts():
    for kind in ("teacher", "student", "arm"):
        for preset in ("tiny", "small"):
            cfg = _cfg(kind, preset=preset)
            assert count_parameters(build_model(cfg)) == count_parameters_from_config(cfg)
    paper = model_config_from_spec({"preset": "0.17B"}, vocab_size=50257, num_outputs=50258, kind="teacher", max_seq_len=1024)
    assert 165e6 < count_parameters_from_config(paper) < 175e6
    big = model_config_from_spec({"preset": "1.3B"}, vocab_size=50257, num_outputs=50258, kind="teacher", max_seq_len=1024)
    assert 1.2e9 < count_parameters_from_config(big) < 1.4e9
    flops = flops_per_token(paper, 1024)
    assert 2 * 0.75 * 169e6 < flops < 2 * 1.3 * 169e6


def test_forward_shapes_and_zero_init(gen):
    x = torch.randint(0, V + 1, (2, 10), generator=gen)
    teacher = build_model(_cfg("teacher"))
    logits = teacher(x, torch.rand(2))
    assert logits.shape == (2, 10, V + 1)
    assert float(logits.abs().max()) == 0.0  # zero-init output layer
    student = build_model(_cfg("student"))
    assert student(x, torch.rand(2), torch.full((2,), 0.25)).shape == (2, 10, V + 1)
    arm = build_model(_cfg("arm"))
    assert isinstance(arm, ARM) and arm(x.clamp(max=V - 1)).shape == (2, 10, V)
    with pytest.raises(ValueError):
        teacher(x[0], torch.rand(2))


def test_student_requires_h_and_teacher_ignores_it(gen):
    x = torch.randint(0, V + 1, (2, 8), generator=gen)
    t = torch.rand(2, generator=gen)
    student = _randomize(build_model(_cfg("student")))
    with pytest.raises(ValueError, match="step size"):
        student(x, t)
    a = student(x, t, torch.full((2,), 0.5))
    b = student(x, t, torch.full((2,), 1 / 64))
    assert not torch.allclose(a, b)  # h is used
    teacher = _randomize(build_model(_cfg("teacher")))
    assert torch.equal(teacher(x, t), teacher(x, t, torch.full((2,), 0.5)))
    assert not torch.allclose(teacher(x, t), teacher(x, 1 - t))  # t is used


def test_student_loads_teacher_weights_by_name(gen):
    teacher = _randomize(build_model(_cfg("teacher")), seed=1)
    student = build_model(_cfg("student"))
    report = load_weights_by_name(student, teacher.state_dict())
    assert set(report["loaded"]) == set(teacher.state_dict())
    assert report["missing"] and all(n.startswith(("h_embedder.", "cond_fuse.")) or ".h_fuse." in n for n in report["missing"])
    assert report["unexpected"] == []
    # the fresh h layers start neutral: the student computes the teacher's function for any h
    x = torch.randint(0, V + 1, (2, 8), generator=gen)
    t = torch.rand(2, generator=gen)
    for h in (1.0, 1 / 8, 1 / 1024):
        assert torch.allclose(student(x, t, torch.full((2,), h)), teacher(x, t), atol=1e-5)


def test_load_skips_shape_mismatches_and_wrapper_prefixes():
    source = build_model(_cfg("teacher"))
    target = build_model(_cfg("teacher", hidden=32, heads=2))
    report = load_weights_by_name(target, source.state_dict())
    assert report["mismatched"] and set(report["mismatched"]) <= set(report["missing"])
    wrapped = {"_orig_mod." + k: v for k, v in _randomize(build_model(_cfg("teacher"))).state_dict().items()}
    fresh = build_model(_cfg("teacher"))
    report = load_weights_by_name(fresh, wrapped)
    assert report["missing"] == [] and report["unexpected"] == []


def test_dit_is_bidirectional_and_arm_is_causal(gen):
    x = torch.randint(0, V, (1, 12), generator=gen)
    y = x.clone()
    y[0, -1] = (x[0, -1] + 1) % V
    dit = _randomize(build_model(_cfg("teacher")))
    t = torch.tensor([0.3])
    assert not torch.allclose(dit(x, t)[0, 0], dit(y, t)[0, 0])
    arm = _randomize(build_model(_cfg("arm")))
    assert torch.allclose(arm(x)[0, :-1], arm(y)[0, :-1], atol=1e-6)


def test_arm_log_prob(gen):
    arm = _randomize(build_model(_cfg("arm")))
    x = torch.randint(0, V, (3, 9), generator=gen)
    manual = torch.log_softmax(arm(x)[:, :-1], -1).gather(-1, x[:, 1:, None]).squeeze(-1).sum(-1)
    assert arm.log_prob(x).shape == (3,) and torch.allclose(arm.log_prob(x), manual, atol=1e-5)


def test_arm_cached_generation_equals_uncached(gen):
    arm = _randomize(build_model(_cfg("arm")), seed=3)
    prefix = torch.randint(0, V, (3, 4), generator=gen)
    cached = arm.generate(prefix, 20, generator=torch.Generator().manual_seed(9), use_cache=True)
    plain = arm.generate(prefix, 20, generator=torch.Generator().manual_seed(9), use_cache=False)
    assert cached.shape == (3, 20) and torch.equal(cached, plain)
    assert len(set(cached.flatten().tolist())) > 3  # actually sampling, not a constant
    # incremental logits agree with the full forward
    caches = [dict() for _ in arm.blocks]
    full = arm(torch.cat((prefix, cached), 1))
    step = arm(prefix, caches, 0)
    assert torch.allclose(step, full[:, :4], atol=1e-5)
    nxt = arm(cached[:, :1], caches, 4)
    assert torch.allclose(nxt[:, 0], full[:, 4], atol=1e-5)
    with pytest.raises(ValueError):
        arm.generate(prefix[:, :0], 3)


def test_training_mode_dropout_and_gradients(gen):
    cfg = _cfg("student")
    cfg.dropout = 0.1
    model = _randomize(build_model(cfg))
    x = torch.randint(0, V + 1, (2, 8), generator=gen)
    t, h = torch.rand(2), torch.rand(2)
    # Dropout acts in training mode only: two training passes differ, two eval passes agree.
    model.train()
    torch.manual_seed(1)
    a = model(x, t, h)
    torch.manual_seed(2)
    b = model(x, t, h)
    assert not torch.allclose(a, b), "dropout changes training-mode outputs"
    model.eval()
    with torch.no_grad():
        assert torch.equal(model(x, t, h), model(x, t, h)), "no dropout in eval mode"
    cfg.dropout = 0.0
    still = _randomize(build_model(cfg)).train()
    assert torch.equal(still(x, t, h), still(x, t, h)), "dropout 0: training passes agree"
    model.train()
    out = model(x, t, h).float().pow(2).mean()
    out.backward()
    assert all(p.grad is not None for p in model.parameters())
    assert isinstance(model, DiT)


def _sdpa_reference(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    """PyTorch 2.x semantics of F.scaled_dot_product_attention (bool mask: True = attend)."""
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if is_causal:
        attn_mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf"))
    return scores.softmax(-1) @ v


def test_sdpa_path_matches_manual_attention(monkeypatch, gen):
    """The fused-attention call (flash on CUDA) and the manual fallback agree, cache included."""
    import torch.nn.functional as F

    import fsdfm.model as model_module

    arm = _randomize(build_model(_cfg("arm")), seed=4)
    dit = _randomize(build_model(_cfg("teacher")), seed=5)
    x = torch.randint(0, V, (2, 9), generator=gen)
    t = torch.rand(2, generator=gen)

    def run():
        caches = [dict() for _ in arm.blocks]
        arm(x[:, :5], caches, 0)
        return arm(x), arm(x[:, 5:], caches, 5), dit(x, t)

    monkeypatch.setattr(model_module, "has_sdpa", lambda: False)
    manual = run()
    if not hasattr(F, "scaled_dot_product_attention"):
        monkeypatch.setattr(F, "scaled_dot_product_attention", _sdpa_reference, raising=False)
    monkeypatch.setattr(model_module, "has_sdpa", lambda: True)
    fused = run()
    for a, b in zip(manual, fused):
        assert torch.allclose(a, b, atol=1e-5)
    assert torch.allclose(fused[1], fused[0][:, 5:], atol=1e-5)  # chunked cache with offset mask


def test_bf16_autocast_forward_and_sampling(gen):
    from fsdfm.path import MixturePath, PolynomialScheduler
    from fsdfm.sampling import generate

    student = _randomize(build_model(_cfg("student")), seed=6)
    path = MixturePath(PolynomialScheduler(), "mask", V)
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        logits = student(torch.randint(0, V + 1, (2, 8), generator=gen), torch.rand(2), torch.rand(2))
        out = generate(student, path, batch_size=2, seq_len=8, steps=2, generator=gen)
    assert torch.isfinite(logits.float()).all()
    assert out.shape == (2, 8) and int(out.max()) < V


def _sdpa_float_mask(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    """PyTorch 2.x semantics of F.scaled_dot_product_attention with an additive float mask."""
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if attn_mask is not None:
        scores = scores + attn_mask
    return scores.softmax(-1) @ v


def test_local_attention_bias(monkeypatch, gen):
    import torch.nn.functional as F

    import fsdfm.model as model_module

    cfg = _cfg("teacher", heads=4, attentionBias="local")
    assert cfg.attention_bias == "local" and _cfg("teacher").attention_bias == "none"
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="attention_bias"):
        _cfg("teacher", attentionBias="alibi")
    plain = _randomize(build_model(_cfg("teacher", heads=4)), seed=3)
    local = build_model(cfg)
    local.load_state_dict(plain.state_dict())  # strict: the option adds no weights
    assert local.bias_slopes.tolist() == [1.0, 0.25, 0.0625, 0.015625]
    x = torch.randint(0, V, (2, 12), generator=gen)
    t = torch.rand(2, generator=gen)
    assert not torch.allclose(local(x, t), plain(x, t), atol=1e-4)
    # the manual path and the fused call (PyTorch 2.x) agree on the additive bias
    monkeypatch.setattr(model_module, "has_sdpa", lambda: False)
    manual = local(x, t)
    if not hasattr(F, "scaled_dot_product_attention"):
        monkeypatch.setattr(F, "scaled_dot_product_attention", _sdpa_float_mask, raising=False)
    monkeypatch.setattr(model_module, "has_sdpa", lambda: True)
    assert torch.allclose(local(x, t), manual, atol=1e-5)
    monkeypatch.setattr(model_module, "has_sdpa", lambda: False)
    with torch.no_grad():
        local.bias_slopes.zero_()  # a zero bias is the plain model
        assert torch.allclose(local(x, t), plain(x, t), atol=1e-5)
        local.bias_slopes.fill_(50.0)  # steep: position 0 no longer sees position 11
    far = x.clone()
    far[:, -1] = (x[:, -1] + 1) % V
    assert torch.allclose(local(x, t)[:, 0], local(far, t)[:, 0], atol=1e-5)
    assert not torch.allclose(plain(x, t)[:, 0], plain(far, t)[:, 0], atol=1e-5)
