// Results name what jobs made by job id and artifact name, as the URL that downloads it, never
// by where it lies on a worker's disk: users read results on other machines, and a server path
// tells a caller about the server. Python reports paths (it works on files); the worker turns
// them into references here, once, before the result is stored.
import { sep } from 'node:path'

/** Where GET /v1/jobs/{id}/artifacts/{name} serves the artifact. */
export const artifactUrl = (jobId: string, name: string): string => `/v1/jobs/${jobId}/artifacts/${encodeURIComponent(name)}`

const JOB_ID = /^[0-9a-f-]{36}$/i

/**
 * `value` with every string that is a path under the artifact directory turned into a reference:
 * a job's file into its artifact URL, a job's directory (or its dataset directory) into the job's
 * URL; paths under the input root are shown relative to it. Everything else is left alone.
 */
export function publicRefs(value: unknown, dirs: { artifactDir: string; inputRoot: string }): unknown {
  const jobsRoot = dirs.artifactDir + sep + 'jobs' + sep
  const inputs = dirs.inputRoot + sep
  const map = (text: string): string => {
    if (text.startsWith(jobsRoot)) {
      const [id, ...rest] = text.slice(jobsRoot.length).split(sep)
      if (!JOB_ID.test(id)) return '<artifacts>'
      if (rest.length === 0 || (rest.length === 1 && (rest[0] === 'dataset' || rest[0] === ''))) return `/v1/jobs/${id}`
      // A file in the dataset directory is registered under its own name.
      return artifactUrl(id, rest[0] === 'dataset' ? rest.slice(1).join('/') : rest.join('/'))
    }
    if (text === dirs.artifactDir || text.startsWith(dirs.artifactDir + sep)) return '<artifacts>'
    if (text.startsWith(inputs)) return '<inputs>/' + text.slice(inputs.length)
    return text
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return map(v)
    if (Array.isArray(v)) return v.map(walk)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
    return v
  }
  return walk(value)
}
