/**
 * The HAProxy configuration of the demo's load balancer: round robin over the gateways,
 * readiness health checks, and layer-7 retries on another instance when one dies mid-request
 * (safe for POST here because every order carries an Idempotency-Key).
 */

/** Renders haproxy.cfg for a frontend on `port` and the gateways on `gatewayPorts`. */
export function renderHaproxyConfig(port: number, gatewayPorts: readonly number[]): string {
  const servers = gatewayPorts.map((p, i) => `  server gateway-${i + 1} 127.0.0.1:${p} check`);
  return [
    'global',
    '  maxconn 2048',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 10s',
    '  timeout http-request 10s',
    '  retries 3',
    '  option redispatch',
    '  retry-on conn-failure empty-response response-timeout',
    '  option http-buffer-request',
    '',
    'frontend api',
    `  bind 127.0.0.1:${port}`,
    '  default_backend gateways',
    '',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 1',
    ...servers,
    '',
  ].join('\n');
}
