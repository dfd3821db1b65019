import math

import pytest
import torch

from conftest import chi_square, chi_square_bound, target_denoiser
from fsdfm.path import MixturePath, PolynomialScheduler
from fsdfm.sampling import generate
from fsdfm.solvers import (
    SOLVERS,
    cumulative_scalar_step,
    dfm_euler_step,
    get_solver,
    gumbel_argmax,
    make_time_grid,
    mixture_euler_step,
    reference_cumulative_scalar_step,
    reference_transition_probs,
)

SOURCES = ("mask", "uniform")


def _path(source, vocab=6, exponent=1.0):
    return MixturePath(PolynomialScheduler(exponent), source, vocab)


# -- the dummy model with a known answer ----------------------------------------------------


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("steps", [1, 3, 16])
def test_every_solver_reaches_the_known_answer(solver, source, steps, gen):
    path = _path(source, vocab=9, exponent=2.0)
    target = torch.tensor([3, 1, 4, 1, 5, 8, 2, 6, 5, 3, 5, 8])
    out = generate(
        target_denoiser(target, path.num_outputs), path, solver=solver, batch_size=5,
        seq_len=len(target), steps=steps, generator=gen,
    )
    assert bool((out == target).all())
    assert int((out == path.vocab_size).sum()) == 0  # nothing left masked


def test_mask_source_never_leaves_masks_and_never_samples_the_mask(gen):
    path = _path("mask", vocab=5)

    def prefers_mask(x_t, t, h=None):  # huge mask logit: must still be excluded
        logits = torch.randn(*x_t.shape, 6, generator=gen)
        logits[..., 5] = 50.0
        return logits

    out = generate(prefers_mask, path, batch_size=8, seq_len=30, steps=4, generator=gen)
    assert int((out == 5).sum()) == 0 and int(out.max()) < 5


def test_registry_and_unknown_solver():
    assert set(SOLVERS) == {"cumulative_scalar", "dfm_euler", "mixture_euler"}
    with pytest.raises(ValueError, match="unknown solver"):
        get_solver("euler_maruyama")


# -- jump probabilities ------------------------------------------------------------------------


def _jump_frequency(step, path, t, h, gen, n=(400, 500)):
    """Share of positions that leave z when p(z) = 0 (z = mask, or a token with -inf logit)."""
    k = path.num_outputs
    if path.mask_id is not None:
        x_t = torch.full(n, path.mask_id)
        logits = torch.randn(*n, k, generator=gen)
    else:
        x_t = torch.zeros(n, dtype=torch.long)
        logits = torch.randn(*n, k, generator=gen)
        logits[..., 0] = -1e4  # p(z) = 0
    return (step(x_t, logits, t, h, path, gen) != x_t).double().mean().item(), n[0] * n[1]


@pytest.mark.parametrize("source", SOURCES)
def test_cumulative_scalar_jump_probability_is_the_path_transition(source, gen):
    path = _path(source, exponent=2.0)
    t, h = 0.3, 0.2
    kt, kn = t**2, (t + h) ** 2
    exact = (kn - kt) / (1 - kt)  # 0.1758
    freq, n = _jump_frequency(cumulative_scalar_step, path, t, h, gen)
    sigma = math.sqrt(exact * (1 - exact) / n)
    assert abs(freq - exact) < 5 * sigma
    # the plain scalar g(t) instead of gbar(t, h) gives 0.1236: far outside the bound
    wrong = 1 - math.exp(-h * 2 * t / (1 - kt))
    assert abs(freq - wrong) > 5 * sigma


def test_euler_variants_use_the_instantaneous_rate(gen):
    path = _path("mask", exponent=2.0)
    t, h = 0.3, 0.2
    g = 2 * t / (1 - t**2)
    euler = 1 - math.exp(-h * g)
    for step in (dfm_euler_step, mixture_euler_step):
        freq, n = _jump_frequency(step, path, t, h, gen)
        assert abs(freq - euler) < 5 * math.sqrt(euler * (1 - euler) / n)


def test_per_example_times(gen):
    path = _path("mask", exponent=1.0)
    t = torch.tensor([0.0, 0.5, 0.25])
    h = torch.tensor([0.25, 0.25, 0.5])
    x_t = torch.full((3, 40000), path.mask_id)
    logits = torch.randn(3, 40000, path.num_outputs, generator=gen)
    freq = (cumulative_scalar_step(x_t, logits, t, h, path, gen) != x_t).double().mean(dim=1)
    exact = h / (1 - t)  # linear kappa: (kappa(t+h) - kappa(t)) / (1 - kappa(t))
    sigma = (exact * (1 - exact) / 40000).sqrt()
    assert bool(((freq - exact.double()).abs() < 5 * sigma).all())


