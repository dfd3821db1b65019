"""The fast mask-source sampler (issue 17) has the distribution of the simple step.

The fast path decides which positions unmask before evaluating anything and runs the output
layer and the draw only on them. These tests compare it with the simple step and with the
exact probabilities: the leaving probability per step, the step at which each position
unmasks, the destination frequencies given the state the model saw, the padding of the output
layer, and the judged perplexity of whole generations at equal seeds. Each test also shows
that a plausibly wrong sampler fails its bound.
"""
import math

import numpy as np
import pytest
import torch

import fsdfm.sampling as sampling
from conftest import chi_square, chi_square_bound
from fsdfm.judges import NGramJudge
from fsdfm.model import build_model, model_config_from_spec
from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.sampling import generate, unmask_plan
from fsdfm.solvers import SOLVERS, draw_unmask_steps, draw_unmasked, make_time_grid, mask_leave_probability
from helpers import markov_tokens


def _path(vocab=5, exponent=2.0):
    return MixturePath(PolynomialScheduler(exponent), "mask", vocab)


def _step_law(leave):
    """P(a position unmasks at step k) = S_(k-1) - S_k, S_k = prod_(j <= k) (1 - leave[j])."""
    survive = np.cumprod([1.0 - p for p in leave])
    return torch.from_numpy(np.diff(np.concatenate(([0.0], 1.0 - survive))))


def _fails(counts, probs, dof):
    """A sampler fails a chi-square test if it lands on an impossible outcome or passes the bound."""
    try:
        return chi_square(counts, probs) > chi_square_bound(dof)
    except AssertionError:
        return True


# -- when a position unmasks -------------------------------------------------------------------


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_leave_probability_is_the_full_steps_rule(solver, gen):
    """mask_leave_probability (no logits) vs the simple step's jump frequency on masked
    positions with arbitrary logits, even a huge mask logit."""
    path = _path(vocab=6)
    n = (300, 400)
    for t, h in ((0.1, 0.3), (0.6, 0.25), (0.75, 0.25)):
        logits = torch.randn(*n, path.num_outputs, generator=gen) * 3
        logits[..., path.mask_id] = 40.0
        x_t = torch.full(n, path.mask_id)
        freq = (SOLVERS[solver](x_t, logits, t, h, path, gen) != path.mask_id).double().mean().item()
        p = mask_leave_probability(solver, t, h, path)
        if t + h >= 1:
            assert p == 1.0 and freq == 1.0
            continue
        assert abs(freq - p) < 5 * math.sqrt(p * (1 - p) / (n[0] * n[1])), (solver, t, h)
    kt, kn = 0.1**2, 0.4**2
    assert mask_leave_probability("cumulative_scalar", 0.1, 0.3, path) == pytest.approx((kn - kt) / (1 - kt), rel=1e-12)


def test_unmask_steps_follow_the_product_of_survivals():
    leave = [0.2, 0.5, 0.0, 0.3, 1.0]
    draws = draw_unmask_steps(leave, (400, 250), torch.Generator().manual_seed(3))
    counts = np.bincount(draws.reshape(-1), minlength=len(leave))
    assert counts[2] == 0 and len(counts) == len(leave)  # a step with leave 0 unmasks nothing; all are done at the end
    assert chi_square(torch.from_numpy(counts), _step_law(leave)) < chi_square_bound(3)
    # one step later for everyone (a plausible off-by-one) is far outside
    assert _fails(torch.from_numpy(counts), _step_law([0.0] + leave[:-1] + [1.0])[: len(leave)], 3)


