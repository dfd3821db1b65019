// Where a job's outputs lie under the artifact directory: one directory per job, named by its id.
import { join } from 'node:path'

export const jobDir = (artifactDir: string, jobId: string): string => join(artifactDir, 'jobs', jobId)

/** A training job's own checkpoint: written as it trains, resumed from after a crash, a cancel or a resume. */
export const ownCheckpoint = (artifactDir: string, jobId: string): string => join(jobDir(artifactDir, jobId), 'checkpoint.pt')
