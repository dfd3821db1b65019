// Where a job's outputs lie under the artifact directory: one directory per job, named by its id.
import { join } from 'node:path'

export const jobDir = (artifactDir: string, jobId: string): string => join(artifactDir, 'jobs', jobId)
