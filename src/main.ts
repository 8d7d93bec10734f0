import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './control-plane/config.js';
import { startControlPlane } from './control-plane/control-plane.js';
import { createLogger } from './control-plane/logger.js';
import { PROVIDER_FACTORIES, providerConfigSchemas } from './provider-factories.js';

/** The composition root: config -> providers -> control plane -> HTTP server, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, providerConfigSchemas());
  if (process.env.HANGAR_CHAOS && !config.providers.some((provider) => provider.name === 'orbstack')) {
    throw new ConfigError('HANGAR_CHAOS is set, but only the orbstack provider has a chaos engine and it is not enabled');
  }
  const settings = { ...config.settings, dataDir: resolve(config.settings.dataDir) };
  const registrations = config.providers.map(({ name, config: providerConfig }) => {
    const factory = PROVIDER_FACTORIES[name];
    if (!factory) throw new ConfigError(`unknown provider "${name}"`);
    try {
      return factory.create(providerConfig, { dataDir: settings.dataDir, owner: settings.owner, env: process.env });
    } catch (error) {
      throw new ConfigError(`provider ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const logger = createLogger(settings.logLevel);
  const plane = await startControlPlane({ settings, registrations, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    plane.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('unclean stop', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // Configuration and start-up failures read best as one line; HANGAR_LOG_LEVEL=debug adds the stack.
  const debug = process.env.HANGAR_LOG_LEVEL === 'debug' && !(error instanceof ConfigError);
  const message = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`hangar: ${message}\n`);
  process.exit(1);
});
