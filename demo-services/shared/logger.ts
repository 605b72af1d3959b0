import winston from 'winston';

/**
 * A plain JSON winston logger. Trace ids and ECS shipping are added by
 * `@faultline/instrumentation` when the process runs with its register flag.
 */
export function createLogger(service: string, level = 'info'): winston.Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}

/** The logger type the services pass around. */
export type Logger = winston.Logger;
