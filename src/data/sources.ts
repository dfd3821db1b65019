// Where a dataset's documents come from: the bundled Brown corpus, uploaded text, or a file or
// folder under the server's input root (FSDFM_INPUT_ROOT). Paths never escape that root.
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DatasetSpec } from '../schemas/jobs.ts'
import { loadBrown, type Document } from './brown.ts'
import { DataError, InvalidJsonl, PathOutsideRoot } from './errors.ts'

export type { Document } from './brown.ts'
export type TextFormat = 'text' | 'jsonl'

/**
 * Documents of plain text: separated by one or more blank lines (a line that is empty or only
 * whitespace). Each document is trimmed; CRLF is read as LF. A text without blank lines is one
 * document.
 */
export function parseText(text: string, idPrefix = 'doc'): Document[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\f\v]*\n\s*/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t, i) => ({ id: `${idPrefix}${i}`, text: t }))
}

/**
 * Documents of JSON Lines: each non-blank line is an object with a string `text`. A bad line
 * throws InvalidJsonl naming its line number (from 1). Documents with empty text are skipped.
 * A string `id` on the object is kept.
 */
export function parseJsonl(text: string, idPrefix = 'doc', file?: string): Document[] {
  const docs: Document[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line.length === 0) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (err) {
      throw new InvalidJsonl(i + 1, `not valid JSON (${(err as Error).message})`, file)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidJsonl(i + 1, 'expected a JSON object with a "text" string', file)
    }
    const rec = value as Record<string, unknown>
    if (typeof rec.text !== 'string') throw new InvalidJsonl(i + 1, 'missing "text" string', file)
    if (rec.text.trim().length === 0) continue
    docs.push({ id: typeof rec.id === 'string' ? rec.id : `${idPrefix}${i + 1}`, text: rec.text })
  }
  return docs
}

export function parseDocuments(text: string, format: TextFormat, idPrefix = 'doc', file?: string): Document[] {
  return format === 'jsonl' ? parseJsonl(text, idPrefix, file) : parseText(text, idPrefix)
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p)
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel))
}

/**
 * The real path of `userPath` (relative to `root`, or absolute) after resolving `..` and every
 * symlink; PathOutsideRoot when it lies outside the real path of `root`, PathNotFound when it
 * does not exist.
 */
export async function resolveInsideRoot(root: string, userPath: string): Promise<string> {
  let realRoot: string
  try {
    realRoot = await realpath(root)
  } catch {
    throw new DataError('no_input_root', `input root ${JSON.stringify(root)} does not exist`)
  }
  const lexical = path.resolve(realRoot, userPath)
  // Refuse lexical escapes before touching the file system (no probing outside the root).
  if (!inside(realRoot, lexical) && !inside(path.resolve(root), path.resolve(root, userPath))) {
    throw new PathOutsideRoot(userPath, root)
  }
  let real: string
  try {
    real = await realpath(path.resolve(root, userPath))
  } catch {
    throw new DataError('path_not_found', `path ${JSON.stringify(userPath)} does not exist under the input root`)
  }
  if (!inside(realRoot, real)) throw new PathOutsideRoot(userPath, root)
  return real
}

const EXT_FORMAT: Record<string, TextFormat> = { '.txt': 'text', '.jsonl': 'jsonl' }

/**
 * Documents of a file or folder under `root`. A file is read as `format`, or by its extension
 * (.txt text, .jsonl jsonl) when it has one of those. A folder reads every *.txt and *.jsonl file
 * below it (recursively, hidden entries skipped) in sorted path order; each entry must also
 * resolve inside the root (a symlink pointing out is PathOutsideRoot).
 */
export async function readPathDocuments(root: string, userPath: string, format: TextFormat = 'text'): Promise<Document[]> {
  const real = await resolveInsideRoot(root, userPath)
  const realRoot = await realpath(root)
  const st = await stat(real)
  if (st.isFile()) {
    const fmt = EXT_FORMAT[path.extname(real).toLowerCase()] ?? format
    return parseDocuments(await readFile(real, 'utf8'), fmt, `${userPath}#`, userPath)
  }
  if (!st.isDirectory()) throw new DataError('invalid_source', `path ${JSON.stringify(userPath)} is neither a file nor a folder`)
  const files: { rel: string; real: string; format: TextFormat }[] = []
  const seen = new Set<string>()
  const walk = async (dirReal: string, relDir: string): Promise<void> => {
    if (seen.has(dirReal)) return
    seen.add(dirReal)
    const entries = (await readdir(dirReal)).filter((n) => !n.startsWith('.')).sort()
    for (const name of entries) {
      const rel = relDir ? `${relDir}/${name}` : name
      const shown = path.join(userPath, rel)
      const entryReal = await resolveInsideRoot(realRoot, path.join(dirReal, name)).catch((err) => {
        if (err instanceof PathOutsideRoot) throw new PathOutsideRoot(shown, root)
        throw err
      })
      const est = await stat(entryReal)
      if (est.isDirectory()) await walk(entryReal, rel)
      else if (est.isFile()) {
        const fmt = EXT_FORMAT[path.extname(name).toLowerCase()]
        if (fmt) files.push({ rel, real: entryReal, format: fmt })
      }
    }
  }
  await walk(real, '')
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
  const docs: Document[] = []
  for (const f of files) {
    const shown = path.join(userPath, f.rel)
    docs.push(...parseDocuments(await readFile(f.real, 'utf8'), f.format, `${shown}#`, shown))
  }
  return docs
}

export interface SourceOptions {
  /** Allowed root of `path` sources (FSDFM_INPUT_ROOT). */
  dataRoot?: string
  /** Directory of uploads (`uploadId` sources): <artifactDir>/uploads. */
  uploadDir?: string
}

/** The documents a dataset spec names, before maxDocuments and the split. */
export async function loadDocuments(spec: DatasetSpec, opts: SourceOptions = {}): Promise<Document[]> {
  const source = spec.source ?? 'brown'
  const format = spec.format ?? 'text'
  switch (source) {
    case 'brown':
      return (await loadBrown()).map(({ id, text }) => ({ id, text }))
    case 'upload':
      if (typeof spec.text === 'string') return parseDocuments(spec.text, format, 'upload#')
      if (typeof spec.uploadId !== 'string' || !opts.uploadDir) throw new DataError('invalid_source', 'source "upload" needs `uploadId` (or inline `text`)')
      return parseDocuments(await readFile(path.join(opts.uploadDir, path.basename(spec.uploadId)), 'utf8'), format, 'upload#')
    case 'path': {
      if (typeof spec.path !== 'string' || spec.path.length === 0) throw new DataError('invalid_source', 'source "path" needs `path`')
      const root = opts.dataRoot
      if (!root) throw new DataError('no_input_root', 'source "path" needs an input root (FSDFM_INPUT_ROOT)')
      return readPathDocuments(root, spec.path, format)
    }
    default:
      throw new DataError('invalid_source', `unknown source ${JSON.stringify(source)}`)
  }
}
