/**
 * Every monitored component, in the order their rule files are listed. Adding a component is
 * adding a file here and a line below.
 */
import { absent } from './absent.ts';
import { backups } from './backups.ts';
import { circuitBreakers } from './circuitBreakers.ts';
import { database } from './database.ts';
import { general } from './general.ts';
import { kafka } from './kafka.ts';
import { queues } from './queues.ts';
import { retries } from './retries.ts';
import { sagas } from './sagas.ts';
import { selfMonitoring } from './selfMonitoring.ts';
import { services } from './services.ts';
import { slo } from './slo.ts';
import { telemetryPipeline } from './telemetryPipeline.ts';
import type { Component } from './types.ts';

/** The components whose rules the generator writes, one file each. */
export const components: readonly Component[] = [
  general,
  absent,
  selfMonitoring,
  services,
  circuitBreakers,
  retries,
  queues,
  kafka,
  slo,
  telemetryPipeline,
  backups,
  database,
  sagas,
];
