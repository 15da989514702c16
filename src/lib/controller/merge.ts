// Strict join of the strategies' phase-1 state writes for one cluster. Equal values merge; two
// different values for one field are an invariant violation: the field is left unchanged and the
// conflict is reported (thrown by default, so tests and CI fail loudly; the CLI passes a logger).

import type {ClusterId, StateWrite} from './context.js'
import {jsonEqual} from './shape.js'

export type StateWriteField = keyof StateWrite

const FIELDS: readonly StateWriteField[] = [
  'newSize',
  'newReplicationFactor',
  'newAvailabilityZones',
  'newLogging',
  'reconfiguration',
  'burst',
]

export interface StateWriteConflict {
  readonly clusterId: ClusterId | null
  readonly field: StateWriteField
  readonly values: readonly unknown[]
}

export type ConflictHandler = (conflict: StateWriteConflict) => void

export class ConflictingStateWritesError extends Error {
  constructor(readonly conflict: StateWriteConflict) {
    const where = conflict.clusterId === null ? '' : ` on cluster ${conflict.clusterId}`
    super(`conflicting state writes${where}: strategies disagree on ${conflict.field}`)
    this.name = 'ConflictingStateWritesError'
  }
}

export const throwOnConflict: ConflictHandler = (conflict) => {
  throw new ConflictingStateWritesError(conflict)
}

export function isEmptyStateWrite(write: StateWrite): boolean {
  return FIELDS.every((field) => write[field] === undefined)
}

/** Order-independent: a field any two writes disagree on is absent from the result. */
export function mergeStateWrites(
  writes: readonly StateWrite[],
  onConflict: ConflictHandler = throwOnConflict,
  clusterId: ClusterId | null = null,
): StateWrite {
  const merged: Record<string, unknown> = {}
  for (const field of FIELDS) {
    const values = writes.map((write) => write[field]).filter((value) => value !== undefined)
    const [first] = values
    if (first === undefined) continue
    if (values.every((value) => jsonEqual(value, first))) merged[field] = first
    else onConflict({clusterId, field, values})
  }
  return merged as StateWrite
}
