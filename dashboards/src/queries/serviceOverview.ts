/**
 * Queries of the Service overview dashboard: RED (rate, errors, duration) per service and
 * route of the HTTP servers, the same for the calls they make, and their caches.
 */
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import {
  byVariable,
  eq,
  increase,
  maxBy,
  orZero,
  quantile,
  rate,
  ratio,
  re,
  series,
  serviceMatcher,
  sumBy,
  targetsUp,
  type Matcher,
} from '../promql.ts';
import { legendOf, query, withExemplars, type PanelQueries } from './query.ts';

const server = metrics.httpServerDuration;
const cache = metrics.cacheRequests;
const client = metrics.httpClientDuration;
const ROUTE = 'http_route';
const STATUS = 'http_response_status_code';
const PEER = 'server_address';

const selected: readonly Matcher[] = [serviceMatcher, byVariable(ROUTE, 'route')];
const serverErrors = re(STATUS, '5..');

function requests(by: readonly string[]): string {
  return sumBy(by, rate(series(server, selected, 'count')));
}

function cacheLookups(by: readonly string[], matchers: readonly Matcher[] = []): string {
  return sumBy(by, rate(series(cache, [serviceMatcher, ...matchers])));
}

function errorRatio(by: readonly string[]): string {
  const errors = sumBy(by, rate(series(server, [...selected, serverErrors], 'count')));
  return ratio(orZero(errors, requests(by)), requests(by));
}

/** Targets per panel of the Service overview dashboard. */
export const serviceOverviewQueries = {
  targetsDown: [query(`count(${targetsUp()} == 0) or vector(0)`, 'targets down')],
  requestRate: [query(requests([]), 'requests/s')],
  errorRatio: [query(errorRatio([]), '5xx ratio')],
  latencyP95: [query(quantile(0.95, server, selected, []), 'p95')],
  requestsByRoute: [query(requests([SERVICE_LABEL, ROUTE]), legendOf(SERVICE_LABEL, ROUTE))],
  errorRatioByRoute: [query(errorRatio([SERVICE_LABEL, ROUTE]), legendOf(SERVICE_LABEL, ROUTE))],
  latencyByRoute: [
    withExemplars(
      query(
        quantile(0.95, server, selected, [SERVICE_LABEL, ROUTE]),
        `p95 ${legendOf(SERVICE_LABEL, ROUTE)}`,
      ),
    ),
  ],
  latencyPercentiles: [0.5, 0.95, 0.99].map((q) =>
    withExemplars(query(quantile(q, server, selected, [SERVICE_LABEL]), `p${q * 100} {{${SERVICE_LABEL}}}`)),
  ),
  responsesByStatus: [query(requests([SERVICE_LABEL, STATUS]), legendOf(SERVICE_LABEL, STATUS))],
  outgoingRequests: [
    query(
      sumBy([SERVICE_LABEL, PEER, STATUS], rate(series(client, [serviceMatcher], 'count'))),
      `${legendOf(SERVICE_LABEL)} → ${legendOf(PEER, STATUS)}`,
    ),
  ],
  outgoingLatency: [
    query(
      quantile(0.95, client, [serviceMatcher], [SERVICE_LABEL, PEER]),
      `p95 ${legendOf(SERVICE_LABEL)} → {{${PEER}}}`,
    ),
  ],
  cacheLookups: [
    query(cacheLookups([SERVICE_LABEL, 'cache', 'outcome']), legendOf(SERVICE_LABEL, 'cache', 'outcome')),
  ],
  // Degraded look-ups (Redis unreachable, or no master while Sentinel elects one) and the
  // failovers the cache clients followed; 0 where the cache has none.
  cacheDegradedAndFailovers: [
    query(
      sumBy([SERVICE_LABEL, 'cache'], increase(series(cache, [serviceMatcher, eq('outcome', 'degraded')]))),
      `degraded ${legendOf(SERVICE_LABEL, 'cache')}`,
    ),
    query(
      `${sumBy([SERVICE_LABEL, 'cache'], increase(series(metrics.cacheFailovers, [serviceMatcher])))} or vector(0)`,
      `failovers ${legendOf(SERVICE_LABEL, 'cache')}`,
    ),
  ],
  newestBackupAge: [query(`time() - max(${series(metrics.backupLastSuccess, [])})`, 'newest backup age')],
  backupAge: [query(maxBy(['database'], series(metrics.backupAge, [])), '{{database}}')],
  backupRuns: [
    query(
      sumBy(['database', 'outcome'], increase(series(metrics.backupRuns, []), '1h')),
      legendOf('database', 'outcome'),
    ),
  ],
  // The failover supervisor runs only beside a replicated database: 0 where it does not.
  replicas: [query(`max(${series(metrics.dbReplicas, [])}) or vector(0)`, 'streaming replicas')],
  // 0 without a supervisor (the demo's database has no replica): Streaming replicas says why.
  replicationLag: [
    query(
      `${maxBy(['replica'], series(metrics.dbReplicationLagSeconds, []))} or vector(0)`,
      '{{replica}} seconds',
    ),
    query(
      `${maxBy(['replica'], series(metrics.dbReplicationLagBytes, []))} or vector(0)`,
      '{{replica}} bytes',
    ),
  ],
  promotions: [query(`sum(${increase(series(metrics.dbPromotions, []), '1h')}) or vector(0)`, 'promotions')],
  cacheHitRatio: [
    query(
      ratio(
        orZero(
          cacheLookups([SERVICE_LABEL, 'cache'], [eq('outcome', 'hit')]),
          cacheLookups([SERVICE_LABEL, 'cache']),
        ),
        cacheLookups([SERVICE_LABEL, 'cache']),
      ),
      legendOf(SERVICE_LABEL, 'cache'),
    ),
  ],
} satisfies Record<string, PanelQueries>;
