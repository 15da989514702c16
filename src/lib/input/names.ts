// Names and small structured arguments typed by users. A name is any Unicode string of 1–255
// characters without control characters: quotes, semicolons, spaces and non-ASCII letters are
// ordinary names (SQL is parameterised, so nothing here needs to be "safe").

import {UsageError} from '../errors.js'

export const MAX_NAME_LENGTH = 255

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u

/** Returns `name` when it is a valid name of `kind` (e.g. "cluster"); throws a UsageError otherwise. */
export function validateName(kind: string, name: string): string {
  if (name === '') throw new UsageError(`${kind} name must not be empty`, {code: 'INVALID_NAME'})
  if (CONTROL.test(name)) {
    throw new UsageError(
      `invalid ${kind} name ${JSON.stringify(name)}: names cannot contain control characters`,
      {
        code: 'INVALID_NAME',
      },
    )
  }
  const length = [...name].length
  if (length > MAX_NAME_LENGTH) {
    throw new UsageError(`${kind} name is too long (${length} characters; the limit is ${MAX_NAME_LENGTH})`, {
      code: 'INVALID_NAME',
    })
  }
  return name
}

export interface ReplicaRef {
  readonly cluster: string
  readonly replica: string
}

/**
 * Parses `CLUSTER.REPLICA`. Cluster names may contain dots, so the cluster part ends at the first
 * dot that is neither escaped nor quoted: `"my.cluster".r1` (SQL-style double quotes, `""` for a
 * literal quote) and `my\.cluster.r1` (`\.` is a dot, `\\` a backslash, `\"` a quote) both name
 * replica r1 of cluster `my.cluster`. Everything after that dot is the replica name, read with the
 * same quoting and escapes; an unquoted replica name may contain dots (`prod.r.1` is replica
 * `r.1`).
 */
export function parseReplicaRef(text: string): ReplicaRef {
  const cluster = readPart(text, 0, true)
  if (cluster === null || cluster.end >= text.length || text[cluster.end] !== '.')
    throw invalidReplicaRef(text)
  const replica = readPart(text, cluster.end + 1, false)
  if (replica === null || replica.end !== text.length) throw invalidReplicaRef(text)
  return {cluster: validateName('cluster', cluster.value), replica: validateName('replica', replica.value)}
}

/** Reads one part from `start`; stops at an unescaped dot when `stopAtDot`. Null when malformed. */
function readPart(text: string, start: number, stopAtDot: boolean): {value: string; end: number} | null {
  if (text[start] === '"') {
    let value = ''
    let i = start + 1
    for (;;) {
      const quote = text.indexOf('"', i)
      if (quote === -1) return null
      value += text.slice(i, quote)
      if (text[quote + 1] === '"') {
        value += '"'
        i = quote + 2
      } else {
        return {value, end: quote + 1}
      }
    }
  }
  let value = ''
  let i = start
  while (i < text.length) {
    const ch = text[i] as string
    const next = text[i + 1]
    if (ch === '\\' && (next === '.' || next === '\\' || next === '"')) {
      value += next
      i += 2
    } else if (ch === '.' && stopAtDot) {
      break
    } else {
      value += ch
      i += 1
    }
  }
  return {value, end: i}
}

function invalidReplicaRef(text: string): UsageError {
  return new UsageError(`invalid replica ${JSON.stringify(text)}: use CLUSTER.REPLICA, e.g. prod.r1`, {
    code: 'INVALID_REPLICA_REF',
    hint: 'quote a cluster name that contains dots: \'"my.cluster".r1\'',
  })
}

export interface KeyValue {
  readonly name: string
  readonly value: string
}

/** Parses `name=value`, splitting at the first `=`; the value may be empty or contain `=`. */
export function parseKeyValue(text: string): KeyValue {
  const equals = text.indexOf('=')
  if (equals <= 0) {
    throw new UsageError(
      `invalid setting ${JSON.stringify(text)}: use NAME=VALUE, e.g. enable_eager_delta_joins=true`,
      {
        code: 'INVALID_KEY_VALUE',
      },
    )
  }
  return {name: validateName('parameter', text.slice(0, equals)), value: text.slice(equals + 1)}
}

/**
 * Parses a comma-separated availability-zone list (`az1, az2`), keeping its order (it is the
 * provisioning order). Items are trimmed; empty items and duplicates are refused. An empty or
 * blank string is the empty list (no zones).
 */
export function parseAzList(text: string): string[] {
  if (text.trim() === '') return []
  const zones = text.split(',').map((item) => item.trim())
  const seen = new Set<string>()
  for (const zone of zones) {
    if (zone === '') {
      throw new UsageError(`invalid availability zones ${JSON.stringify(text)}: the list has an empty item`, {
        code: 'INVALID_AVAILABILITY_ZONES',
        hint: 'separate zone names with single commas, e.g. use1-az1,use1-az2',
      })
    }
    if (seen.has(zone)) {
      throw new UsageError(
        `invalid availability zones ${JSON.stringify(text)}: ${JSON.stringify(zone)} is listed twice`,
        {
          code: 'INVALID_AVAILABILITY_ZONES',
        },
      )
    }
    seen.add(zone)
    validateName('availability zone', zone)
  }
  return zones
}
