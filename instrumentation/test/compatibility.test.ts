/**
 * The README's table of supported libraries is generated from the list of what the tests run
 * (`scripts/compatibility.ts`), with the versions installed where the tests load them: it must
 * be exactly what the generator produces now, and every test app an entry names must be used
 * by the test the entry names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TESTED_LIBRARIES,
  renderCompatibilityTable,
  withCompatibilityTable,
} from '../scripts/compatibility.ts';
import { ROOT } from './support/runApp.ts';

test('the README’s compatibility table is what the generator writes (run `npm run compatibility:doc`)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toBe(withCompatibilityTable(readme, renderCompatibilityTable(ROOT)));
});

test.each(TESTED_LIBRARIES.filter((entry) => entry.testApp !== undefined))(
  '$test runs $library from test-apps/$testApp',
  ({ test: file, testApp }) => {
    expect(readFileSync(join(ROOT, 'instrumentation', 'test', file), 'utf8')).toContain(`'${testApp}'`);
  },
);
