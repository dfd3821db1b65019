// GPT-2 byte-level BPE (r50k_base from gpt-tokenizer) and the vocabularies a dataset may use:
// the full GPT-2 vocabulary, or a compact one (the most frequent tokens of a corpus, EOS and
// one unknown token, ids remapped) for CPU-sized models. See docs/contracts.md section 1.
import { decode as gpt2Decode, encode as gpt2Encode } from 'gpt-tokenizer/encoding/r50k_base'
import { DataError } from './errors.ts'

/** GPT-2 `<|endoftext|>`: separates documents. */
export const EOS_ID = 50256
export const GPT2_VOCAB_SIZE = 50257
/** How an unknown (out-of-vocabulary) token decodes. */
export const UNK_MARKER = '⟨unk⟩'
/** How a mask id (>= vocabulary size, the model's mask/source token) decodes. */
export const MASK_MARKER = '⟨mask⟩'

// Text is always ordinary text: a literal "<|endoftext|>" in it is encoded as characters.
const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() }

/** Raw GPT-2 ids of a text (no special tokens recognised). */
export function encodeGpt2(text: string): number[] {
  return gpt2Encode(text, PLAIN)
}

/** Text of raw GPT-2 ids (50256 decodes to "<|endoftext|>"). */
export function decodeGpt2(ids: Iterable<number>): string {
  return gpt2Decode(ids)
}

export type Vocabulary = Gpt2Vocabulary | CompactVocabulary

interface VocabularyBase {
  /** Number of ids; every id a dataset holds is < size (a mask id is >= size). */
  readonly size: number
  readonly eosId: number
  /** The id of unknown tokens, or null for the full GPT-2 vocabulary. */
  readonly unkId: number | null
  /** Id of a GPT-2 token in this vocabulary (unkId for a token left out). */
  fromGpt2(gpt2Id: number): number
  /** GPT-2 id of an id of this vocabulary; -1 for the unknown token. */
  toGpt2(id: number): number
}

export interface Gpt2Vocabulary extends VocabularyBase {
  readonly kind: 'gpt2'
  readonly unkId: null
}

export interface CompactVocabulary extends VocabularyBase {
  readonly kind: 'compact'
  readonly unkId: number
  /** gpt2Ids[compactId] = GPT-2 id; gpt2Ids[unkId] = -1. */
  readonly gpt2Ids: readonly number[]
}

const GPT2: Gpt2Vocabulary = Object.freeze({
  kind: 'gpt2' as const,
  size: GPT2_VOCAB_SIZE,
  eosId: EOS_ID,
  unkId: null,
  fromGpt2: (id: number) => id,
  toGpt2: (id: number) => id,
})

/** The full GPT-2 vocabulary (ids are GPT-2 ids). */
export function gpt2Vocab(): Gpt2Vocabulary {
  return GPT2
}

/**
 * A compact vocabulary from its id table (`gpt2Ids[compactId]`, exactly one -1 for the unknown
 * token, EOS_ID present, no duplicates, all < GPT2_VOCAB_SIZE).
 */
export function compactVocabFromIds(gpt2Ids: readonly number[]): CompactVocabulary {
  const toCompact = new Int32Array(GPT2_VOCAB_SIZE).fill(-1)
  let unkId = -1
  gpt2Ids.forEach((g, i) => {
    if (g === -1) {
      if (unkId !== -1) throw new DataError('invalid_vocabulary', `compact vocabulary has two unknown ids (${unkId}, ${i})`)
      unkId = i
      return
    }
    if (!Number.isInteger(g) || g < 0 || g >= GPT2_VOCAB_SIZE) {
      throw new DataError('invalid_vocabulary', `compact id ${i} maps to invalid GPT-2 id ${g}`)
    }
    if (toCompact[g] !== -1) throw new DataError('invalid_vocabulary', `GPT-2 id ${g} appears twice in the compact vocabulary`)
    toCompact[g] = i
  })
  if (unkId === -1) throw new DataError('invalid_vocabulary', 'compact vocabulary has no unknown id (-1)')
  const eosId = toCompact[EOS_ID]
  if (eosId === -1) throw new DataError('invalid_vocabulary', 'compact vocabulary lacks EOS (50256)')
  for (let g = 0; g < GPT2_VOCAB_SIZE; g++) if (toCompact[g] === -1) toCompact[g] = unkId
  const ids = Object.freeze([...gpt2Ids])
  return Object.freeze({
    kind: 'compact' as const,
    size: ids.length,
    eosId,
    unkId,
    gpt2Ids: ids,
    fromGpt2: (g: number) => toCompact[g],
    toGpt2: (id: number) => ids[id],
  })
}

/**
 * The compact vocabulary of a token-frequency table (counts[gpt2Id], e.g. of a training split):
 * the K - 1 most frequent tokens other than EOS (ties: the lower GPT-2 id first) at ids
 * 0..K-2 in order of frequency, the unknown token at K - 1, EOS at K; size K + 1.
 * Tokens that never occur are not kept, so a small corpus gives a smaller vocabulary.
 */
export function buildCompactVocab(counts: ArrayLike<number>, k: number): CompactVocabulary {
  if (!Number.isInteger(k) || k < 2) throw new DataError('invalid_vocabulary', `compact vocabulary size must be an integer >= 2, got ${k}`)
  const seen: number[] = []
  for (let g = 0; g < GPT2_VOCAB_SIZE; g++) if (g !== EOS_ID && (counts[g] ?? 0) > 0) seen.push(g)
  seen.sort((a, b) => counts[b] - counts[a] || a - b)
  const kept = seen.slice(0, k - 1)
  return compactVocabFromIds([...kept, -1, EOS_ID])
}

/** Ids of a text in a vocabulary (tokens outside a compact vocabulary become unkId). */
export function encodeText(text: string, vocab: Vocabulary = GPT2): number[] {
  const ids = encodeGpt2(text)
  if (vocab.kind === 'gpt2') return ids
  for (let i = 0; i < ids.length; i++) ids[i] = vocab.fromGpt2(ids[i])
  return ids
}

/**
 * Text of ids in a vocabulary. The unknown id decodes to UNK_MARKER, ids >= vocab.size (the
 * model's mask token) to MASK_MARKER, EOS to "<|endoftext|>". Runs of ordinary tokens are
 * decoded together, so characters split across byte-level tokens come out whole.
 */
export function decodeTokens(ids: Iterable<number>, vocab: Vocabulary = GPT2): string {
  let out = ''
  let run: number[] = []
  const flush = () => {
    if (run.length > 0) out += gpt2Decode(run)
    run = []
  }
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0) throw new DataError('invalid_token', `invalid token id ${id}`)
    if (id >= vocab.size) {
      flush()
      out += MASK_MARKER
    } else if (id === vocab.unkId) {
      flush()
      out += UNK_MARKER
    } else {
      run.push(vocab.toGpt2(id))
    }
  }
  flush()
  return out
}

/** The vocabulary a dataset manifest describes. */
export function vocabFromManifest(manifest: { compact: { gpt2Ids: readonly number[] } | null }): Vocabulary {
  return manifest.compact === null ? GPT2 : compactVocabFromIds(manifest.compact.gpt2Ids)
}
