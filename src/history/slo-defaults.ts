// The SLO defaults on their own, so that `secsli review --help` can show them without loading history code.
/** Default attainment objective: 90 % of runs meet both SLOs. */
export const DEFAULT_OBJECTIVE = 0.9;
/** Default "recent" period for the burn rate, in days before the window's end. */
export const DEFAULT_RECENT_DAYS = 28;
