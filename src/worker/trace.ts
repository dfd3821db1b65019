// The worker's side of a traced sample job: each frame Python reports (token ids of one batch)
// becomes a `trace` event with text pieces, and the frames of all batches are put together into
// trace.json, step by step, for GET /v1/jobs/{id}/trace.
import { writeFileSync, renameSync } from 'node:fs'
import { decodeTokens, type Vocabulary } from '../data/tokenizer.ts'
import type { RunTraceFrame, TraceEventData, TraceView } from '../schemas/trace.ts'

export class TraceRecorder {
  /** frames[step][sample]: the row of pieces, filled in as batches report. */
  private readonly rows: ((string | null)[] | undefined)[][] = []
  private readonly times: number[] = []
  private steps = 0
  private width = 0
  private readonly pieces = new Map<number, string>()

  constructor(
    private readonly vocab: Vocabulary,
    private readonly count: number,
    /** The run config's layout of a prompt or template (1 = generated), if any. */
    private readonly layout: { fixedTokens?: number[]; editMask?: number[] },
  ) {}

  /** One token's text piece, decoded once per id. */
  private piece(id: number): string {
    let text = this.pieces.get(id)
    if (text === undefined) {
      text = decodeTokens([id], this.vocab)
      this.pieces.set(id, text)
    }
    return text
  }

  /** Decodes Python's frames into event data, and keeps them for trace.json. */
  add(frames: RunTraceFrame[]): TraceEventData[] {
    return frames.map((f) => {
      const tokens = f.tokens.map((row) => row.map((id) => (id === null ? null : this.piece(id))))
      this.steps = f.steps
      this.times[f.step] = f.t
      const at = (this.rows[f.step] ??= [])
      tokens.forEach((row, i) => {
        at[f.firstSample + i] = row
        this.width = row.length
      })
      return { step: f.step, steps: f.steps, t: f.t, firstSample: f.firstSample, tokens }
    })
  }

  /** The whole trace; null unless every step of every sample was reported. */
  view(): TraceView | null {
    if (this.steps === 0 || this.rows.length !== this.steps + 1) return null
    const frames = []
    for (let step = 0; step <= this.steps; step++) {
      const at = this.rows[step]
      if (!at || at.length !== this.count) return null
      const tokens: (string | null)[][] = []
      for (let s = 0; s < this.count; s++) {
        const row = at[s]
        if (!row) return null
        tokens.push(row)
      }
      frames.push({ step, t: this.times[step], tokens })
    }
    const { fixedTokens, editMask } = this.layout
    const fixedRow = Array.from({ length: this.width }, (_, p) => (editMask ? editMask[p] === 0 : fixedTokens ? fixedTokens[p] >= 0 : false))
    return { steps: this.steps, fixed: Array.from({ length: this.count }, () => fixedRow), frames }
  }

  /** Writes trace.json (atomically); false when the trace is incomplete. */
  write(path: string): boolean {
    const view = this.view()
    if (!view) return false
    writeFileSync(`${path}.tmp`, JSON.stringify(view))
    renameSync(`${path}.tmp`, path)
    return true
  }
}
