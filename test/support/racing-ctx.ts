// A catalog controller context whose next apply first lets a concurrent writer run (then applies
// as usual): the race between a tick's decision and its apply, made deterministic.

import {CatalogControllerCtx} from '../../src/lib/catalog/controller-context.js'
import type {ApplyOutcome, Decision} from '../../src/lib/controller/context.js'

export class RacingCtx extends CatalogControllerCtx {
  beforeNextApply: (() => Promise<void>) | null = null

  override async applyEach(batches: readonly (readonly Decision[])[]): Promise<ApplyOutcome[]> {
    const hook = this.beforeNextApply
    this.beforeNextApply = null
    if (hook) await hook()
    return super.applyEach(batches)
  }
}
