/**
 * Every difference between Faultline and the official OpenTelemetry SDK that the conformance
 * suite (instrumentation/test/conformance.test.ts) accepts, each with its reason. Any other
 * difference fails the suite, and so does an entry that no longer matches any difference, so
 * this list stays the truth. The README section "Where Faultline differs from the OpenTelemetry
 * SDK" is this list in prose.
 */

/** One accepted difference: which spans (by key), which field, and why. */
export interface AllowedDifference {
  /** Matches the span key (`SERVER GET /items/42`, `INTERNAL manual.parent`), `resource` or `metric <name>`. */
  readonly span: RegExp;
  /**
   * Matches the field path (`span`, `name`, `attributes.http.route`, `scope.name`,
   * `resource.host.id`; for metrics `label <name>` or `series <labels as JSON>`).
   */
  readonly field: RegExp;
  readonly reason: string;
  /** The difference depends on timing (it may not occur in every run), so its absence is not an error. */
  readonly sometimes?: true;
}

/** The accepted differences; see the module comment. */
export const ALLOWED_DIFFERENCES: readonly AllowedDifference[] = [
  {
    span: /^INTERNAL (middleware|router|request handler)/,
    field: /^span$/,
    reason:
      'No per-layer express spans (middleware, router, request handler): Faultline reads the route template from req.route when the response closes instead of wrapping every layer, which is much of its per-request saving (README "Why it is light"). The app\'s own spans then have the SERVER span as parent; the comparison skips the SDK\'s layer spans when it names parents.',
  },
  {
    span: /^(SERVER|CLIENT) /,
    field: /^scope\.(name|version)$/,
    reason:
      "HTTP spans come from Faultline's own instrumentation scope (@faultline/instrumentation and its version), not @opentelemetry/instrumentation-http.",
  },
  {
    span: /^SERVER PURGE /,
    field: /^name$/,
    reason:
      'A method the HTTP conventions do not know (http.request.method="_OTHER") is named "HTTP <route>", as the conventions require; the SDK\'s express instrumentation renames the span with the raw method ("PURGE /any"). Both set http.request.method_original.',
  },
  {
    span: /^SERVER GET \/(fail|unavailable)$/,
    field: /^attributes\.error\.type$/,
    reason:
      "Faultline sets error.type (the status code) on a SERVER span that ended with a 5xx status, as the conventions require of a failed operation; the SDK's HTTP instrumentation puts it only on its duration metric.",
  },
  {
    span: /^SERVER GET \/fail$/,
    field: /^events$/,
    reason:
      'An error thrown by an express handler becomes an exception event on the SERVER span in Faultline (it has no request-handler span); the SDK records it on its express request-handler span.',
  },
  {
    span: /^CLIENT GET http:\/\/HOST\/(items\/by-fetch|refused-fetch)/,
    field: /^span$/,
    reason:
      "fetch() is traced: Faultline follows both of Node's HTTP clients (node:http and fetch/undici) through their diagnostics channels; the SDK traces fetch only with @opentelemetry/instrumentation-undici, which the oracle setup (instrumentation-http and -express) does not load.",
  },
  {
    span: /^SERVER GET \/items\/by-fetch/,
    field: /^(parent|flags)$/,
    reason:
      "The request a fetch() call made has that call's CLIENT span as (remote) parent in Faultline (the fetch is traced and its context propagated, so the span's flags say IS_REMOTE); under the SDK without instrumentation-undici it starts a new trace.",
  },
  {
    span: /^resource$/,
    field:
      /^resource\.(telemetry\.sdk\.(name|version)|service\.instance\.id|host\.id|process\.(executable\.(name|path)|owner|runtime\.description|command_args))$/,
    reason:
      'telemetry.sdk.name is "faultline" with Faultline\'s version (the value "opentelemetry" is reserved for the official SDKs); Faultline always sets service.instance.id (every process is one instance of the service) and leaves out the SDK detectors\' host.id, process.executable.*, process.owner, process.command_args and process.runtime.description, which cost start-up I/O and can expose file paths, user names and command-line secrets.',
  },
  {
    span: /^metric http_(server|client)_request_duration_seconds$/,
    field: /^label network_protocol_version$/,
    reason:
      'The duration histograms carry no network_protocol_version label: it is almost always 1.1, and every label multiplies the series a Prometheus stores; the spans carry network.protocol.version.',
  },
  {
    span: /^metric http_(server|client)_request_duration_seconds$/,
    field: /^label service$/,
    reason:
      "Every Faultline metric has a service label (the service.name of the resource), which the generated alert rules and dashboards select by; the SDK's Prometheus exporter puts the resource in target_info instead.",
  },
  {
    span: /^metric http_server_request_duration_seconds$/,
    field: /^series .*"http_response_status_code":"404"/,
    reason:
      'A request no route matched is observed with http_route="unmatched" (the SDK: without http_route): one fixed, bounded value, so every series of the histogram has the same labels for the generated rules and dashboards to select by. Its span, like the SDK\'s, is named by the method alone, without http.route.',
  },
  {
    span: /^metric http_client_request_duration_seconds$/,
    field: /^series \{"http_request_method":"POST"/,
    sometimes: true,
    reason:
      "The SDK's HTTP instrumentation measures the SDK's own OTLP export requests (POST to the collector); Faultline never records its own exports (they run with tracing suppressed and are skipped by the client instrumentation).",
  },
  {
    span: /^SERVER GET \/metrics$/,
    field: /^span$/,
    reason:
      'The SDK traces the scrape of its own Prometheus endpoint; Faultline leaves requests to its metrics endpoint untraced and out of the HTTP histogram.',
  },
  {
    span: /^(CLIENT GET http:\/\/HOST\/refused-http|metric http_client_request_duration_seconds)$/,
    field: /^(attributes\.error\.type|series \{"error_type":"(ECONNREFUSED|Error)")/,
    reason:
      'A request that got no response has error.type set to the error\'s code (ECONNREFUSED, ECONNRESET, ETIMEDOUT: the low-cardinality component-specific identifier the conventions allow) where there is one, and its name otherwise; the SDK always uses the name ("Error"), which cannot tell a refused connection from a reset one.',
  },
];
