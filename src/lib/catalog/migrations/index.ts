// The ordered list of schema migrations. A migration is never edited once released: its checksum
// is recorded, and a catalog whose recorded checksum differs is refused.

import * as initial from './0001-initial.js'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [{version: 1, ...initial}]

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length
