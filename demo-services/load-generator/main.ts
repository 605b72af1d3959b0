/** Entry point of the load generator: a steady stream of orders against TARGET_URL. */
import { loadGeneratorConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { LoadGenerator } from './loadGenerator.ts';

const config = loadGeneratorConfig();
const log = createLogger('load-generator', config.logLevel);
const generator = new LoadGenerator(config);
generator.start();
log.info('load generator started', { target: config.targetUrl, ratePerSecond: config.ratePerSecond });
const report = setInterval(() => log.info('load generator progress', generator.stats), 10_000);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(report);
    void generator.stop().then(() => process.exit(0));
  });
}
