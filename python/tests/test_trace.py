"""A traced sample run (issue 15): the state of every sample after each solver step, as the
worker relays it. Frames start at step 0 (only the prompt known), unmask monotonically, never
touch the prompt, and end on exactly the samples the run returns."""
import pytest
import torch

from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.runner import execute
from fsdfm.sampling import generate
from fsdfm.train import Reporter
from helpers import TINY_MODEL

VOCAB = 30
PROMPT = [5, 6, 7]


def traced_run(tmp_path, **config):
    frames = []
    cfg = {"steps": 4, "count": 3, "batchSize": 2, "seqLen": 8, "vocabSize": VOCAB, "model": dict(TINY_MODEL), "trace": True}
    cfg.update(config)
    spec = {"kind": "sample", "jobId": "tr", "workDir": str(tmp_path / "tr"), "device": "cpu", "config": cfg, "inputs": {}}
    result = execute(spec, reporter=Reporter(trace=frames.append))
    return result, frames


def by_batch(frames):
    batches = {}
    for f in frames:
        batches.setdefault(f["firstSample"], []).append(f)
    return batches


@pytest.mark.parametrize("solver", ["cumulative_scalar", "dfm_euler"])
def test_a_traced_run_records_every_step_of_every_sample(tmp_path, solver):
    fixed = PROMPT + [-1] * 5
    result, frames = traced_run(tmp_path, solver=solver, fixedTokens=[max(v, 0) for v in fixed], editMask=[0, 0, 0, 1, 1, 1, 1, 1])
    batches = by_batch(frames)
    assert sorted(batches) == [0, 2], "one series of frames per batch of batchSize samples"
    for first, series in batches.items():
        rows = len(series[0]["tokens"])
        assert rows == min(2, 3 - first)
        assert [f["step"] for f in series] == list(range(5)), "steps + 1 frames: the start, then one per step"
        assert all(f["steps"] == 4 for f in series)
        assert [f["t"] for f in series] == [0.0, 0.25, 0.5, 0.75, 1.0]
        masked = [sum(v is None for row in f["tokens"] for v in row) for f in series]
        assert masked[0] == rows * 5, "step 0: every generated position is masked, the prompt is not"
        assert all(a >= b for a, b in zip(masked, masked[1:])), f"masks only ever decrease: {masked}"
        assert masked[-1] == 0
        for f in series:
            for row in f["tokens"]:
                assert row[:3] == PROMPT, "the prompt never changes"
                assert all(v is None or 0 <= v < VOCAB for v in row)
        for a, b in zip(series, series[1:]):  # an unmasked position keeps its token (mask source)
            for ra, rb in zip(a["tokens"], b["tokens"]):
                assert all(x is None or x == y for x, y in zip(ra, rb))
        assert series[-1]["tokens"] == result["tokens"][first : first + rows], "the last frame is the returned samples"


def test_trace_is_off_by_default_and_changes_no_sample(tmp_path):
    traced, frames = traced_run(tmp_path / "on")
    plain, none = traced_run(tmp_path / "off", trace=False)
    assert frames and none == []
    assert traced["tokens"] == plain["tokens"], "tracing only watches: the same seed gives the same samples"


def test_the_simple_loop_and_a_uniform_source_report_states_too():
    path = MixturePath(PolynomialScheduler(1.0), "uniform", 12)
    seen = []

    def denoiser(x_t, t, h=None):
        return torch.zeros(*x_t.shape, 12)

    out = generate(denoiser, path, batch_size=2, seq_len=5, steps=3, generator=torch.Generator().manual_seed(1),
                   on_state=lambda step, t, x: seen.append((step, t, x.clone())))
    assert [s for s, _, _ in seen] == [0, 1, 2, 3] and seen[-1][1] == 1.0
    assert torch.equal(seen[-1][2], out)
