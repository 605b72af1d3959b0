/**
 * How the consumer-group monitor tells its failures apart: the `reason` label values, the
 * error that carries one, and recognising kafkajs's unknown-topic answer.
 */

/** Why a part of a sample failed, as the `reason` label spells it. */
export type MonitorFailure = 'unreachable' | 'unknown_group' | 'unknown_topic';

/** Every reason, for starting each failure series at 0. */
export const MONITOR_FAILURES: readonly MonitorFailure[] = ['unreachable', 'unknown_group', 'unknown_topic'];

/** A failure of one part of a sample, with the reason it is counted under. */
export class SampleFailure extends Error {
  readonly reason: MonitorFailure;

  constructor(reason: MonitorFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether kafkajs reported an unknown topic (directly or as the cause of a retry failure). */
export function isUnknownTopic(error: unknown): boolean {
  for (
    let current = error as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined;
    current;
  ) {
    if (current.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return false;
}
