/** The lead and estimate views the UI tests draw (shared with the runner tests). */
export { estimateView, leadView, NOW } from '../content/fake-lookup';
