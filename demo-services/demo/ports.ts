/** The local demo's ports: the team's agreed defaults, overridable (tests pick free ones). */

/** Every port the demo binds. */
export interface DemoPorts {
  loadBalancer: number;
  gateways: number[];
  orderService: number;
  paymentServices: number[];
  paymentProvider: number;
  control: number;
  /** The demo console (served only when the demo starts it). */
  console: number;
  prometheus: number;
  alertmanager: number;
  pagerDutySink: number;
  /** Jaeger's query API and UI. */
  jaeger: number;
  /** The Collector's OTLP/HTTP receiver, where the services send traces. */
  otlpHttp: number;
  /** Elasticsearch's HTTP API, where the services ship logs. */
  elasticsearch: number;
  /** First metrics port; each process takes the next one (FAULTLINE_METRICS_PORT). */
  metricsBase: number;
}

/** The ports documented in the README of the demo. */
export const DEFAULT_PORTS: DemoPorts = {
  loadBalancer: 8080,
  gateways: [8081, 8082],
  orderService: 8083,
  paymentServices: [8084, 8085],
  paymentProvider: 8086,
  control: 8089,
  console: 8088,
  prometheus: 9090,
  alertmanager: 9093,
  pagerDutySink: 8099,
  jaeger: 16686,
  otlpHttp: 4318,
  elasticsearch: 9200,
  metricsBase: 9481,
};
