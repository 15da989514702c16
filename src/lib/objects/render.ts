// Human lines of the object commands: the confirmation after a create or drop, and what a dry run
// would write. Pure; colour comes in as a Style.

import type {Style} from '../output/style.js'
import {showControls} from '../output/style.js'
import {formatDuration, formatTimestamp} from '../output/time.js'
import type {ObjectJson} from './types.js'

type AnyObject = Omit<ObjectJson, 'id'> & {id: string | null}

const pinned = (object: AnyObject): string =>
  object.replica_name === null ? '' : `, pinned to replica ${showControls(object.replica_name)}`

const subject = (object: AnyObject): string =>
  `${object.type} ${showControls(object.name)}${object.id === null ? '' : ` (${object.id})`}`

export const objectCreatedLine = (object: ObjectJson): string =>
  `Created ${subject(object)} on cluster ${showControls(object.cluster_name)}${pinned(object)}.`

export const objectDroppedLine = (object: ObjectJson): string =>
  `Dropped ${subject(object)} from cluster ${showControls(object.cluster_name)}.`

function refreshLine(object: AnyObject): string | undefined {
  const schedule = object.refresh_schedule
  if (object.type !== 'materialized-view') return undefined
  if (schedule === null) return 'refresh on commit'
  const parts = [
    ...schedule.everies.map(
      (every) => `every ${formatDuration(every.interval_ms)} aligned to ${formatTimestamp(every.aligned_to)}`,
    ),
    ...schedule.ats.map((at) => `at ${formatTimestamp(at)}`),
  ]
  return `refresh ${parts.join(', ')}`
}

/** A dry run of `object create`. */
export function objectCreateLines(object: AnyObject, style: Style): string[] {
  const refresh = refreshLine(object)
  return [
    `Would create ${subject(object)} on cluster ${showControls(object.cluster_name)} (${object.cluster_id})${pinned(object)}:`,
    `  ${style.add('+')} ${object.type} ${showControls(object.name)}${refresh === undefined ? '' : `, ${refresh}`}`,
  ]
}

/** A dry run of `object drop`. */
export function objectDropLines(object: ObjectJson, style: Style): string[] {
  return [
    `Would drop ${subject(object)} from cluster ${showControls(object.cluster_name)} (${object.cluster_id}), with its hydration and frontier reports:`,
    `  ${style.remove('-')} ${object.type} ${showControls(object.name)} (${object.id})`,
  ]
}
