import json
import os

import numpy as np
import pytest
import torch

from fsdfm.config import parse_config
from fsdfm.data import open_dataset
from fsdfm.distill import distill
from fsdfm.evaluate import evaluate
from fsdfm.judges import NGramJudge, build_judges, unigram_entropy
from fsdfm.train import pretrain
from helpers import make_dataset, markov_tokens, pretrain_config


@pytest.mark.parametrize("smoothing", ["kn", "addk"])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_ngram_probabilities_sum_to_one(order, smoothing):
    judge = NGramJudge(order, 12, smoothing).fit(markov_tokens(2000, 12))
    for context in ([], [3], [3, 4], [11, 11]):
        context = context[-(order - 1):] if order > 1 else []
        assert sum(judge._prob(context, w) for w in range(12)) == pytest.approx(1.0, abs=1e-9)


def test_ngram_judge_prefers_training_text_to_random_tokens():
    tokens = markov_tokens(20000, 40, seed=1)
    judge = NGramJudge(3, 40).fit(tokens[:18000])
    held_out = torch.from_numpy(tokens[18000:19600].reshape(25, 64))
    random = torch.randint(0, 40, (25, 64), generator=torch.Generator().manual_seed(0))
    real, noise = np.mean(judge.perplexities(held_out)), np.mean(judge.perplexities(random))
    assert real < 4 < 20 < noise


def test_unigram_entropy():
    assert unigram_entropy(torch.tensor([[1, 1, 1, 1], [1, 2, 3, 4]])) == pytest.approx([0.0, np.log(4)])


def test_hf_judge_without_transformers_is_skipped_and_with_it_loads_only_local_files(tmp_path):
    lines = []
    ds = open_dataset(make_dataset(tmp_path))
    missing = str(tmp_path / "no-such-model")
    cfg = parse_config("evaluate", {"models": [{"name": "m", "checkpoint": "x"}], "judges": [{"kind": "ngram", "order": 2}, {"kind": "hf", "path": missing}]})
    try:
        import transformers  # noqa: F401
    except ImportError:
        judges = build_judges(cfg.judges, ds, log=lines.append)
        assert [j.name for j in judges] == ["ngram2"] and "transformers" in lines[0]
        return
    # With transformers: a directory that holds no model is an error naming it (nothing is
    # downloaded: local_files_only), not a silent skip.
    with pytest.raises(Exception, match="no-such-model"):
        build_judges(cfg.judges, ds, log=lines.append)


def test_evaluate_writes_the_full_report(tmp_path):
    dataset = make_dataset(tmp_path)
    teacher = pretrain(parse_config("pretrain", pretrain_config(steps=3)), dataset_dir=dataset, work_dir=str(tmp_path / "t"))
    arm = pretrain(parse_config("pretrain", pretrain_config(steps=3, modelType="arm")), dataset_dir=dataset, work_dir=str(tmp_path / "a"))
    student = distill(
        parse_config("distill", {"steps": 2, "batchSize": 4, "seqLen": 16, "gridPowers": 3, "threshold": 0.125}),
        dataset_dir=dataset, teacher_checkpoint=teacher["checkpoint"], work_dir=str(tmp_path / "s"),
    )
    config = {
        "models": [
            {"name": "teacher", "checkpoint": teacher["checkpoint"]},
            {"name": "student", "checkpoint": student["checkpoint"]},
        ],
        "judges": [{"kind": "ngram", "order": 3}, {"kind": "arm", "checkpoint": arm["checkpoint"]}],
        "stepBudgets": [1, 4],
        "samples": 4,
        "batchSize": 2,
        "elboTimePoints": 3,
    }
    out = evaluate(parse_config("evaluate", config), dataset_dir=dataset, work_dir=str(tmp_path / "e"))
    report = json.load(open(os.path.join(tmp_path, "e", "report.json")))
    assert report == json.loads(json.dumps(out["report"]))
    assert report["judges"] == ["ngram3", "arm"]
    ref = report["reference"]["validation"]
    assert set(ref["genPpl"]) == {"ngram3", "arm"} and ref["entropy"] > 0
    for name in ("teacher", "student"):
        entry = report["models"][name]
        assert set(entry["budgets"]) == {"1", "4"}
        for row in entry["budgets"].values():
            assert set(row) == {"genPpl", "genPplStdErr", "entropy", "wallSeconds", "tokensPerSecond"}
            assert all(v > 1 for v in row["genPpl"].values()) and row["tokensPerSecond"] > 0
        assert entry["elbo"] > 1 and 0 <= entry["infillAccuracy"] <= 1
        assert entry["infill"]["steps"] == 4
    assert report["models"]["student"]["elboStepSize"] == 0.125
    assert report["models"]["teacher"]["elboStepSize"] is None
    assert out["artifacts"][0]["kind"] == "report"


