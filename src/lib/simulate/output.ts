// Writing a timeline the way `simulate` and `history` print it: text (with a step chart on a
// terminal) or nothing on stdout with --json, and the --svg/--html files. Charting libraries load
// only when a picture is asked for.

import {writeFile} from 'node:fs/promises'
import type {Timeline} from './timeline.js'
import {timelineJson, type TimelineJson} from './timeline.js'

export interface TimelineOutput {
  readonly json: boolean
  readonly color: boolean
  /** Terminal width when stdout is a terminal (draws the step chart). */
  readonly columns?: number
  readonly svg?: string
  readonly html?: string
  note(line: string): void
}

export async function writeTimeline(timeline: Timeline, output: TimelineOutput): Promise<TimelineJson> {
  if (output.svg !== undefined) {
    const {renderTimelineSvg} = await import('./chart.js')
    await writeFile(output.svg, await renderTimelineSvg(timeline))
    output.note(`Wrote the timeline chart to ${output.svg}.`)
  }
  if (output.html !== undefined) {
    const {renderTimelineHtml} = await import('./html.js')
    await writeFile(output.html, await renderTimelineHtml(timeline))
    output.note(`Wrote the timeline page to ${output.html}.`)
  }
  if (!output.json) {
    const {renderTimeline} = await import('./render-text.js')
    process.stdout.write(`${renderTimeline(timeline, {color: output.color, columns: output.columns})}\n`)
  }
  return timelineJson(timeline)
}
