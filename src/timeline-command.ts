// What `simulate` and `history` share: the picture flags and how a timeline is shown — text on
// stdout (with a step chart on a terminal), or nothing there under --json, and the --svg/--html
// files. Charting libraries load only when a picture is asked for.

import * as Flags from '@oclif/core/flags'
import {writeFile} from 'node:fs/promises'
import type {Command} from '@oclif/core'
import {BaseCommand} from './base-command.js'
import type {Timeline, TimelineJson} from './lib/simulate/timeline.js'

export const pictureFlags = {
  svg: Flags.string({summary: 'Write the timeline chart to this SVG file.', helpValue: 'FILE'}),
  html: Flags.string({summary: 'Write a self-contained page (chart, credit curve, event table) to this file.', helpValue: 'FILE'}),
}

export abstract class TimelineCommand<T extends typeof Command> extends BaseCommand<T> {
  /** Write the pictures asked for, print the text unless --json, and return the JSON document. */
  protected async show(timeline: Timeline, pictures: {svg?: string; html?: string}): Promise<TimelineJson> {
    if (pictures.svg !== undefined) {
      const {renderTimelineSvg} = await import('./lib/simulate/chart.js')
      await writeFile(pictures.svg, await renderTimelineSvg(timeline))
      this.note(`Wrote the timeline chart to ${pictures.svg}.`)
    }
    if (pictures.html !== undefined) {
      const {renderTimelineHtml} = await import('./lib/simulate/html.js')
      await writeFile(pictures.html, await renderTimelineHtml(timeline))
      this.note(`Wrote the timeline page to ${pictures.html}.`)
    }
    if (!this.jsonEnabled()) {
      const {renderTimeline} = await import('./lib/simulate/render-text.js')
      this.say(renderTimeline(timeline, {color: this.style.enabled, columns: process.stdout.isTTY ? process.stdout.columns : undefined}))
    }
    const {timelineJson} = await import('./lib/simulate/timeline.js')
    return timelineJson(timeline)
  }
}
