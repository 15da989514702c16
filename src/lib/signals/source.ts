// Which signal source the controller reads (system parameter `signal_source`, product.md §4): with
// `simulated`, reports written by `signal …` are stored but not what the controller acts on.

import type {Queryable} from '../catalog/db.js'
import {SystemParameters} from '../catalog/parameters.js'

export type SignalSourceKind = 'catalog' | 'simulated'

/** The environment's `signal_source`, `catalog` when unset. */
export async function signalSourceKind(q: Queryable): Promise<SignalSourceKind> {
  return (await SystemParameters.read(q)).string('signal_source') === 'simulated' ? 'simulated' : 'catalog'
}

/** The warning a report deserves when the controller will not read it, or null. */
export async function simulatedSourceWarning(q: Queryable): Promise<string | null> {
  return (await signalSourceKind(q)) === 'simulated'
    ? 'signal_source is simulated: the report is stored, but the controller derives signals until signal_source is catalog.'
    : null
}