class Recorder:
    """A denoiser whose logits depend on the position, on t and on the state (whether the left
    neighbour is already unmasked), recording every state it is evaluated on."""

    def __init__(self, path, length, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.path = path
        self.base = torch.randn(length, path.num_outputs, generator=g)
        self.slope = torch.randn(path.num_outputs, generator=g) * 2
        self.neighbour = torch.randn(path.num_outputs, generator=g) * 2
        self.base[:, path.mask_id] = 2.5  # a large mask logit: a sampler that does not exclude it shows
        self.calls = []

    def logits(self, x_t, t):
        left = torch.cat((torch.zeros_like(x_t[:, :1], dtype=torch.bool), x_t[:, :-1] != self.path.mask_id), dim=1)
        return self.base + t[:, None, None] * self.slope + left[..., None].float() * self.neighbour, left

    def __call__(self, x_t, t, h=None):
        self.calls.append((float(t[0]), x_t.clone()))
        return self.logits(x_t, t)[0]


def _unmask_events(recorder, final, grid):
    """(step, position, destination, left flag, row index) of every unmasking, from the states
    the model saw (a step the fast path skips changes nothing) and the final state."""
    mask = recorder.path.mask_id
    states = recorder.calls + [(None, final)]
    events = []
    for (t, before), (_, after) in zip(states, states[1:]):
        k = min(range(len(grid)), key=lambda j: abs(grid[j][0] - t))  # t came through float32
        _, left = recorder.logits(before, torch.full((before.shape[0],), t))
        moved = (before == mask) & (after != mask)
        rows, cols = moved.nonzero(as_tuple=True)
        events.append((k, rows, cols, after[rows, cols], left[rows, cols]))
    return events


SAMPLERS = {
    "fast": dict(fast=True),
    "simple": dict(fast=False),
}


@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
@pytest.mark.parametrize("solver", ["cumulative_scalar", "dfm_euler"])
def test_unmask_step_distribution(sampler, solver):
    path = _path()
    grid = make_time_grid(steps=4)
    recorder = Recorder(path, 6)
    out = generate(recorder, path, solver=solver, batch_size=500, seq_len=6, steps=4,
                   generator=torch.Generator().manual_seed(11), **SAMPLERS[sampler])
    counts = torch.zeros(len(grid))
    for k, rows, *_ in _unmask_events(recorder, out, grid):
        counts[k] += len(rows)
    assert counts.sum() == 500 * 6  # every position unmasks exactly once
    exact = _step_law([mask_leave_probability(solver, t, h, path) for t, h in grid])
    assert chi_square(counts, exact) < chi_square_bound(len(grid) - 1)
    # the other solver's rule is far outside the bound: the test has the power to see a wrong rate
    other = "dfm_euler" if solver == "cumulative_scalar" else "cumulative_scalar"
    assert _fails(counts, _step_law([mask_leave_probability(other, t, h, path) for t, h in grid]), len(grid) - 1)


def test_a_fast_sampler_with_the_wrong_rate_fails(monkeypatch):
    """The bound above catches a fast path that plans with another solver's leave rule."""
    path = _path()
    grid = make_time_grid(steps=4)
    real = sampling.mask_leave_probability
    monkeypatch.setattr(sampling, "mask_leave_probability", lambda solver, t, h, p: real("dfm_euler", t, h, p))
    recorder = Recorder(path, 6)
    out = generate(recorder, path, solver="cumulative_scalar", batch_size=500, seq_len=6, steps=4,
                   generator=torch.Generator().manual_seed(11))
    counts = torch.zeros(len(grid))
    for k, rows, *_ in _unmask_events(recorder, out, grid):
        counts[k] += len(rows)
    assert _fails(counts, _step_law([real("cumulative_scalar", t, h, path) for t, h in grid]), len(grid) - 1)


# -- where a position goes ---------------------------------------------------------------------


def _destination_statistic(recorder, out, grid, temperature):
    """Chi-square of the destinations against softmax(logits / T) without the mask, cell by
    cell: (step, position, left flag) fixes the distribution. Returns (statistic, dof)."""
    path = recorder.path
    stat, dof = 0.0, 0
    for k, rows, cols, dest, left in _unmask_events(recorder, out, grid):
        t = grid[k][0]
        for pos in cols.unique().tolist():
            for flag in (False, True):
                sel = (cols == pos) & (left == flag)
                n = int(sel.sum())
                if n < 40:
                    continue
                logits = recorder.base[pos] + t * recorder.slope + flag * recorder.neighbour
                logits = logits.double() / temperature
                logits[path.mask_id] = -math.inf
                probs = torch.softmax(logits, -1)
                stat += chi_square(torch.bincount(dest[sel], minlength=path.num_outputs), probs)
                dof += path.vocab_size - 1
    return stat, dof


@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
@pytest.mark.parametrize("temperature", [1.0, 0.6])
def test_destination_frequencies(sampler, temperature):
    path = _path()
    grid = make_time_grid(steps=3)
    recorder = Recorder(path, 5, seed=1)
    out = generate(recorder, path, batch_size=1200, seq_len=5, steps=3, temperature=temperature,
                   generator=torch.Generator().manual_seed(5), **SAMPLERS[sampler])
    assert int((out == path.mask_id).sum()) == 0
    stat, dof = _destination_statistic(recorder, out, grid, temperature)
    assert dof >= 40 and stat < chi_square_bound(dof)


def test_a_fast_sampler_that_ignores_the_temperature_fails(monkeypatch):
    path = _path()
    grid = make_time_grid(steps=3)
    monkeypatch.setattr(sampling, "draw_unmasked", lambda logits, p, g, temperature: draw_unmasked(logits, p, g, 1.0))
    recorder = Recorder(path, 5, seed=1)
    out = generate(recorder, path, batch_size=1200, seq_len=5, steps=3, temperature=0.6, generator=torch.Generator().manual_seed(5))
    stat, dof = _destination_statistic(recorder, out, grid, 0.6)
    assert stat > chi_square_bound(dof)


def test_a_fast_sampler_that_samples_the_mask_fails(monkeypatch):
    path = _path()
    no_mask = MixturePath(PolynomialScheduler(2.0), "uniform", path.num_outputs)  # mask id treated as a token
    monkeypatch.setattr(sampling, "draw_unmasked", lambda logits, p, g, temperature: draw_unmasked(logits, no_mask, g, temperature))
    recorder = Recorder(path, 5, seed=1)
    out = generate(recorder, path, batch_size=200, seq_len=5, steps=3, generator=torch.Generator().manual_seed(5))
    assert int((out == path.mask_id).sum()) > 0  # what test_destination_frequencies rules out


def test_frozen_positions_are_never_planned():
    path = _path()
    editable = torch.zeros(2, 6, dtype=torch.bool)
    editable[:, 2:5] = True
    plan = unmask_plan("cumulative_scalar", make_time_grid(steps=3), path, (2, 6), torch.Generator().manual_seed(0), editable)
    planned = np.sort(np.concatenate(plan))
    assert planned.tolist() == np.flatnonzero(editable.reshape(-1).numpy()).tolist()  # each editable position once


# -- the model split and the padded output layer -------------------------------------------------


def _dit(vocab=30, kind="teacher", seed=0):
    path = _path(vocab)
    cfg = model_config_from_spec({"preset": "tiny", "dropout": 0.0}, vocab_size=vocab, num_outputs=path.num_outputs, kind=kind, max_seq_len=32)
    torch.manual_seed(seed)
    model = build_model(cfg).eval()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
    return model, path


def test_output_layer_is_padded_and_the_split_is_the_forward():
    model, path = _dit()
    assert model.output.weight.shape[0] == 64 and model.output.logical_out == path.num_outputs == 31
    x = torch.randint(0, 31, (2, 10))
    t = torch.rand(2)
    logits = model(x, t)
    assert logits.shape == (2, 10, 31)
    assert torch.allclose(logits, model.output(model.forward_hidden(x, t)))


@pytest.mark.parametrize("kind", ["teacher", "student"])
def test_fast_path_on_a_dit_equals_the_fast_path_on_its_full_logits(kind):
    """The trunk + head-on-jumping-rows route gives the very tokens that the full forward
    (then picking the rows) gives, at equal seeds."""
    model, path = _dit(kind=kind)
    full = lambda x, t, h=None: model(x, t, h)  # noqa: E731  (a plain callable: no split)
    for steps in (1, 3, 8):
        a = generate(model, path, batch_size=3, seq_len=16, steps=steps, generator=torch.Generator().manual_seed(steps))
        b = generate(full, path, batch_size=3, seq_len=16, steps=steps, generator=torch.Generator().manual_seed(steps), student=kind == "student")
        assert torch.equal(a, b)


def test_padding_columns_are_never_sampled():
    model, path = _dit()
    with torch.no_grad():  # make the padding rows win every comparison if they were ever seen
        model.output.weight[31:].fill_(0.0)
        model.output.bias[31:].fill_(1e4)
        model.output.bias[path.mask_id] = 1e4
    for fast in (True, False):
        for steps in (1, 4):
            out = generate(model, path, batch_size=4, seq_len=20, steps=steps, generator=torch.Generator().manual_seed(0), fast=fast)
            assert int(out.max()) < path.vocab_size and int(out.min()) >= 0


def test_checkpoints_from_before_the_padding_load(tmp_path):
    """State dicts hold the logical rows; an unpadded (older) one loads and pads with zeros."""
    from fsdfm.checkpoint import load_model_from_checkpoint, save_checkpoint

    model, path = _dit()
    state = model.state_dict()
    assert state["output.weight"].shape == (31, 64) and state["output.bias"].shape == (31,)
    old = {k: v.clone() for k, v in state.items()}  # exactly what an nn.Linear(64, 31) saved
    save_checkpoint(str(tmp_path / "old.pt"), {"kind": "teacher", "modelConfig": model.config.to_dict(), "vocabSize": 30, "source": "mask", "model": old})
    loaded, _, _ = load_model_from_checkpoint(str(tmp_path / "old.pt"))
    assert torch.equal(loaded.output.weight[:31], model.output.weight[:31]) and float(loaded.output.weight[31:].abs().sum()) == 0
    x = torch.randint(0, 31, (2, 8))
    assert torch.allclose(loaded(x, torch.rand(2, generator=torch.Generator().manual_seed(0))),
                          model(x, torch.rand(2, generator=torch.Generator().manual_seed(0))), atol=1e-5)


def test_a_run_saved_before_the_padding_resumes(tmp_path):
    """An older checkpoint's optimiser moments have the logical row count; resuming pads them."""
    from fsdfm.checkpoint import load_checkpoint, save_checkpoint
    from fsdfm.config import parse_config
    from fsdfm.train import pretrain
    from helpers import make_dataset, pretrain_config

    dataset = make_dataset(tmp_path)
    first = pretrain(parse_config("pretrain", pretrain_config(steps=2)), dataset_dir=dataset, work_dir=str(tmp_path / "a"))
    from fsdfm.config import OptimConfig
    from fsdfm.model import ModelConfig
    from fsdfm.train import make_optimizer

    ckpt = load_checkpoint(first["checkpoint"])
    logical = ckpt["model"]["output.weight"].shape[0]
    model = build_model(ModelConfig.from_dict(ckpt["modelConfig"]))
    order = [p for g in make_optimizer(model, OptimConfig(), torch.device("cpu")).param_groups for p in g["params"]]
    for param in (model.output.weight, model.output.bias):  # as an unpadded run saved them
        state = ckpt["optimizer"]["state"][next(i for i, p in enumerate(order) if p is param)]
        assert state["exp_avg"].shape[0] == 64 > logical
        state["exp_avg"], state["exp_avg_sq"] = state["exp_avg"][:logical].clone(), state["exp_avg_sq"][:logical].clone()
    save_checkpoint(first["checkpoint"], ckpt)
    resumed = pretrain(parse_config("pretrain", pretrain_config(steps=4)), dataset_dir=dataset, work_dir=str(tmp_path / "a"),
                       resume_from=first["checkpoint"])
    assert resumed["finalStep"] == 4


# -- judged perplexity at equal seeds -------------------------------------------------------------


class MarkovOracle:
    """A denoiser that knows the data's Markov chain: a masked position after an unmasked
    token puts its mass on that token's successors, else on the unigram. Good text needs the
    sampler to condition each draw on the current state."""

    def __init__(self, path, successors):
        self.path, self.successors = path, successors
        table = torch.full((path.num_outputs, path.num_outputs), 0.0)
        for a in range(path.vocab_size):
            table[a, successors[a]] = 4.0
        self.table = table  # row: previous token (the mask row stays flat)

    def __call__(self, x_t, t, h=None):
        prev = torch.cat((torch.full_like(x_t[:, :1], self.path.mask_id), x_t[:, :-1]), dim=1)
        return self.table[prev]


def test_judged_perplexity_of_fast_and_simple_agree_at_equal_seeds():
    vocab = 16
    tokens = markov_tokens(30000, vocab, seed=2)
    judge = NGramJudge(2, vocab).fit(tokens)
    rng = np.random.default_rng(2)
    nxt = rng.integers(0, vocab, size=(vocab, 3))  # markov_tokens' own successor table (same seed, same draws)
    path = _path(vocab, exponent=1.0)
    oracle = MarkovOracle(path, torch.from_numpy(nxt))

    def judged(**kwargs):
        out = [generate(oracle, path, batch_size=40, seq_len=24, steps=8, generator=torch.Generator().manual_seed(seed), **kwargs)
               for seed in range(4)]
        ppl = np.log(judge.perplexities(torch.cat(out)))
        return ppl.mean(), ppl.std(ddof=1) / math.sqrt(len(ppl))

    fast, fast_se = judged(fast=True)
    simple, simple_se = judged(fast=False)
    assert abs(fast - simple) < 4 * math.hypot(fast_se, simple_se), (fast, simple)

    stale = lambda x, t, h=None: oracle(torch.full_like(x, path.mask_id), t)  # noqa: E731  (ignores the state)
    wrong, wrong_se = judged_with(stale, path, judge)
    assert wrong - fast > 4 * math.hypot(fast_se, wrong_se), (fast, wrong)


def judged_with(model, path, judge):
    out = [generate(model, path, batch_size=40, seq_len=24, steps=8, generator=torch.Generator().manual_seed(seed)) for seed in range(4)]
    ppl = np.log(judge.perplexities(torch.cat(out)))
    return ppl.mean(), ppl.std(ddof=1) / math.sqrt(len(ppl))
