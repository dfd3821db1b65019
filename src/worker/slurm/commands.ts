// Slurm's command-line tools, the only way the Slurm worker talks to the cluster: sbatch to
// submit, squeue (then sacct, for jobs squeue has forgotten) to follow, scancel to stop. They
// read SLURM_CONF and the rest of Slurm's environment from this process.
import { execFile } from 'node:child_process'

export class SlurmCommandError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(`${command}: ${message}`)
    this.name = 'SlurmCommandError'
  }
}

function run(command: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new SlurmCommandError(command, (stderr || err.message).trim()))
      else resolve(stdout)
    })
  })
}

/** Submits a batch script; returns the Slurm job id. */
export async function sbatch(args: string[], script: string): Promise<string> {
  const out = (await run('sbatch', ['--parsable', ...args, script])).trim()
  const id = out.split(';')[0] // "<id>[;<cluster>]"
  if (!/^\d+$/.test(id)) throw new SlurmCommandError('sbatch', `unexpected answer ${JSON.stringify(out)}`)
  return id
}

export interface SlurmJobState {
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, … */
  state: string
  /** Why it waits or ended (squeue's %r), e.g. Resources, Priority, TimeLimit. */
  reason: string
}

/** The job's state, from squeue (which keeps ended jobs for MinJobAge) or else sacct; null when neither knows it. */
export async function jobState(id: string): Promise<SlurmJobState | null> {
  try {
    const line = (await run('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T|%r'])).trim().split('\n')[0]
    if (line) {
      const [state, reason = ''] = line.split('|')
      return { state: state.trim(), reason: reason.trim() }
    }
  } catch {
    // squeue forgets ended jobs ("Invalid job id specified"): ask the accounting database
  }
  try {
    const line = (await run('sacct', ['-n', '-X', '-P', '-j', id, '-o', 'State,Reason'])).trim().split('\n')[0]
    if (line) {
      const [state, reason = ''] = line.split('|')
      return { state: state.split(' ')[0].trim(), reason: reason.trim() } // "CANCELLED by 0"
    }
  } catch {
    // no accounting storage on this cluster
  }
  return null
}

/** Ids of the jobs with this name that are still queued or running. */
export async function activeJobsNamed(name: string): Promise<string[]> {
  const out = await run('squeue', ['-h', '--name', name, '-t', 'PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED,REQUEUED,RESIZING,SIGNALING,STAGE_OUT', '-o', '%i'])
  return out.split('\n').map((l) => l.trim()).filter(Boolean)
}

export async function scancel(id: string): Promise<void> {
  await run('scancel', [id])
}

/** Slurm states after which the job will not run again. */
export const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'PREEMPTED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED'])
