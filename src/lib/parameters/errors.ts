// The parameters' typed error: a value the grammar refuses is a usage error (exit 2, nothing
// written), part of the tool's one error hierarchy (src/lib/errors.ts).

import {UsageError} from '../errors.js'

/** A duration that does not match the strict grammar (`30s`, `1h30m`, `0`). */
export class DurationParseError extends UsageError {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid duration ${JSON.stringify(input)}: ${reason} (examples: 500ms, 30s, 5m, 1h30m, 0)`, {
      code: 'INVALID_DURATION',
    })
  }
}
