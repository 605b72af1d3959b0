/**
 * `docs/signals.md` is generated from the signal catalogue and committed: it must be exactly
 * what the generator produces now, and name every metric of the catalogue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metrics } from '../src/catalogue/index.ts';
import { SIGNALS_DOC_PATH, renderSignalsDoc } from '../scripts/generate-signals-doc.ts';

const ROOT = join(__dirname, '..', '..');

test('the committed docs/signals.md matches the catalogue (run `npm run signals:doc` after changing it)', () => {
  const committed = readFileSync(join(ROOT, SIGNALS_DOC_PATH), 'utf8');
  expect(committed).toBe(renderSignalsDoc());
});

test('every catalogue metric is documented with its labels and, for histograms, its buckets', () => {
  const doc = renderSignalsDoc();
  for (const def of Object.values(metrics)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${def.name}\` |`));
    expect(row).toBeDefined();
    for (const label of def.labelNames) expect(row).toContain(`\`${label}\``);
    if ('buckets' in def && def.buckets) expect(row).toContain(def.buckets.join(', '));
  }
});
