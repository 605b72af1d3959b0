/**
 * `node bench/profile.ts [variant] [seconds] [keep-dir] [--shape express|fastify|express-db]
 * [--ship-logs]`: runs one variant of a bench service under the bench's load with `--cpu-prof`,
 * then prints where its CPU went: self time by package and the hottest functions. Used to decide
 * what to make lighter, and pointed to by the README where a target is missed.
 */
import { join } from 'node:path';
import { startElasticsearchSink } from './esSink.ts';
import { profileVariant, type Share } from './profiler.ts';
import { shapes, SHAPE_IDS, type ShapeId } from './shapes.ts';
import { startSink } from './sink.ts';
import { variants, type VariantId } from './variants.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const shapeAt = args.indexOf('--shape');
const shapeId = (shapeAt === -1 ? 'express' : args[shapeAt + 1]) as ShapeId;
if (!SHAPE_IDS.includes(shapeId))
  throw new Error(`--shape ${shapeId} is not accepted: ${SHAPE_IDS.join(', ')} are`);
const positional = args.filter((arg, i) => !arg.startsWith('--') && (shapeAt === -1 || i !== shapeAt + 1));
const variantId = (positional[0] ?? 'faultline') as VariantId;
const seconds = Number(positional[1] ?? 10);
const keepDir = positional[2];

function print(title: string, shares: readonly Share[]): void {
  process.stdout.write(`\n${title}\n`);
  for (const { name, share } of shares)
    process.stdout.write(`  ${(100 * share).toFixed(1).padStart(5)}%  ${name}\n`);
}

const sink = await startSink();
// `--ship-logs`: also ship winston records to a local Elasticsearch stand-in.
const elasticsearch = args.includes('--ship-logs') ? await startElasticsearchSink() : undefined;
try {
  const variant = variants(root)[variantId];
  const summary = await profileVariant({
    root,
    shape: shapes(root)[shapeId],
    variant,
    backends: { sinkUrl: sink.url, elasticsearchUrl: elasticsearch?.url },
    load: { path: '/users/42', connections: 50, pipelining: 1, durationS: seconds },
    warmupS: 2,
    cpu: undefined,
    keepDir,
  });
  process.stdout.write(
    `${variant.label} on ${shapeId}: ${summary.throughput.toFixed(0)} req/s, ` +
      `${summary.cpuUsPerRequest.toFixed(0)} µs CPU/request; busy CPU ${summary.busySeconds.toFixed(2)} s\n`,
  );
  print('self time by package:', summary.byPackage);
  print('hottest functions (self time):', summary.hottest);
} finally {
  await sink.close();
  await elasticsearch?.close();
}
