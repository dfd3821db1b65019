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


def test_hf_judge_is_skipped_without_transformers(tmp_path):
    lines = []
    ds = open_dataset(make_dataset(tmp_path))
    cfg = parse_config("evaluate", {"models": [{"name": "m", "checkpoint": "x"}], "judges": [{"kind": "ngram", "order": 2}, {"kind": "hf", "path": "/nope"}]})
    judges = build_judges(cfg.judges, ds, log=lines.append)
    names = [j.name for j in judges]
    try:
        import transformers  # noqa: F401
    except ImportError:
        assert names == ["ngram2"] and "transformers" in lines[0]


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
