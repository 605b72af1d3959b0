/**
 * The committed rule files and alertmanager.yml are exactly what the generator writes: a change
 * to the config or a rule builder without `npm run alerts:generate` fails here.
 */
import { readFileSync } from 'node:fs';
import { renderGeneratedFiles } from '../src/generated.ts';
import { alertsPath } from './support/paths.ts';
import { ruleFileNames } from './support/ruleFiles.ts';

const REGENERATE = 'run `npm run alerts:generate` and commit the result';

describe('generated alerting files', () => {
  const files = renderGeneratedFiles();

  it.each(files.map((file) => [file.path, file.content]))(
    'alerts/%s matches the generator',
    (path, content) => {
      const committed = readFileSync(alertsPath(path), 'utf8');
      if (committed !== content) {
        throw new Error(`alerts/${path} differs from what the generator writes: ${REGENERATE}`);
      }
    },
  );

  it('has no rule file the generator no longer writes', () => {
    const generated = files
      .filter((f) => f.path.startsWith('rules/'))
      .map((f) => f.path.slice('rules/'.length));
    expect(ruleFileNames()).toEqual([...generated].sort());
  });
});
