import type { TimelineView } from '../shared/timeline/view.js';

/** A counterexample's timeline as the report draws it, with the panel that shows its selected event. */
export interface ReportTimeline extends TimelineView {
  readonly details: HTMLElement;
}
