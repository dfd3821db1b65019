// The batch script of one Slurm submission. It refuses to run when a newer attempt of the job
// took over (the fence file in the job's directory names another attempt), then launches one
// rank per GPU (or per CPU rank) with srun; the ranks meet through torch.distributed's env://
// rendezvous on the first node of the allocation. Rank 0 reports as JSON lines (python/fsdfm/
// ranks.py) into a file of its own, which the worker follows.
import { join } from 'node:path'
import type { SlurmPlacement } from '../../jobs/slurm-limits.ts'

export const FENCE_FILE = '.slurm-fence'
/** What one submission wrote: the batch script's own output, and each rank's stdout/stderr. */
export const batchLog = (dir: string, slurmId: string) => join(dir, `slurm-${slurmId}.out`)
export const rankOutput = (dir: string, slurmId: string, rank = 0) => join(dir, `slurm-${slurmId}-rank${rank}.out`)

/** Single-quoted for bash. */
export const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

export function batchScript(o: { workDir: string; fence: number; pythonBin: string; pythonPath: string; specFile: string }): string {
  return `#!/bin/bash
# fsdfm: one Slurm submission of a job (src/worker/slurm/script.ts)
set -u
cd ${sh(o.workDir)} || exit 1
# A newer attempt of this job holds it: this submission must not touch its files.
if [ "$(cat ${FENCE_FILE} 2>/dev/null)" != "${o.fence}" ]; then echo "fsdfm: attempt ${o.fence} was superseded; not running"; exit 0; fi
export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_PORT=$((20000 + SLURM_JOB_ID % 20000))
export PYTHONPATH=${sh(o.pythonPath)}\${PYTHONPATH:+:$PYTHONPATH}
export PYTHONUNBUFFERED=1
echo "fsdfm: $SLURM_NTASKS rank(s) on $SLURM_JOB_NUM_NODES node(s) $SLURM_JOB_NODELIST, rendezvous $MASTER_ADDR:$MASTER_PORT"
# One task per rank: RANK, WORLD_SIZE and LOCAL_RANK are Slurm's task numbers.
exec srun --kill-on-bad-exit=1 --output=slurm-%j-rank%t.out --error=slurm-%j-rank%t.err \\
  bash -c 'RANK=$SLURM_PROCID WORLD_SIZE=$SLURM_NTASKS LOCAL_RANK=$SLURM_LOCALID exec "$0" -m fsdfm.ranks "$1"' ${sh(o.pythonBin)} ${sh(o.specFile)}
`
}

/** sbatch's flags for a placement. */
export function sbatchArgs(o: { name: string; workDir: string; placement: SlurmPlacement }): string[] {
  const p = o.placement
  return [
    `--job-name=${o.name}`,
    `--chdir=${o.workDir}`,
    `--output=${join(o.workDir, 'slurm-%j.out')}`,
    `--nodes=${p.nodes}`,
    `--ntasks-per-node=${p.ranksPerNode}`,
    ...(p.gpusPerNode > 0 ? [`--gpus-per-node=${p.gpusPerNode}`] : []),
    ...(p.partition ? [`--partition=${p.partition}`] : []),
    `--time=${p.minutes}`,
    // Resubmission is ours (from the checkpoint, counted): Slurm must not requeue on its own.
    '--no-requeue',
    '--export=ALL',
  ]
}
