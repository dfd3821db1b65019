// The embedded database (PGlite) is one process's files: a second process opening the same
// directory would corrupt it. A lock file next to it names the holder; a second process is
// refused with that name, and a lock left by a process that is gone (no such pid on this host,
// a lock from before the last boot, or our own pid: a container restarted with the same pid)
// is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

export const LOCK_FILE = 'fsdfm.lock'

interface Holder {
  pid: number
  host: string
  boot: string
  startedAt: string
  argv: string
}

/** This boot of the kernel (Linux); '' elsewhere, where a reboot is not told apart. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return ''
  }
}

/** The data directory is held by another live process. */
export class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    readonly holder: Holder,
  ) {
    super(
      `the embedded database in ${dir} is in use by process ${holder.pid} on ${holder.host} (${holder.argv}, since ${holder.startedAt}); ` +
        `stop that process first, or give this one its own FSDFM_DATA_DIR (or a DATABASE_URL to share a PostgreSQL)`,
    )
    this.name = 'DataDirInUse'
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>
    return typeof h.pid === 'number' && typeof h.host === 'string' ? (h as Holder) : null
  } catch {
    return null // missing, or half-written by a process that died while writing it
  }
}

/** Takes the directory's lock or throws DataDirInUse; returns the release function. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, LOCK_FILE)
  const me: Holder = { pid: process.pid, host: hostname(), boot: bootId(), startedAt: new Date().toISOString(), argv: process.argv.slice(1).join(' ').slice(0, 200) }
  for (let tries = 0; ; tries++) {
    try {
      // 'wx': created only when absent, so two processes starting together cannot both win.
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' })
      return () => {
        if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true })
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 3) throw err
    }
    const holder = readHolder(file)
    // A holder on another host (a shared disk) cannot be checked from here: refuse.
    const live = holder !== null && (holder.host !== me.host || (holder.boot === me.boot && holder.pid !== me.pid && alive(holder.pid)))
    if (live) throw new DataDirInUse(dir, holder)
    rmSync(file, { force: true }) // left behind by a process that is gone
  }
}
