// Where a worker finds a job's inputs and leaves its outputs. The worker always runs a job in a
// directory on its own disk (<artifact dir>/jobs/<id>); an ArtifactStore makes the inputs appear
// there and takes the outputs away. Two implementations:
//   - LocalArtifactStore: the artifact directory is the api's (same machine or a shared mount):
//     inputs are already in place, outputs are registered where they lie.
//   - RemoteArtifactStore (remote.ts): no shared disk; inputs come from the api's download
//     routes into a cache by sha256, outputs go up through resumable transfers (/v1/transfers).
// An object store (S3 and alike) would be a third: inputs by GetObject with a byte range into
// the same cache, outputs by multipart upload with the sha256 checked before the artifact row is
// written, and the api's download routes redirecting to presigned URLs (README, Design).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { jobDir, ownCheckpoint } from '../../jobs/paths.ts'
import { uploadsDir } from '../../jobs/uploads.ts'
import type { ArtifactInput } from '../../store/artifacts.ts'

export interface ArtifactStore {
  readonly mode: 'local' | 'remote'
  /** The directory, on this machine, of a succeeded dataset job's manifest and shards (`only`: just those files). */
  datasetDir(datasetJobId: string, only?: string[]): Promise<string>
  /** A job's checkpoint on this machine (an input, or a job's own to resume from); null when it has none. */
  checkpoint(jobId: string): Promise<string | null>
  /** The directory on this machine that holds the upload `uploadId` under its id. */
  uploadDir(uploadId: string | undefined): Promise<string>
  /**
   * Hands the files an attempt wrote (under its job directory) to the store. Returns the ones
   * the worker still registers itself, with the job's final state.
   */
  publish(job: { id: string; fence: number }, artifacts: ArtifactInput[]): Promise<ArtifactInput[]>
}

/** Where a dataset job keeps its manifest and shards, under an artifact directory. */
export const datasetDir = (artifactDir: string, jobId: string): string => join(jobDir(artifactDir, jobId), 'dataset')

export class LocalArtifactStore implements ArtifactStore {
  readonly mode = 'local'
  constructor(private readonly artifactDir: string) {}

  async datasetDir(datasetJobId: string): Promise<string> {
    return datasetDir(this.artifactDir, datasetJobId)
  }

  async checkpoint(jobId: string): Promise<string | null> {
    const path = ownCheckpoint(this.artifactDir, jobId)
    return existsSync(path) ? path : null
  }

  async uploadDir(): Promise<string> {
    return uploadsDir(this.artifactDir)
  }

  async publish(_job: { id: string; fence: number }, artifacts: ArtifactInput[]): Promise<ArtifactInput[]> {
    return artifacts
  }
}
