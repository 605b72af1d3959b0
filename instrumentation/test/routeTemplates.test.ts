/**
 * Route templates on the frameworks services run, each a real app started with the flag as a
 * child process, CommonJS and ESM: the span name, `http.route` and the histogram's `http_route`
 * carry the template the framework matched, never a path segment the client sent; a request
 * without a template (plain `node:http`, or nothing matched) keeps the span name `{method}`,
 * has no `http.route`, and is counted under the one bounded label value `unmatched`.
 */
import { join } from 'node:path';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { testAppDir } from '../scripts/compatibility.ts';
import { ROOT, runApp, sampleValue, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');

/** One request and what it must be recorded as; `route: undefined` means no template. */
interface Case {
  readonly path: string;
  readonly status: number;
  readonly route: string | undefined;
  readonly headers?: Record<string, string>;
}

interface AppUnderTest {
  readonly name: string;
  readonly fixture: string;
  readonly env?: Record<string, string>;
  readonly cases: readonly Case[];
}

const expressCases: Case[] = [
  { path: '/health', status: 200, route: '/health' },
  { path: '/orgs/acme/members/ada', status: 200, route: '/orgs/:orgId/members/:memberId' },
  { path: '/orgs/globex/members', status: 200, route: '/orgs/:orgId/members' },
  {
    path: '/orgs/initech/teams/red/members/bob',
    status: 200,
    route: '/orgs/:orgId/teams/:teamId/members/:memberId',
  },
  { path: '/tenants/umbrella/settings/theme', status: 200, route: '/tenants/:tenant/settings/:key' },
  { path: '/guides/getting-started', status: 200, route: '/docs|/guides/:slug' },
  { path: '/about/team', status: 200, route: '/about/:section' },
  { path: '/orgs/hooli/nothing-here', status: 404, route: undefined },
];

const fastifyCases: Case[] = [
  { path: '/users/ada', status: 200, route: '/users/:id' },
  { path: '/orgs/acme/members/bob', status: 200, route: '/orgs/:orgId/members/:memberId' },
  {
    path: '/orgs/globex/members/eve',
    status: 401,
    route: '/orgs/:orgId/members/:memberId',
    headers: { 'x-deny': '1' },
  },
  { path: '/orgs/hooli/nothing-here', status: 404, route: undefined },
];

const apps: AppUnderTest[] = [
  { name: 'express 5', fixture: 'express-mounts', cases: expressCases },
  {
    name: 'express 4',
    fixture: 'express-mounts',
    env: { EXPRESS_FROM: testAppDir(ROOT, 'express4') },
    cases: expressCases,
  },
  { name: 'fastify 5', fixture: 'fastify-app', cases: fastifyCases },
  {
    name: 'fastify 4',
    fixture: 'fastify-app',
    env: { LIBRARIES_FROM: testAppDir(ROOT, 'fastify4') },
    cases: fastifyCases,
  },
  {
    name: 'koa 3 + @koa/router',
    fixture: 'koa-app',
    cases: [
      { path: '/users/ada', status: 200, route: '/users/:id' },
      { path: '/orgs/acme/members/bob', status: 200, route: '/orgs/:orgId/members/:memberId' },
      { path: '/orgs/hooli/nothing-here', status: 404, route: undefined },
    ],
  },
  {
    name: 'koa 2 + @koa/router 12',
    fixture: 'koa-app',
    env: { LIBRARIES_FROM: testAppDir(ROOT, 'koa2') },
    cases: [
      { path: '/users/ada', status: 200, route: '/users/:id' },
      { path: '/orgs/acme/members/bob', status: 200, route: '/orgs/:orgId/members/:memberId' },
      { path: '/orgs/hooli/nothing-here', status: 404, route: undefined },
    ],
  },
  {
    name: 'hapi 20',
    fixture: 'hapi-app',
    env: { LIBRARIES_FROM: testAppDir(ROOT, 'hapi20') },
    cases: [
      { path: '/users/ada', status: 200, route: '/users/{id}' },
      { path: '/orgs/acme/members/bob', status: 200, route: '/orgs/{orgId}/members/{memberId}' },
      { path: '/orgs/hooli/nothing-here', status: 404, route: undefined },
    ],
  },
  {
    name: 'hapi 21',
    fixture: 'hapi-app',
    cases: [
      { path: '/users/ada', status: 200, route: '/users/{id}' },
      { path: '/orgs/acme/members/bob', status: 200, route: '/orgs/{orgId}/members/{memberId}' },
      { path: '/orgs/hooli/nothing-here', status: 404, route: undefined },
    ],
  },
  ...(['express', 'fastify'] as const).map((adapter) => ({
    name: `NestJS 11 on ${adapter}`,
    fixture: 'nest-app',
    env: { NEST_ADAPTER: adapter },
    cases: [
      { path: '/api/users/ada', status: 200, route: '/api/users/:id' },
      { path: '/api/users/ada/posts/7', status: 200, route: '/api/users/:id/posts/:postId' },
      { path: '/api/nothing-here', status: 404, route: undefined },
    ],
  })),
  {
    name: 'plain node:http',
    fixture: 'plain-http',
    cases: [
      { path: '/users/ada', status: 200, route: undefined },
      { path: '/missing/acme', status: 404, route: undefined },
    ],
  },
];

const variants = apps.flatMap((app) => [
  { ...app, kind: 'CommonJS', flag: '--require' as const, script: join(fixtures, `${app.fixture}.cjs`) },
  { ...app, kind: 'ESM', flag: '--import' as const, script: join(fixtures, `${app.fixture}.mjs`) },
]);

describe.each(variants)('$name ($kind, $flag)', ({ script, flag, env, cases }) => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script,
      flag,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', ...env },
    });
    for (const { path, status, headers } of cases) {
      expect({ path, status: (await fetch(`${app.url}${path}`, { headers })).status }).toEqual({
        path,
        status,
      });
    }
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('names each server span after its route template, or `{method}` without one', async () => {
    const spans = await receiver.waitForSpans((all) =>
      cases.every(({ path }) => all.some((span) => span.attributes['url.path'] === path)),
    );
    const recorded = cases.map(({ path }) => {
      const span = spans.find((s) => s.attributes['url.path'] === path)!;
      return { path, name: span.name, route: span.attributes['http.route'] };
    });
    expect(recorded).toEqual(
      cases.map(({ path, route }) => ({
        path,
        name: route === undefined ? 'GET' : `GET ${route}`,
        route,
      })),
    );
  });

  it('counts requests by route template, with `unmatched` as the one value without one', async () => {
    const text = await app.metrics();
    const expected = new Map<string, number>();
    for (const { route, status } of cases) {
      const key = `${route ?? 'unmatched'} ${status}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    for (const [key, count] of expected) {
      const [route, status] = key.split(' ');
      expect({
        key,
        count: sampleValue(text, 'http_server_request_duration_seconds_count', {
          http_route: route!,
          http_request_method: 'GET',
          http_response_status_code: status!,
        }),
      }).toEqual({ key, count });
    }
    const routes = [...text.matchAll(/http_route="([^"]*)"/g)].map((match) => match[1]);
    expect(new Set(routes)).toEqual(new Set(cases.map(({ route }) => route ?? 'unmatched')));
  });
});
