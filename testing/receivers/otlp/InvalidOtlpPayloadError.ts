/** The error every OTLP decoding and validation step throws for a payload the receiver rejects. */

/**
 * A payload broke the OTLP wire format or a span rule. `path` locates the offending field in
 * lowerCamelCase dotted form (`resourceSpans[0].scopeSpans[0].spans[3].traceId`), empty for the
 * payload as a whole; `problem` says what is wrong with it. The receiver answers 400 with both.
 */
export class InvalidOtlpPayloadError extends Error {
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(path === '' ? problem : `${path}: ${problem}`);
    this.name = 'InvalidOtlpPayloadError';
    this.path = path;
    this.problem = problem;
  }
}
