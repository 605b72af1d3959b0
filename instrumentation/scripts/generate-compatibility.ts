/**
 * Writes the README's table of tested library versions from `compatibility.ts`. Run from the
 * repository root with `npm run compatibility:doc`.
 */
import { writeCompatibilityTable } from './compatibility.ts';

writeCompatibilityTable(process.cwd());
