// The flags library's typed errors. They are part of the tool's one error hierarchy
// (src/lib/errors.ts): each is a UsageError (exit 2, nothing written) or a MzclusterError with its
// exit code, so the base command turns any of them into one clear line without knowing where it
// came from. This module only adds the flags-specific messages and machine codes.

import {exitCodes, MzclusterError, UsageError} from '../errors.js'

/** An environment id that is not `<provider>-<region>-<org uuid>-<ordinal>`. */
export class EnvironmentIdError extends UsageError {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid environment id ${JSON.stringify(input)}: ${reason}`, {
      code: 'INVALID_ENVIRONMENT_ID',
      hint: 'set a valid one with `mzcluster catalog init --environment-id ID`',
    })
  }
}

/** A LaunchDarkly key map (`param=flag;param2=flag2`) that cannot be used. */
export class KeyMapError extends UsageError {
  constructor(message: string) {
    super(`invalid LaunchDarkly key map: ${message}`, {code: 'INVALID_KEY_MAP'})
  }
}

/** An object for which no LaunchDarkly context can be built (e.g. an id that is neither `s<N>` nor `u<N>`). */
export class ContextError extends UsageError {
  constructor(message: string) {
    super(message, {code: 'INVALID_CONTEXT'})
  }
}

/**
 * The flag source (flags file or LaunchDarkly) could not be opened or did not initialize in time:
 * exit 2 for a bad file (bad input), 1 for an unreachable LaunchDarkly (a runtime failure).
 */
export class FlagSourceError extends MzclusterError {
  constructor(message: string, exitCode: 1 | 2 = exitCodes.failure, hint?: string) {
    super(message, exitCode, {code: 'FLAG_SOURCE_ERROR', hint})
  }
}
