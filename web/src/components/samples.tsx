// A sample job's texts side by side, with the part the caller fixed (a prompt, or the template
// around an infill's holes) highlighted.
import type { Job } from '../../../src/client/index.ts'

type Piece = { text: string; fixed: boolean }

/** Splits a sample's text into what the spec fixed and what the model wrote. */
export function highlight(text: string, spec: Record<string, unknown>): Piece[] {
  const prompt = typeof spec.prompt === 'string' ? spec.prompt : null
  if (prompt && text.startsWith(prompt)) return [{ text: prompt, fixed: true }, { text: text.slice(prompt.length), fixed: false }]
  const infill = typeof spec.infill === 'string' ? spec.infill : null
  if (!infill) return [{ text, fixed: false }]
  // The template's fixed parts, found in order; what lies between them filled a hole.
  const parts = infill.split(/\[\[\d+\]\]/).map((p) => p.trim()).filter(Boolean)
  const out: Piece[] = []
  let at = 0
  for (const part of parts) {
    const i = text.indexOf(part, at)
    if (i < 0) continue
    if (i > at) out.push({ text: text.slice(at, i), fixed: false })
    out.push({ text: part, fixed: true })
    at = i + part.length
  }
  if (at < text.length) out.push({ text: text.slice(at), fixed: false })
  return out
}

export function Samples({ job }: { job: Job }) {
  const samples = (job.result as { samples?: { text: string }[] } | null)?.samples ?? []
  if (!samples.length) return null
  const spec = job.spec
  return (
    <section aria-labelledby="samples-h">
      <h2 id="samples-h">Samples</h2>
      <p class="muted">
        {spec.prompt ? 'The prompt is highlighted.' : spec.infill ? 'The infill template is highlighted; the rest filled its holes.' : 'Unconditional samples.'}
      </p>
      <div class="samples">
        {samples.map((s, i) => (
          <article class="sample" aria-label={`Sample ${i}`}>
            <h3>Sample {i}</h3>
            <p>
              {highlight(s.text, spec).map((p) => (p.fixed ? <mark>{p.text}</mark> : <span>{p.text}</span>))}
            </p>
          </article>
        ))}
      </div>
    </section>
  )
}
