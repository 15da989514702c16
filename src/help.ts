// Help as oclif renders it, with one correction: the base command is non-strict so that oclif's
// space-separated command routing works (see BaseCommand.strict), which would make every USAGE
// line show `NAME...`. Help shows a command's own declared strictness instead, so `cluster show
// NAME` reads as taking one name and only truly variadic commands (`flags set`) show `...`.

import type {Command} from '@oclif/core'
import {Help} from '@oclif/core/help'

export default class MzclusterHelp extends Help {
  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    // Imported here, not at the top: the root and topic help never pay for the base command.
    const [{declaredStrict}, commandClass] = await Promise.all([import('./base-command.js'), command.load()])
    await super.showCommandHelp({...command, strict: declaredStrict(commandClass)} as Command.Loadable)
  }
}
