import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { isPinned } from './composeChecks.ts';

const dockerfile = readFileSync(join(__dirname, '..', 'demo-services', 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line))
  .map((line) => line.split(/\s+/));

describe('demo-services/Dockerfile', () => {
  it('has no problem the Dockerfile language service (dockerfile-utils) reports', () => {
    expect(validate(dockerfile)).toEqual([]);
  });

  it('builds from a pinned node 24 bookworm-slim image in every stage', () => {
    const bases = instructions.filter(([op]) => op === 'FROM').map(([, image]) => image!);
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) {
      expect(image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
      expect(isPinned(image)).toBe(true);
    }
  });

  it('installs with npm ci, builds the instrumentation package and drops dev dependencies', () => {
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
  });

  it('runs as the unprivileged node user', () => {
    const users = instructions.filter(([op]) => op === 'USER').map(([, user]) => user);
    expect(users.at(-1)).toBe('node');
  });

  it('copies every workspace manifest npm ci needs', () => {
    const workspaces = (
      JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    // A glob (`test-apps/*`) stands for every folder it matches.
    const folders = workspaces.flatMap((workspace) =>
      workspace.endsWith('/*')
        ? readdirSync(join(__dirname, '..', workspace.slice(0, -2))).map(
            (name) => `${workspace.slice(0, -1)}${name}`,
          )
        : [workspace],
    );
    expect(folders.length).toBeGreaterThan(workspaces.length);
    for (const folder of folders) expect(dockerfile).toContain(`COPY ${folder}/package.json ${folder}/`);
  });
});
