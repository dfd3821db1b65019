"""Data parallel training with torch.distributed (NCCL on CUDA, gloo on CPU).

A run is distributed when WORLD_SIZE > 1 in the environment (torchrun, or `launch` below,
which spawns N local processes and sets the env:// variables for them).
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any, Callable, Optional

import torch
import torch.distributed as dist

__all__ = ["DistContext", "init_from_env", "single_process", "launch", "all_reduce_mean", "barrier", "shutdown", "free_port"]


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: str = "cpu"

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def single_process(device: str = "cpu") -> DistContext:
    return DistContext(device=device)


def init_from_env(device: str = "cpu") -> DistContext:
    """Join the process group described by RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT.

    With WORLD_SIZE unset or 1 nothing is initialised. On CUDA each process uses the GPU
    numbered LOCAL_RANK.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistContext(device=device)
    rank = int(os.environ["RANK"])
    local_rank = int(os.environ.get("LOCAL_RANK", rank))
    use_cuda = torch.device(device).type == "cuda"
    if use_cuda:
        torch.cuda.set_device(local_rank)
        device = f"cuda:{local_rank}"
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo", init_method="env://", rank=rank, world_size=world_size)
    return DistContext(rank=rank, world_size=world_size, local_rank=local_rank, device=device)


def all_reduce_mean(value: float, ctx: DistContext) -> float:
    if not ctx.enabled:
        return value
    t = torch.tensor([value], dtype=torch.float64, device=ctx.device)
    dist.all_reduce(t)
    return float(t.item()) / ctx.world_size


def barrier(ctx: DistContext) -> None:
    if ctx.enabled:
        dist.barrier()


def shutdown(ctx: DistContext) -> None:
    if ctx.enabled and dist.is_initialized():
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, fn: Callable[..., Any], world_size: int, port: int, args: tuple) -> None:
    os.environ.update(
        {"RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": str(world_size), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
    )
    fn(*args)


def launch(fn: Callable[..., Any], world_size: int, *args: Any, port: Optional[int] = None) -> None:
    """Run `fn(*args)` in `world_size` spawned processes with env:// rendezvous variables set.

    `fn` must be importable (module level). Each process calls `init_from_env` itself.
    """
    import torch.multiprocessing as mp

    mp.spawn(_worker, args=(fn, world_size, port or free_port(), args), nprocs=world_size, join=True)
