/** The previous run's figures, read from results.json files of both layouts (before and after shapes). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { previousFigures } from './previous.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-previous-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('previousFigures', () => {
  it('reads a results file from before shapes existed as the express shape', () => {
    const path = file('old.json', {
      takenAt: '2026-11-25T08:47:55.298Z',
      overhead: [
        { variant: 'bare', cpuUsPerRequest: 22.5, vsBare: { throughput: 1 } },
        { variant: 'faultline', cpuUsPerRequest: 30.4, vsBare: { throughput: 0.7 } },
      ],
    });
    expect(previousFigures(path)).toEqual({
      takenAt: '2026-11-25T08:47:55.298Z',
      cpuUsPerRequest: 30.4,
      bareCpuUsPerRequest: 22.5,
      throughputVsBare: 0.7,
    });
  });

  it('takes the express shape’s rows, not another shape’s', () => {
    const path = file('shapes.json', {
      takenAt: 't',
      overhead: [
        { shape: 'fastify', variant: 'faultline', cpuUsPerRequest: 99, vsBare: { throughput: 0.5 } },
        { shape: 'fastify', variant: 'bare', cpuUsPerRequest: 50 },
        { shape: 'express', variant: 'bare', cpuUsPerRequest: 40 },
        { shape: 'express', variant: 'faultline', cpuUsPerRequest: 48, vsBare: { throughput: 0.83 } },
      ],
    });
    expect(previousFigures(path)).toMatchObject({ cpuUsPerRequest: 48, bareCpuUsPerRequest: 40 });
  });

  it('gives nothing for a missing, malformed or incomplete file', () => {
    expect(previousFigures(join(dir, 'absent.json'))).toBeUndefined();
    expect(previousFigures(file('bad.json', '{not json'))).toBeUndefined();
    expect(previousFigures(file('empty.json', { takenAt: 't', overhead: [] }))).toBeUndefined();
  });
});
