/** `npm run openapi:generate`: writes the committed copy of the order API's OpenAPI document. */
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from './openApi.ts';

/** Where the committed document lives, relative to the repository root. */
export const OPENAPI_PATH = 'demo-services/gateway/openapi.json';

/** The committed file's exact text. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(OPENAPI_PATH, renderOpenApi());
  console.log(`wrote ${OPENAPI_PATH}`);
}