def test_arm_judge_own_generation_is_timed_at_the_reference_length(tmp_path):
    dataset = make_dataset(tmp_path)
    teacher = pretrain(parse_config("pretrain", pretrain_config(steps=2)), dataset_dir=dataset, work_dir=str(tmp_path / "t"))
    arm = pretrain(parse_config("pretrain", pretrain_config(steps=2, modelType="arm")), dataset_dir=dataset, work_dir=str(tmp_path / "a"))
    base = {"models": [{"name": "teacher", "checkpoint": teacher["checkpoint"]}], "stepBudgets": [2], "samples": 3, "batchSize": 2,
            "elbo": False, "infill": False}
    with_arm = dict(base, judges=[{"kind": "ngram", "order": 2}, {"kind": "arm", "checkpoint": arm["checkpoint"]}])
    report = evaluate(parse_config("evaluate", with_arm), dataset_dir=dataset, work_dir=str(tmp_path / "e1"))["report"]
    own = report["reference"]["armJudge"]
    assert own["seqLen"] == 16 and own["steps"] == 15
    assert set(own["genPpl"]) == {"ngram2", "arm"} and own["entropy"] > 0
    assert own["wallSeconds"] > 0 and own["tokensPerSecond"] == pytest.approx(3 * 16 / own["wallSeconds"])
    without = evaluate(parse_config("evaluate", dict(base, judges=[{"kind": "ngram", "order": 2}])), dataset_dir=dataset, work_dir=str(tmp_path / "e2"))
    assert "armJudge" not in without["report"]["reference"]


def test_judge_tokens_reports_the_standard_error_of_the_mean_perplexity():
    from fsdfm.evaluate import judge_tokens

    judge = NGramJudge(2, 12).fit(markov_tokens(2000, 12))
    tokens = torch.from_numpy(markov_tokens(5 * 16, 12, seed=3).reshape(5, 16))
    ppl = np.array(judge.perplexities(tokens))
    row = judge_tokens([judge], tokens)
    assert row["genPpl"]["ngram2"] == pytest.approx(ppl.mean())
    assert row["genPplStdErr"]["ngram2"] == pytest.approx(ppl.std(ddof=1) / np.sqrt(5))
    assert judge_tokens([judge], tokens[:1])["genPplStdErr"]["ngram2"] == 0.0


