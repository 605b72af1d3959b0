import { describeIssue, parseConfig } from '../src/config/parseConfig.ts';

const noFiles = (): string => {
  throw new Error('no such file');
};

describe('parseConfig', () => {
  it('uses the OpenTelemetry defaults when nothing is set', () => {
    const config = parseConfig({}, noFiles);
    expect(config.issues).toEqual([]);
    expect(config.service.name).toBe('unknown_service:node');
    expect(config.traces).toMatchObject({
      enabled: true,
      url: 'http://localhost:4318/v1/traces',
      protocol: 'http/protobuf',
      sampler: { kind: 'parentbased_always_on' },
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
    });
    expect(config.metrics).toEqual({ enabled: true, host: '0.0.0.0', port: 9464, defaultMetrics: true });
    expect(config.logs.elasticsearch).toEqual({ enabled: false, reason: 'disabled_by_config' });
  });

  it('reads the standard variables and Faultline’s own', () => {
    const config = parseConfig(
      {
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.2.3,deployment.environment.name=prod,team=pay%20ments',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        FAULTLINE_METRICS_PORT: '9100',
        FAULTLINE_ELASTICSEARCH_URL: 'http://es:9200',
        FAULTLINE_LOG_INDEX: 'logs-checkout-prod',
        FAULTLINE_ELASTICSEARCH_API_KEY_FILE: '/run/secrets/es',
      },
      (path) => (path === '/run/secrets/es' ? 'key-from-file\n' : noFiles()),
    );
    expect(config.issues).toEqual([]);
    expect(config.service).toMatchObject({ name: 'checkout', version: '1.2.3', environment: 'prod' });
    expect(config.service.attributes.team).toBe('pay ments');
    expect(config.traces).toMatchObject({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/json',
      sampler: { kind: 'parentbased_traceidratio', ratio: 0.25 },
    });
    expect(config.metrics).toMatchObject({ port: 9100 });
    expect(config.logs.elasticsearch).toMatchObject({
      url: 'http://es:9200',
      index: 'logs-checkout-prod',
      apiKey: 'key-from-file',
    });
  });

  it.each([
    ['OTEL_TRACES_SAMPLER', 'sometimes', 'traces'],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/thrift', 'traces'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'traces'],
    ['OTEL_TRACES_EXPORTER', 'zipkin', 'traces'],
    ['FAULTLINE_METRICS_PORT', '70000', 'metrics'],
  ])('turns off only what a bad %s=%s concerns', (variable, value, signal) => {
    const config = parseConfig({ [variable]: value }, noFiles);
    expect(config.issues).toHaveLength(1);
    expect(config.issues[0]).toMatchObject({ variable, value });
    expect(describeIssue(config.issues[0]!)).toMatch(
      new RegExp(`^faultline: invalid ${variable}="${value}": accepted .+; .+$`),
    );
    expect(config[signal as 'traces' | 'metrics']).toEqual({ enabled: false, reason: 'invalid_config' });
    const other = signal === 'traces' ? config.metrics : config.traces;
    expect(other.enabled).toBe(true);
  });

  it('lists the accepted values in the message', () => {
    const [issue] = parseConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/thrift' }, noFiles).issues;
    expect(describeIssue(issue!)).toBe(
      'faultline: invalid OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http/thrift": accepted http/protobuf, http/json, grpc; traces are disabled',
    );
  });

  it('lets the traces-specific protocol win over the generic one, which it then ignores', () => {
    const config = parseConfig(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/thrift', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
      noFiles,
    );
    expect(config.issues).toEqual([]);
    expect(config.traces).toMatchObject({ enabled: true, protocol: 'http/json' });
  });

  it('uses the generic protocol when no traces-specific one is set', () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, noFiles).traces).toMatchObject({
      protocol: 'http/json',
    });
  });

  it('exports over gRPC to the endpoint as given, port 4317 by default', () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, noFiles).traces).toMatchObject({
      protocol: 'grpc',
      url: 'http://localhost:4317',
    });
    expect(
      parseConfig(
        { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317' },
        noFiles,
      ).traces,
    ).toMatchObject({ url: 'https://collector:4317' });
  });

  it('lets the traces-specific timeout win over the generic one, which it then ignores', () => {
    const config = parseConfig(
      { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500' },
      noFiles,
    );
    expect(config.issues).toEqual([]);
    expect(config.traces).toMatchObject({ timeoutMs: 2500 });
  });

  it('reads gzip compression, specific over generic, and refuses other algorithms', () => {
    expect(parseConfig({}, noFiles).traces).toMatchObject({ compression: 'none' });
    expect(
      parseConfig(
        { OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' },
        noFiles,
      ).traces,
    ).toMatchObject({ compression: 'gzip' });
    const config = parseConfig({ OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' }, noFiles);
    expect(config.issues).toMatchObject([
      { variable: 'OTEL_EXPORTER_OTLP_COMPRESSION', accepted: 'gzip, none' },
    ]);
    expect(config.traces.enabled).toBe(false);
  });

  it('reads the TLS files the certificate variables name, and names a file it cannot read', () => {
    const files: Record<string, string> = {
      '/tls/ca.pem': 'CA',
      '/tls/client.pem': 'CERT',
      '/tls/client.key': 'KEY',
    };
    const readFile = (path: string) => files[path] ?? noFiles();
    expect(
      parseConfig(
        {
          OTEL_EXPORTER_OTLP_CERTIFICATE: '/tls/ca.pem',
          OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/tls/client.pem',
          OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: '/tls/client.key',
        },
        readFile,
      ).traces,
    ).toMatchObject({ tls: { ca: 'CA', cert: 'CERT', key: 'KEY' } });
    const config = parseConfig({ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/nope.pem' }, readFile);
    expect(config.issues).toMatchObject([
      {
        variable: 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE',
        value: '/nope.pem',
        accepted: 'the path of a readable PEM file',
      },
    ]);
    expect(config.traces.enabled).toBe(false);
  });

  it('falls back to the default for a bad tuning value and says so', () => {
    const config = parseConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '-3' }, noFiles);
    expect(config.traces).toMatchObject({ enabled: true, maxQueueSize: 2048 });
    expect(describeIssue(config.issues[0]!)).toContain('using the default (2048)');
  });

  it('honours OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED', () => {
    expect(parseConfig({ OTEL_TRACES_EXPORTER: 'none' }, noFiles).traces).toEqual({
      enabled: false,
      reason: 'disabled_by_config',
    });
    expect(parseConfig({ OTEL_SDK_DISABLED: 'true' }, noFiles).traces).toEqual({
      enabled: false,
      reason: 'sdk_disabled',
    });
  });

  it('reports an unreadable secret file by variable name and connects without it', () => {
    const config = parseConfig(
      { FAULTLINE_ELASTICSEARCH_URL: 'http://es:9200', FAULTLINE_ELASTICSEARCH_API_KEY_FILE: '/nope' },
      noFiles,
    );
    expect(config.issues[0]).toMatchObject({
      variable: 'FAULTLINE_ELASTICSEARCH_API_KEY_FILE',
      value: '/nope',
    });
    expect(config.logs.elasticsearch).toMatchObject({ enabled: true, apiKey: undefined });
  });
});
