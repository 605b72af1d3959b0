/**
 * Writes the JSON files of the Elasticsearch assets from their typed sources, formatted by
 * Prettier (`npm run elasticsearch:generate`). `assets.test.ts` fails when the committed files
 * drift from the sources.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { elasticsearchAssets } from './assets.ts';

for (const asset of elasticsearchAssets) {
  const target = join(import.meta.dirname, asset.file);
  const options = (await resolveConfig(target)) ?? {};
  await writeFile(target, await format(JSON.stringify(asset.body), { ...options, filepath: target }));
  console.log(`wrote ${target}`);
}
