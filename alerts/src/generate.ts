/**
 * Writes the generated alerting files under `alerts/`: `rules/<component>.rules.yml` and
 * `alertmanager.yml` (its default rendering). Run with `npm run alerts:generate`; a test fails
 * when the committed files differ from what this writes.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderGeneratedFiles } from './generated.ts';

const alertsDir = join(import.meta.dirname, '..');
const files = renderGeneratedFiles();

// Rule files of a component that no longer exists must not linger.
const rulesDir = join(alertsDir, 'rules');
mkdirSync(rulesDir, { recursive: true });
const wanted = new Set(files.map((file) => join(alertsDir, file.path)));
for (const name of readdirSync(rulesDir, { withFileTypes: true }).filter((e) => e.isFile())) {
  const path = join(rulesDir, name.name);
  if (name.name.endsWith('.rules.yml') && !wanted.has(path)) rmSync(path);
}

for (const file of files) {
  const path = join(alertsDir, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  console.log(`wrote alerts/${file.path}`);
}
