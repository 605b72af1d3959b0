import type { IlmPolicyBody } from './types.ts';

/** How many days Faultline keeps logs: the one place this number is set. */
export const LOG_RETENTION_DAYS = 14;

/** Name of the lifecycle policy the log data stream's backing indices follow. */
export const ILM_POLICY_NAME = 'faultline-logs';

/**
 * The lifecycle of the log data stream's backing indices: written to while hot, rolled over
 * daily or at 10 GB per primary shard (whichever comes first), deleted `LOG_RETENTION_DAYS`
 * after rollover.
 */
export const ilmPolicy = {
  policy: {
    _meta: { managed_by: 'faultline', description: 'Faultline service logs' },
    phases: {
      hot: {
        min_age: '0ms',
        actions: {
          rollover: { max_age: '1d', max_primary_shard_size: '10gb' },
          set_priority: { priority: 100 },
        },
      },
      delete: {
        min_age: `${LOG_RETENTION_DAYS}d`,
        actions: { delete: { delete_searchable_snapshot: true } },
      },
    },
  },
} satisfies IlmPolicyBody;
