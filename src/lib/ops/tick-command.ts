// The shared body of `tick` and `plan`: run, render (plan text or JSON), warn, and set the
// detailed exit code. Kept out of the command modules so they stay cheap to load.

import type {Db} from '../catalog/db.js'
import type {TickPhases} from '../controller/tick.js'
import {parseNow} from '../input/time.js'
import {planJson} from '../output/plan-json.js'
import {hasChanges} from '../output/plan-summary.js'
import {renderPlan} from '../output/plan-text.js'
import {exitCodes} from '../errors.js'
import {tick} from './tick.js'

export interface TickCommandHost {
  readonly json: boolean
  /** The base command's colour decision for stdout. */
  readonly color: boolean
}

export interface TickCommandOptions {
  readonly phases: TickPhases
  readonly clusterNames?: string[]
  readonly dryRun: boolean
  readonly now?: string
  readonly detailedExitcode: boolean
}

export async function runTickCommand(host: TickCommandHost, db: Db, options: TickCommandOptions): Promise<unknown> {
  const nowMs = options.now === undefined ? undefined : parseNow(options.now, Date.now())
  const {report, warnings} = await tick(db, {phases: options.phases, clusterNames: options.clusterNames, dryRun: options.dryRun, nowMs})
  const mode = options.dryRun ? 'plan' : 'applied'
  for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`)
  if (!host.json) {
    const text = renderPlan(report, {mode, color: host.color})
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  if (options.detailedExitcode && hasChanges(report)) process.exitCode = exitCodes.changes
  return planJson(report, mode)
}
