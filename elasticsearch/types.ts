import type { estypes } from '@elastic/elasticsearch';

/**
 * Request bodies of the Elasticsearch APIs Faultline calls, derived from the request types the
 * Elasticsearch specification publishes (through `@elastic/elasticsearch`): the path and query
 * parameters are taken out, the rest is exactly what the API accepts. Declaring the assets with
 * `satisfies` these types makes a misspelt key or a wrong value a type error.
 */
type BodyOf<Request, PathAndQuery extends keyof Request> = Omit<
  Request,
  PathAndQuery | 'body' | 'querystring' | keyof estypes.RequestBase
>;

/** Body of `PUT _index_template/<name>`. */
export type IndexTemplateBody = BodyOf<
  estypes.IndicesPutIndexTemplateRequest,
  'name' | 'create' | 'master_timeout' | 'cause'
>;

/** Body of `PUT _ilm/policy/<name>`. */
export type IlmPolicyBody = Required<
  BodyOf<estypes.IlmPutLifecycleRequest, 'name' | 'master_timeout' | 'timeout'>
>;
