"""FS-DFM: few-step discrete flow matching for text.

Math core: `path` (mixture path), `model` (DiT teacher/student, causal ARM), `solvers`
(sampling steps), `losses`, `teachers` (shortcut teachers for distillation), `sampling`.
Imports stay light: nothing optional (flash kernels, transformers, tqdm) is imported here.
"""
from .losses import cross_entropy_loss, forward_kl, generalized_kl_loss
from .model import (
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
from .path import MixturePath, PolynomialScheduler
from .sampling import generate
from .solvers import SOLVERS, get_solver, make_time_grid
from .teachers import shortcut_teacher_logits

__version__ = "0.1.0"

__all__ = [
    "ARM",
    "DiT",
    "MixturePath",
    "ModelConfig",
    "PRESETS",
    "PolynomialScheduler",
    "SOLVERS",
    "build_model",
    "count_parameters",
    "count_parameters_from_config",
    "cross_entropy_loss",
    "flops_per_token",
    "forward_kl",
    "generalized_kl_loss",
    "generate",
    "get_solver",
    "load_weights_by_name",
    "make_time_grid",
    "model_config_from_spec",
    "shortcut_teacher_logits",
    "__version__",
]
