// The terminal side of waiting (`cluster alter --wait`, `cluster wait`, `cluster cancel`): progress
// on stderr that moves on a TTY (a spinner and an elapsed counter) and prints a line only when
// something changes otherwise; one-time notes when nothing can progress; a Ctrl-C that stops only
// the waiting and says who finishes the work; and the result line or exit code. Loaded lazily by
// the commands that wait.

import type {ClusterRow, TargetJson} from '../lib/catalog/cluster-rows.js'
import type {Db} from '../lib/catalog/db.js'
import {liveLeaseHolder} from '../lib/catalog/leases.js'
import {
  alterJson,
  followHint,
  NO_CONTROLLER_NOTE,
  noReportsNote,
  progressLine,
  progressSuffix,
  retirementHint,
  settle,
} from '../lib/alter/present.js'
import type {WaitOptions, WaitOutcome, WaitProgress} from '../lib/alter/wait.js'
import {waitForReconfiguration, waitForRetirement} from '../lib/alter/wait.js'
import type {SourceInput} from '../lib/flags/configured.js'
import type {OpenedOnDemand} from '../lib/flags/create-time.js'

export type Awaiting = {readonly kind: 'target'; readonly target: TargetJson} | {readonly kind: 'retirement'; readonly cancelled: TargetJson}

export interface TerminalWait {
  readonly clusterId: string
  readonly clusterName: string
  readonly awaiting: Awaiting
  /** Tick the cluster while waiting (false: `--no-drive`, only watch). */
  readonly drive: boolean
  readonly maxWaitMs?: number
  /**
   * The flag source of the command's flags (else the environment's): replicas the driven ticks
   * create get their scoped flags in the same transaction. Opened once for the whole wait.
   */
  readonly flagSource?: SourceInput
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const FRAME_MS = 120

const note = (line: string) => process.stderr.write(`${line}\n`)

/** Progress on stderr: redrawn in place with a spinner on a TTY, one line per change otherwise. */
function progressRenderer(clusterName: string, tty: boolean) {
  let latest: WaitProgress | null = null
  let shownAtMs = 0
  let lastPrinted = ''
  let frame = 0
  let drawn = false
  const draw = () => {
    if (!latest) return
    // The elapsed counter moves between polls too.
    const progress = {...latest, elapsedMs: latest.elapsedMs + (Date.now() - shownAtMs)}
    process.stderr.write(`\r\x1b[2K${SPINNER[frame++ % SPINNER.length]} ${progressLine(clusterName, progress)} · ${progressSuffix(progress)}`)
    drawn = true
  }
  const timer = tty ? setInterval(draw, FRAME_MS) : null
  return {
    update(progress: WaitProgress) {
      latest = progress
      shownAtMs = Date.now()
      if (tty) return draw()
      const line = progressLine(clusterName, progress)
      if (line !== lastPrinted) process.stderr.write(`${line} (${progressSuffix(progress)})\n`)
      lastPrinted = line
    },
    /** Clear the line before anything else is printed. */
    clear() {
      if (tty && drawn) process.stderr.write('\r\x1b[2K')
      drawn = false
    },
    stop() {
      if (timer) clearInterval(timer)
      this.clear()
    },
  }
}

/** Wait in the terminal; the outcome is the library's, the messages are shown here. */
export async function waitInTerminal(db: Db, wait: TerminalWait): Promise<WaitOutcome> {
  if (!wait.drive && (await liveLeaseHolder(db)) === null) note(`Note: ${NO_CONTROLLER_NOTE}.`)
  const abort = new AbortController()
  const onSignal = () => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const progress = progressRenderer(wait.clusterName, Boolean(process.stderr.isTTY))
  let drive: WaitOptions['drive']
  let createTimeFlags: OpenedOnDemand | null = null
  if (wait.drive) {
    const [{tick}, {configuredFlags}] = await Promise.all([import('../lib/ops/tick.js'), import('../lib/flags/configured.js')])
    createTimeFlags = await configuredFlags(wait.flagSource)
    const flags = createTimeFlags
    drive = async (clusterName) => (await tick(db, {clusterNames: [clusterName], createTimeFlags: flags})).warnings
  }
  const options: WaitOptions = {
    clusterId: wait.clusterId,
    drive,
    maxWaitMs: wait.maxWaitMs,
    signal: abort.signal,
    onProgress: (p) => progress.update(p),
    onWarning: (warning) => {
      progress.clear()
      note(`Warning: ${warning}`)
    },
    onNoReports: (stall) => {
      progress.clear()
      note(`Note: ${noReportsNote(stall)}`)
    },
  }
  try {
    return wait.awaiting.kind === 'target'
      ? await waitForReconfiguration(db, {...options, awaited: wait.awaiting.target})
      : await waitForRetirement(db, {...options, cancelled: wait.awaiting.cancelled})
  } finally {
    createTimeFlags?.close()
    progress.stop()
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}

/**
 * Report a wait's outcome: the result line on stderr and the JSON document, exit 130 after Ctrl-C
 * (with who finishes the work), or exit 3 (thrown) when the target was not reached.
 */
export async function finishWait(db: Db, wait: TerminalWait, outcome: WaitOutcome, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const hint = async () => {
    const controller = await liveLeaseHolder(db)
    return wait.awaiting.kind === 'retirement' ? retirementHint(wait.clusterName, controller) : followHint(wait.clusterName, controller)
  }
  if (outcome.kind === 'still-waiting' && outcome.why === 'interrupted') {
    note(`Stopped waiting for ${wait.clusterName}; ${await hint()}.`)
    process.exitCode = 130
    return alterJson(outcome.row, {...fields, outcome: 'interrupted'})
  }
  if (wait.awaiting.kind === 'retirement' && outcome.kind === 'succeeded') {
    note(outcome.how === 'dropped' ? `${wait.clusterName}: the cluster was dropped while waiting.` : `${wait.clusterName}: cancelled; the in-flight replicas are dropped.`)
    return alterJson(outcome.row, {...fields, outcome: outcome.how === 'dropped' ? 'dropped' : 'cancelled'})
  }
  note(settle(wait.clusterName, outcome, outcome.kind === 'still-waiting' ? await hint() : ''))
  return alterJson(outcome.row as ClusterRow | null, {...fields, outcome: outcome.kind === 'succeeded' ? outcome.how : outcome.kind})
}
