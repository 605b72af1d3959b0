import { hostUrl, isMultiHost, parseMultiHostUrl } from '../shared/failoverPool.ts';
import { afterCheck, type SupervisorState } from './supervisor.ts';

const watching: SupervisorState = { value: 'watching', failures: 0, lastHealthyAt: 0 };

describe('the failover decision', () => {
  it('promotes on the third consecutive failed check, not before', () => {
    const one = afterCheck(watching, false, 1, 3);
    const two = afterCheck(one, false, 2, 3);
    expect(two).toEqual({ value: 'watching', failures: 2, lastHealthyAt: 0 });
    expect(afterCheck(two, false, 3, 3)).toEqual({ value: 'promoting', lastHealthyAt: 0 });
  });

  it('forgets failures after a healthy check', () => {
    const failed = afterCheck(afterCheck(watching, false, 1, 3), false, 2, 3);
    expect(afterCheck(failed, true, 5, 3)).toEqual({ value: 'watching', failures: 0, lastHealthyAt: 5 });
  });

  it('never leaves the promoted state: the old primary coming back is not a reason to fail back', () => {
    const promoted: SupervisorState = { value: 'promoted', lastHealthyAt: 0, promotedAt: 9 };
    expect(afterCheck(promoted, true, 10, 3)).toBe(promoted);
  });
});

describe('multi-host database URLs', () => {
  it('splits the hosts and rebuilds a single-host URL for each', () => {
    const url = parseMultiHostUrl('postgres://app:secret@10.0.0.1:5432,db2/orders?sslmode=disable');
    expect(url.hosts).toEqual([
      { host: '10.0.0.1', port: 5432 },
      { host: 'db2', port: 5432 },
    ]);
    expect(hostUrl(url, url.hosts[1]!)).toBe('postgres://app:secret@db2:5432/orders?sslmode=disable');
    expect(isMultiHost('postgres://u@a:1,b:2/db')).toBe(true);
    expect(isMultiHost('postgres://u@a:1/db')).toBe(false);
  });
});
