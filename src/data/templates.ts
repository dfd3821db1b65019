// Conditional sampling: a prompt or an infill template laid out as a fixed sequence of seqLen
// tokens plus an edit mask (1 = the sampler generates this position, 0 = kept as given).
import { TemplateError } from './errors.ts'
import { encodeText, type Vocabulary } from './tokenizer.ts'

/** Token id written at editable positions of fixedTokens (the sampler overwrites them). */
export const EDIT_PLACEHOLDER = 0

export interface FixedLayout {
  /** seqLen ids: the given tokens, EDIT_PLACEHOLDER where editMask is 1. */
  fixedTokens: number[]
  /** seqLen flags: 0 frozen, 1 editable. */
  editMask: (0 | 1)[]
}

function checkSeqLen(seqLen: number): void {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new TemplateError(`seqLen must be a positive integer, got ${seqLen}`)
}

/**
 * The prompt's tokens frozen at the start, every later position editable. Throws
 * TemplateError when the prompt has more than seqLen tokens. An empty prompt leaves the whole
 * sequence editable.
 */
export function promptToFixed(promptText: string, seqLen: number, vocab: Vocabulary): FixedLayout {
  checkSeqLen(seqLen)
  const tokens = encodeText(promptText, vocab)
  if (tokens.length > seqLen) {
    throw new TemplateError(`prompt is ${tokens.length} tokens, longer than the sequence length ${seqLen}`)
  }
  const fixedTokens = new Array<number>(seqLen).fill(EDIT_PLACEHOLDER)
  const editMask = new Array<0 | 1>(seqLen).fill(1)
  tokens.forEach((t, i) => {
    fixedTokens[i] = t
    editMask[i] = 0
  })
  return { fixedTokens, editMask }
}

type Part = { kind: 'text'; text: string } | { kind: 'hole'; n: number }

/** Text segments and holes of an infill template; TemplateError for a malformed one. */
export function parseInfillTemplate(template: string): Part[] {
  const parts: Part[] = []
  let pos = 0
  const marker = /\[\[|\]\]/g
  let m: RegExpExecArray | null
  while ((m = marker.exec(template)) !== null) {
    if (m[0] === ']]') throw new TemplateError(`malformed hole: "]]" at character ${m.index} has no opening "[["`)
    const close = template.indexOf(']]', m.index + 2)
    if (close === -1) throw new TemplateError(`malformed hole: "[[" at character ${m.index} is never closed with "]]"`)
    const inner = template.slice(m.index + 2, close)
    if (!/^\s*[+-]?\d+\s*$/.test(inner)) {
      throw new TemplateError(`malformed hole "[[${inner}]]" at character ${m.index}: write [[N]] with N the number of tokens to fill`)
    }
    const n = Number.parseInt(inner.trim(), 10)
    if (n < 1) throw new TemplateError(`hole "[[${inner}]]" at character ${m.index} asks for ${n} tokens; N must be at least 1`)
    if (m.index > pos) parts.push({ kind: 'text', text: template.slice(pos, m.index) })
    parts.push({ kind: 'hole', n })
    pos = close + 2
    marker.lastIndex = pos
  }
  if (pos < template.length) parts.push({ kind: 'text', text: template.slice(pos) })
  if (!parts.some((p) => p.kind === 'hole')) {
    throw new TemplateError('infill template has no holes: mark the spans to fill as [[N]] (N tokens), or use a prompt')
  }
  return parts
}

/**
 * An infill template such as "The jury said [[8]] and then [[5]]." laid out in seqLen tokens:
 * each text segment is tokenised on its own and frozen, each hole [[N]] is N editable
 * positions. Spaces ending a segment just before a hole are dropped (GPT-2 tokens carry their
 * leading space, so the hole's first token supplies it). Positions after the template, up to
 * seqLen, are EDITABLE: the model continues the text freely there. A literal "[[" or "]]" cannot
 * be written in a template. Throws TemplateError for a malformed hole, N < 1, no holes, or a
 * template (segments plus holes) longer than seqLen.
 */
export function infillToFixed(template: string, seqLen: number, vocab: Vocabulary): FixedLayout {
  checkSeqLen(seqLen)
  const parts = parseInfillTemplate(template)
  // Count before laying out: a hole of 10^20 tokens must be an error, not an array that size.
  const holes = parts.reduce((n, p) => n + (p.kind === 'hole' ? p.n : 0), 0)
  if (holes > seqLen) throw new TemplateError(`infill template holes are ${holes} tokens, longer than the sequence length ${seqLen}`)
  const fixedTokens: number[] = []
  const editMask: (0 | 1)[] = []
  parts.forEach((part, i) => {
    if (part.kind === 'hole') {
      for (let k = 0; k < part.n; k++) {
        fixedTokens.push(EDIT_PLACEHOLDER)
        editMask.push(1)
      }
      return
    }
    const text = parts[i + 1]?.kind === 'hole' ? part.text.replace(/ +$/, '') : part.text
    for (const t of encodeText(text, vocab)) {
      fixedTokens.push(t)
      editMask.push(0)
    }
  })
  if (fixedTokens.length > seqLen) {
    throw new TemplateError(`infill template is ${fixedTokens.length} tokens (text and holes), longer than the sequence length ${seqLen}`)
  }
  while (fixedTokens.length < seqLen) {
    fixedTokens.push(EDIT_PLACEHOLDER)
    editMask.push(1)
  }
  return { fixedTokens, editMask }
}
