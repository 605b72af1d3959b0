/**
 * The signal catalogue: every metric, label, log field and span attribute name Faultline
 * defines, in one place. Rules, dashboards, services, tests and docs import names from here.
 */
export * from './metrics.ts';
export * from './logFields.ts';
export * from './spanAttributes.ts';