def test_t_quantile_matches_tables():
    from fsdfm.evaluate import _t_quantile_975

    for df, table in ((1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (95, 1.985), (1000, 1.962)):
        assert _t_quantile_975(df) == pytest.approx(table, abs=2e-3), df


def test_paired_comparison():
    from fsdfm.evaluate import paired_comparison

    rng = np.random.default_rng(0)
    base = rng.lognormal(4.0, 0.5, size=200)  # per-sample perplexities of b
    a = base * 0.8 * rng.lognormal(0.0, 0.05, size=200)  # a: the same samples, 20% lower, a little noise
    out = paired_comparison(a, base, seed=1)
    assert out["n"] == 200 and out["ratio"] == pytest.approx(a.mean() / base.mean())
    lo, hi = out["ratioCi95"]
    assert lo < out["ratio"] < hi < 0.9 and out["ratioExcludesOne"]
    d = a - base
    assert out["diff"] == pytest.approx(d.mean())
    assert out["diffCi95"][1] < 0 and out["diffExcludesZero"]
    half = (out["diffCi95"][1] - out["diffCi95"][0]) / 2
    assert half == pytest.approx(1.972 * d.std(ddof=1) / np.sqrt(200), rel=1e-3)
    # pairing is what makes the interval narrow: shuffled, the same numbers no longer exclude 1 as tightly
    same = paired_comparison(base, base, seed=1)
    assert same["diff"] == 0 and not same["diffExcludesZero"] and not same["ratioExcludesOne"]
    one = paired_comparison(a[:1], base[:1])
    assert one["diffCi95"] is None and not one["ratioExcludesOne"]
    with pytest.raises(ValueError):
        paired_comparison(a, base[:10])


def test_match_temperature_finds_the_target_entropy():
    from fsdfm.evaluate import match_temperature

    calls = []

    def entropy_at(temp):  # a smooth, increasing entropy curve
        calls.append(temp)
        return 3.0 + 0.8 * np.log(temp)

    target = 3.0 + 0.8 * np.log(0.83)
    tries = match_temperature(entropy_at, target, start=1.0, start_entropy=3.0, tolerance=0.002, max_evaluations=6)
    best_t, best_h = min(tries, key=lambda r: abs(r[1] - target))
    assert abs(best_h - target) <= 0.002 * target and best_t == pytest.approx(0.83, abs=0.01)
    assert tries[0] == (1.0, 3.0) and len(calls) == len(tries) - 1 <= 6  # the start entropy was free
    # already matched: nothing is sampled
    assert match_temperature(entropy_at, 3.0, start=1.0, start_entropy=3.0, tolerance=0.01, max_evaluations=3) == [(1.0, 3.0)]
    # the budget of evaluations is kept, even when the entropy does not move at all
    flat = []
    tries = match_temperature(lambda t: flat.append(t) or 1.0, 2.0, start=1.0, start_entropy=None, tolerance=0.001, max_evaluations=3)
    assert len(flat) <= 3 and len(tries) == len(flat)


def test_evaluate_reports_paired_comparisons_and_an_entropy_matched_control(tmp_path):
    dataset = make_dataset(tmp_path)
    teacher = pretrain(parse_config("pretrain", pretrain_config(steps=3)), dataset_dir=dataset, work_dir=str(tmp_path / "t"))
    student = distill(
        parse_config("distill", {"steps": 2, "batchSize": 4, "seqLen": 16, "gridPowers": 3}),
        dataset_dir=dataset, teacher_checkpoint=teacher["checkpoint"], work_dir=str(tmp_path / "s"),
    )
    config = {
        "models": [{"name": "teacher", "checkpoint": teacher["checkpoint"]}, {"name": "student", "checkpoint": student["checkpoint"]}],
        "judges": [{"kind": "ngram", "order": 2}],
        "stepBudgets": [2, 4],
        "samples": 6,
        "batchSize": 6,
        "elbo": False,
        "infill": False,
        "comparisons": [{"a": "student@2", "b": "teacher@4"}],
        "matchEntropy": {"model": "teacher", "target": "student", "targetSteps": 2, "budgets": [2, 4], "maxEvaluations": 2, "tolerance": 0.001},
    }
    out = evaluate(parse_config("evaluate", config), dataset_dir=dataset, work_dir=str(tmp_path / "e"))
    report = out["report"]
    matched = report["models"]["teacher~matched"]
    assert matched["matchedTo"] == "student@2"
    assert matched["targetEntropy"] == pytest.approx(report["models"]["student"]["budgets"]["2"]["entropy"])
    for steps in ("2", "4"):
        row = matched["budgets"][steps]
        assert 0.05 <= row["temperature"] <= 5 and 1 <= len(row["search"]) <= 3
        assert row["search"][0] == [1.0, report["models"]["teacher"]["budgets"][steps]["entropy"]]  # the main run, free
        best = min(row["search"], key=lambda r: abs(r[1] - matched["targetEntropy"]))
        assert row["temperature"] == best[0] and row["entropy"] == pytest.approx(best[1])
    pairs = {(p["a"], p["b"]): p for p in report["paired"]}
    for key in [("student@2", "teacher@2"), ("student@4", "teacher@4"), ("teacher@2", "teacher@4"), ("student@2", "student@4"),
                ("student@2", "teacher~matched@2"), ("student@2", "teacher~matched@4"), ("student@2", "teacher@4")]:
        p = pairs[key]
        assert p["judge"] == "ngram2" and p["n"] == 6 and len(p["diffCi95"]) == 2 and len(p["ratioCi95"]) == 2
        assert isinstance(p["diffExcludesZero"], bool) and isinstance(p["ratioExcludesOne"], bool)
    per_sample = json.load(open(os.path.join(tmp_path, "e", "per_sample.json")))
    assert len(per_sample["teacher~matched@4"]["ngram2"]) == 6
    assert np.mean(per_sample["student@2"]["ngram2"]) == pytest.approx(pairs[("student@2", "teacher@2")]["meanA"])
    assert [a["name"] for a in out["artifacts"]] == ["report.json", "per_sample.json"]


def test_evaluate_config_checks_the_names_it_compares():
    models = [{"name": "teacher", "checkpoint": "t"}, {"name": "student", "checkpoint": "s"}]
    ok = {"models": models, "stepBudgets": [8, 256], "matchEntropy": {"model": "teacher", "target": "student"},
          "comparisons": [{"a": "student@8", "b": "teacher~matched@8"}]}
    cfg = parse_config("evaluate", ok)
    assert cfg.match_entropy.budgets == (8,) and cfg.comparisons == (("student@8", "teacher~matched@8"),)
    for bad, message in (
        ({"matchEntropy": {"model": "nobody", "target": "student"}}, "matchEntropy.model"),
        ({"matchEntropy": {"model": "teacher", "target": "student", "targetSteps": 4}}, "targetSteps"),
        ({"comparisons": [{"a": "student@16", "b": "teacher@8"}]}, "comparisons"),
        ({"comparisons": [{"a": "student", "b": "teacher@8"}]}, r"comparisons/0/a: 'student' does not match"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_config("evaluate", {**ok, **bad})