# -- fast step vs the float64 reference --------------------------------------------------------


def _distribution_case(source, gen):
    """Positions sharing logits and z, with p(z) large, so wrong samplers show."""
    path = _path(source, vocab=5, exponent=1.0)
    k = path.num_outputs
    rows = 20000
    base = torch.tensor([1.5, 0.2, -0.4, 0.9, 0.0, 0.0][:k])
    logits = base.expand(rows, 1, k).clone()
    z = 0 if source == "uniform" else path.mask_id
    x_t = torch.full((rows, 1), z)
    return path, x_t, logits


def _wrong_no_exclusion(x_t, logits, t, h, path, generator, temperature=1.0):
    """Plausible bug: destination drawn from p itself (z not excluded)."""
    p = logits.float().softmax(-1)
    pz = p.gather(-1, x_t[..., None]).squeeze(-1)
    hg = path.jump_log_survival_cumulative(t, h).float()
    jump = torch.rand(x_t.shape, generator=generator) < 1 - torch.exp(-hg * (1 - pz))
    return torch.where(jump, gumbel_argmax(logits.float().clone(), generator), x_t)


def _wrong_no_final_rule(x_t, logits, t, h, path, generator, temperature=1.0):
    """Plausible bug: the last step uses the rate rule (jump prob ~1, never stays at z)."""
    scores = logits.float().clone().scatter(-1, x_t[..., None], -math.inf)
    return gumbel_argmax(scores, generator)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("t,h", [(0.2, 0.3), (0.5, 0.5)])  # (0.5, 0.5) is the final step
def test_fast_step_matches_reference_distribution(source, t, h, gen):
    path, x_t, logits = _distribution_case(source, gen)
    k = path.num_outputs
    probs = reference_transition_probs(x_t[:1], logits[:1], t, h, path)[0, 0]
    assert abs(float(probs.sum()) - 1) < 1e-12
    bound = chi_square_bound(int((probs > 0).sum()) - 1)

    def stat(step):
        draws = step(x_t, logits, t, h, path, gen)
        return chi_square(torch.bincount(draws.flatten(), minlength=k), probs)

    assert stat(cumulative_scalar_step) < bound
    assert stat(reference_cumulative_scalar_step) < bound
    if source == "uniform" and t + h < 1:  # z = 0 has p(z) = 0.37: excluding z matters
        assert stat(_wrong_no_exclusion) > bound
    if source == "uniform" and t + h >= 1:  # the last step must stay at z with probability p(z)
        assert stat(_wrong_no_final_rule) > bound
    if t + h < 1:
        assert stat(dfm_euler_step) > bound  # wrong jump rate for this solver's distribution


def test_final_step_draws_from_p_directly(gen):
    path = _path("uniform", vocab=5)
    _, x_t, logits = _distribution_case("uniform", gen)
    draws = cumulative_scalar_step(x_t, logits, 0.75, 0.25, path, gen)
    p = logits[0, 0].double().softmax(-1)
    assert chi_square(torch.bincount(draws.flatten(), minlength=5), p) < chi_square_bound(4)


def test_unmasked_tokens_never_change(gen):
    path = _path("mask", vocab=5)
    x_t = torch.randint(0, 6, (50, 40), generator=gen)
    logits = torch.randn(50, 40, 6, generator=gen)
    for step in SOLVERS.values():
        for t, h in ((0.1, 0.5), (0.5, 0.5)):
            out = step(x_t, logits, t, h, path, gen)
            keep = x_t != 5
            assert bool((out[keep] == x_t[keep]).all())


def test_step_checks_shapes(gen):
    path = _path("mask", vocab=5)
    with pytest.raises(ValueError):
        cumulative_scalar_step(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, 5), 0.0, 0.5, path, gen)


# -- time grid -----------------------------------------------------------------------------


def test_uniform_grid():
    grid = make_time_grid(steps=4)
    assert grid == [(0.0, 0.25), (0.25, 0.25), (0.5, 0.25), (0.75, 0.25)]
    grid = make_time_grid(steps=7)
    assert all(h > 0 for _, h in grid) and grid[-1][0] + grid[-1][1] == 1.0


