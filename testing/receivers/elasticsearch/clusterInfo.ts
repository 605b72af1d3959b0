/** The body of `GET /`: what a 9.x node reports about itself. */
import { createHash } from 'node:crypto';

/**
 * Cluster info in the shape of a real node's `GET /` for `version` (default 9.0.0, with the
 * Lucene and compatibility versions that release reports).
 */
export function clusterInfo(version = '9.0.0', clusterName = 'faultline-test'): Record<string, unknown> {
  const hash = createHash('sha1').update(version).digest('hex');
  return {
    name: 'faultline-receiver',
    cluster_name: clusterName,
    cluster_uuid: hash.slice(0, 22),
    version: {
      number: version,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: hash,
      build_date: '2025-04-08T07:37:25.000Z',
      build_snapshot: false,
      lucene_version: '10.1.0',
      minimum_wire_compatibility_version: '8.18.0',
      minimum_index_compatibility_version: '8.0.0',
    },
    tagline: 'You Know, for Search',
  };
}
