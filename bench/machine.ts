/** A description of the machine and its load, printed with every table. */
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';

/** The machine a run was taken on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-, 5- and 15-minute load averages. */
  readonly loadAverage: readonly number[];
}

/** Describes this machine now. */
export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