def test_explicit_steps_equal_to_uniform_give_identical_grid_and_samples():
    for n in (1, 3, 7, 10):
        assert make_time_grid(step_sizes=[1.0 / n] * n) == make_time_grid(steps=n)
    path = _path("uniform", vocab=7)
    torch.manual_seed(0)
    model = lambda x, t, h=None: torch.sin(x[..., None].float() * torch.arange(7.0) + t[:, None, None] * 3)  # noqa: E731
    a = generate(model, path, batch_size=4, seq_len=16, steps=3, generator=torch.Generator().manual_seed(5))
    b = generate(model, path, batch_size=4, seq_len=16, step_sizes=[1 / 3] * 3, generator=torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


def test_explicit_grid_is_prefix_sums():
    grid = make_time_grid(step_sizes=[0.5, 0.25, 0.125, 0.125])
    assert grid == [(0.0, 0.5), (0.5, 0.25), (0.75, 0.125), (0.875, 0.125)]
    for sizes in ([0.1] * 10, [0.3, 0.7], [1 / 3] * 3, [0.2, 0.2, 0.2, 0.2, 0.2 + 5e-7]):
        grid = make_time_grid(step_sizes=sizes)
        assert grid[-1][0] + grid[-1][1] == 1.0  # the last step ends exactly at t = 1
        assert all(b[0] == a[0] + a[1] or abs(b[0] - a[0] - a[1]) < 1e-15 for a, b in zip(grid, grid[1:]))


@pytest.mark.parametrize(
    "bad", [[], [0.5, 0.4], [0.5, 0.5, 0.0], [1.5, -0.5], [float("nan")], [0.5, 0.6], ["a"]]
)
def test_bad_step_lists_raise(bad):
    with pytest.raises(ValueError):
        make_time_grid(step_sizes=bad)


def test_bad_step_counts_raise():
    for bad in (0, -2, 2.5, None):
        with pytest.raises(ValueError):
            make_time_grid(steps=bad)


# -- sampler: editing, students, cancellation ---------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_edit_mask_freezes_positions_for_the_whole_trajectory(source, gen):
    path = _path(source, vocab=8)
    fixed = torch.randint(0, 8, (3, 12), generator=gen)
    editable = torch.zeros(3, 12, dtype=torch.bool)
    editable[:, 4:9] = True
    seen = []

    def model(x_t, t, h=None):
        seen.append(x_t.clone())
        return torch.randn(*x_t.shape, path.num_outputs, generator=gen)

    out = generate(model, path, batch_size=3, seq_len=12, steps=6, generator=gen, fixed_tokens=fixed, edit_mask=editable)
    for x in seen + [out]:
        assert torch.equal(x[~editable], fixed[~editable])
    assert int((out == path.vocab_size).sum()) == 0
    # negative ids in fixed_tokens mark editable positions when no edit_mask is given
    prompt = fixed.clone()
    prompt[:, 6:] = -1
    out = generate(model, path, batch_size=3, seq_len=12, steps=2, generator=gen, fixed_tokens=prompt)
    assert torch.equal(out[:, :6], fixed[:, :6]) and int(out.min()) >= 0


def test_student_gets_the_step_size_every_step(gen):
    path = _path("mask", vocab=4)
    calls = []

    def model(x_t, t, h=None):
        calls.append((float(t[0]), None if h is None else float(h[0])))
        return torch.zeros(*x_t.shape, path.num_outputs)

    generate(model, path, batch_size=2, seq_len=3, step_sizes=[0.5, 0.25, 0.25], student=True, generator=gen, fast=False)
    assert calls == [(0.0, 0.5), (0.5, 0.25), (0.75, 0.25)]
    calls.clear()
    generate(model, path, batch_size=2, seq_len=3, steps=2, generator=gen, fast=False)
    assert calls == [(0.0, None), (0.5, None)]
    # the fast path skips the model in a step where nothing unmasks; the calls it makes have
    # their own step's (t, h), in order
    for seed in range(20):
        calls.clear()
        generate(model, path, batch_size=2, seq_len=3, step_sizes=[0.5, 0.25, 0.25], student=True,
                 generator=torch.Generator().manual_seed(seed))
        assert calls and set(calls) <= {(0.0, 0.5), (0.5, 0.25), (0.75, 0.25)} and calls == sorted(calls)


def test_on_step_can_cancel(gen):
    path = _path("mask", vocab=4)
    progress = []

    def on_step(done, total):
        progress.append((done, total))
        if done == 2:
            raise KeyboardInterrupt("cancelled")

    with pytest.raises(KeyboardInterrupt):
        generate(target_denoiser(torch.zeros(3, dtype=torch.long), 5), path, batch_size=1, seq_len=3, steps=5, on_step=on_step)
    assert progress == [(1, 5), (2, 5)]
