// What a job will cost, estimated at the door from its spec alone, so a request that would
// exhaust a worker (memory, tokens, steps) is refused with a 400 instead of taking the worker
// down. The estimates are deliberately simple upper-bound-ish sums of the large tensors; they
// are meant to catch requests off by orders of magnitude, not to pack GPUs tightly.
import type { ModelSpec } from '../schemas/jobs.ts'

/** Sizes of the presets, mirrored from python/fsdfm/model.py PRESETS (a test keeps the two equal). */
export const PRESET_SHAPES: Record<string, { hidden: number; blocks: number; heads: number; condDim: number }> = {
  tiny: { hidden: 64, blocks: 2, heads: 2, condDim: 32 },
  small: { hidden: 256, blocks: 4, heads: 4, condDim: 64 },
  base: { hidden: 768, blocks: 12, heads: 12, condDim: 128 },
  '0.17B': { hidden: 768, blocks: 12, heads: 12, condDim: 128 },
  '1.3B': { hidden: 2048, blocks: 21, heads: 32, condDim: 128 },
  '1.7B': { hidden: 2048, blocks: 28, heads: 32, condDim: 128 },
}

export const FULL_VOCAB = 50258

export function modelShape(model: ModelSpec | undefined) {
  const preset = PRESET_SHAPES[model?.preset ?? 'tiny']
  return {
    hidden: model?.hidden ?? preset.hidden,
    blocks: model?.blocks ?? preset.blocks,
    heads: model?.heads ?? preset.heads,
    condDim: model?.condDim ?? preset.condDim,
  }
}

/** Rough parameter count: embeddings + output + 12 h^2 per block (attention, MLP ratio 4, adaLN). */
export function estimateParams(model: ModelSpec | undefined, vocabSize: number): number {
  const { hidden, blocks, condDim } = modelShape(model)
  return 2 * vocabSize * hidden + blocks * (12 * hidden * hidden + 6 * condDim * hidden)
}

/**
 * Peak bytes of one training step on one device: float32 weights, gradients, two AdamW moments
 * and the EMA (20 B per parameter; a distillation also holds the teacher and its shortcut
 * copy), plus what the backward pass keeps per token (about 34 B per hidden unit and block),
 * the attention probabilities (no fused kernel on CPU) and the float32 logits with their
 * softmax and gradient. A distillation step runs the model on several intermediate states.
 */
export function trainingBytes(model: ModelSpec | undefined, vocab: number, microBatch: number, seqLen: number, distill: boolean): number {
  const s = modelShape(model)
  const params = estimateParams(model, vocab)
  const tokens = microBatch * seqLen
  const perStep = tokens * s.hidden * s.blocks * 34 + microBatch * s.heads * seqLen * seqLen * 4 * s.blocks + tokens * vocab * 4 * 3
  return params * (distill ? 28 : 20) + perStep * (distill ? 2 : 1)
}

/** Peak bytes of one sampling step on one device: weights, float32 logits and two scratch copies, attention scores, hidden states. */
export function samplingBytes(model: ModelSpec | undefined, vocab: number, batch: number, seqLen: number): number {
  const s = modelShape(model)
  return estimateParams(model, vocab) * 4 + batch * seqLen * vocab * 4 * 3 + batch * s.heads * seqLen * seqLen * 4 + batch * seqLen * s.hidden * 4 * 8
}

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GiB`
