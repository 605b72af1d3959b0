/**
 * The demo's Prometheus configuration: job `faultline-services` with one target per process
 * (the `service` label comes from the metrics themselves), job `rabbitmq` on the broker's
 * Prometheus plugin when it is on, job `otel-collector` on the Collector's own metrics when it
 * runs, the alert rules, and the local Alertmanager.
 */

/** What the configuration points at. */
export interface PrometheusConfigInput {
  /** `host:port` of every instrumented process. */
  serviceTargets: readonly string[];
  /** `host:port` of RabbitMQ's Prometheus plugin, or undefined when it is off. */
  rabbitmqTarget?: string;
  /** `host:port` of the OpenTelemetry Collector's own metrics, or undefined when it does not run. */
  collectorTarget?: string;
  ruleFiles: readonly string[];
  alertmanagerTarget: string;
  /** `host:port` of this Prometheus, scraped for its own rule-evaluation metrics. */
  prometheusTarget?: string;
  /** Scrape and evaluation interval, e.g. `5s`. */
  interval: string;
}

const list = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;

/** Renders prometheus.yml (YAML flow style keeps it dependency-free). */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const lines = [
    'global:',
    `  scrape_interval: ${input.interval}`,
    `  evaluation_interval: ${input.interval}`,
    `rule_files: ${list(input.ruleFiles)}`,
    'alerting:',
    '  alertmanagers:',
    `    - static_configs: [{ targets: ${list([input.alertmanagerTarget])} }]`,
    'scrape_configs:',
    // Prometheus and Alertmanager themselves: failed rule evaluations and failed
    // notifications alert too.
    '  - job_name: prometheus',
    `    static_configs: [{ targets: ${list([input.prometheusTarget ?? 'localhost:9090'])} }]`,
    '  - job_name: alertmanager',
    `    static_configs: [{ targets: ${list([input.alertmanagerTarget])} }]`,
    '  - job_name: faultline-services',
    `    static_configs: [{ targets: ${list(input.serviceTargets)} }]`,
  ];
  if (input.rabbitmqTarget) {
    lines.push(
      '  - job_name: rabbitmq',
      // Per-queue depth and consumer counts from the broker itself: they outlive the consumers,
      // so the queue alerts still see a queue whose consumers are all dead.
      '    metrics_path: /metrics/detailed',
      '    params: { family: [queue_coarse_metrics, queue_consumer_count] }',
      `    static_configs: [{ targets: ${list([input.rabbitmqTarget])} }]`,
    );
  }
  if (input.collectorTarget) {
    lines.push(
      '  - job_name: otel-collector',
      `    static_configs: [{ targets: ${list([input.collectorTarget])} }]`,
    );
  }
  return `${lines.join('\n')}\n`;
}
