"""Data parallel on CPU: two gloo processes against one process on the concatenated batch."""
import os

import torch

from fsdfm.config import parse_config
from fsdfm.data import WindowSampler, open_dataset
from fsdfm.distributed import init_from_env, launch, shutdown
from fsdfm.model import build_model, model_config_from_spec
from fsdfm.train import TrainingJob, arm_objective, make_ema, run_training
from helpers import make_dataset, pretrain_config

STEPS = 4


def train_arm(dataset, out_dir, batch_size, distributed):
    """ARM training has no sampling noise, so N ranks must match 1 process exactly (up to fp)."""
    torch.set_num_threads(1)
    ctx = init_from_env("cpu") if distributed else None
    rank, world = (ctx.rank, ctx.world_size) if ctx else (0, 1)
    cfg = parse_config("pretrain", pretrain_config(modelType="arm", batchSize=batch_size, steps=STEPS, gradClip=0.5, lr=1e-2))
    ds = open_dataset(dataset)
    model_cfg = model_config_from_spec(cfg.model, vocab_size=ds.vocab_size, num_outputs=ds.vocab_size, kind="arm", max_seq_len=16)
    torch.manual_seed(0)
    model = build_model(model_cfg)
    job = TrainingJob(
        kind="arm", model=model, ema=make_ema(model), objective=arm_objective(), optim=cfg.optim, ema_decay=0.9,
        sampler=WindowSampler(ds.train, 16, batch_size, 0, rank=rank, world_size=world), device=torch.device("cpu"),
        work_dir=out_dir, meta={"modelConfig": model_cfg.to_dict(), "vocabSize": ds.vocab_size}, **({"dist": ctx} if ctx else {}),
    )
    losses = []
    from fsdfm.train import Reporter

    run_training(job, reporter=Reporter(progress=lambda p: losses.append(p["loss"])))
    torch.save({"model": model.state_dict(), "losses": losses}, os.path.join(out_dir, f"rank{rank}.pt"))
    if ctx:
        shutdown(ctx)


def test_two_gloo_ranks_match_one_process_on_the_global_batch(tmp_path):
    dataset = make_dataset(tmp_path)
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    single.mkdir(), ddp.mkdir()
    train_arm(dataset, str(single), 4, distributed=False)
    launch(train_arm, 2, dataset, str(ddp), 2, True)
    ranks = [torch.load(ddp / f"rank{r}.pt") for r in range(2)]
    reference = torch.load(single / "rank0.pt")
    for name, value in reference["model"].items():
        assert torch.equal(ranks[0]["model"][name], ranks[1]["model"][name]), name
        assert torch.allclose(ranks[0]["model"][name], value, atol=1e-5), name
    assert (ddp / "checkpoint.pt").exists()  # written by rank 0 only
    # each rank's loss is over its half of the batch; their mean is the single-process loss
    for step in range(STEPS):
        mean = (ranks[0]["losses"][step] + ranks[1]["losses"][step]) / 2
        assert abs(mean - reference["losses"][step]) < 1e-4
