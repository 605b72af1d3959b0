/**
 * The Faultline defaults' figures on the express shape from an earlier `bench/results.json`, so
 * the report shows this run's CPU per request beside the previous one (results written before
 * shapes existed are the express shape). Absent or unreadable files give undefined.
 */
import { readFileSync } from 'node:fs';

/** What the report compares with. */
export interface PreviousFigures {
  readonly takenAt: string;
  /** Faultline defaults' app CPU per request, µs. */
  readonly cpuUsPerRequest: number;
  /** Bare's app CPU per request in that run, µs. */
  readonly bareCpuUsPerRequest: number;
  /** Faultline defaults' throughput as a share of bare's. */
  readonly throughputVsBare: number;
}

interface Row {
  readonly shape?: string;
  readonly variant?: string;
  readonly cpuUsPerRequest?: number;
  readonly vsBare?: { readonly throughput?: number };
}

function expressRow(rows: readonly Row[], variant: string): Row | undefined {
  return rows.find((row) => row.variant === variant && (row.shape ?? 'express') === 'express');
}

/** Reads `file`'s express-shape figures, or undefined when it has none. */
export function previousFigures(file: string): PreviousFigures | undefined {
  let parsed: { takenAt?: unknown; overhead?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  const rows = Array.isArray(parsed.overhead) ? (parsed.overhead as Row[]) : [];
  const faultline = expressRow(rows, 'faultline');
  const bare = expressRow(rows, 'bare');
  if (typeof parsed.takenAt !== 'string' || faultline?.cpuUsPerRequest === undefined) return undefined;
  if (bare?.cpuUsPerRequest === undefined) return undefined;
  return {
    takenAt: parsed.takenAt,
    cpuUsPerRequest: faultline.cpuUsPerRequest,
    bareCpuUsPerRequest: bare.cpuUsPerRequest,
    throughputVsBare: faultline.vsBare?.throughput ?? Number.NaN,
  };
}
