import { constants as osConstants } from 'node:os';
import { ConfigError } from './control-plane/config.js';
import { startControlPlane } from './control-plane/control-plane.js';
import { createLogger, type Logger } from './control-plane/logger.js';
import { DEFAULT_SOURCE_ROOT } from './control-plane/governance/scaffold-service.js';
import { loadProviderPlan, loadRegistrations } from './provider-registrations.js';
import { auditProviderNamesAtStart, canonicalProviderRegistry } from './provider-names.js';

/** The composition root: config -> providers -> control plane -> HTTP server, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const { settings, registrations, endpoints } = loadRegistrations(process.env);
  const logger = createLogger(settings.logLevel);
  // The soft gate: a configured name the vendored registry does not list is said (logged, and in GET /providers), never fatal; config validation is the hard gate.
  const ssot = auditProviderNamesAtStart(settings, registrations.map((registration) => registration.provider.name));
  const plane = await startControlPlane({
    settings,
    registrations,
    logger,
    providerNames: canonicalProviderRegistry(),
    ssot,
    // Conformance runs under target emulator: only providers whose endpoints are all loopback (or testing-tier) run.
    providerEndpoints: endpoints,
    // POST /providers/reload: the same loader, over the environment as it is now (HANGAR_CONFIG, PROVIDERS_CONFIG_PATH).
    reload: () => loadProviderPlan(process.env),
    // POST /self/providers/scaffold writes here when the server runs from a source checkout (the service checks, and refuses otherwise).
    scaffoldRoot: DEFAULT_SOURCE_ROOT,
    // A ramp's promotion is written into the providers file, so a restart keeps it.
    providersFile: process.env.PROVIDERS_CONFIG_PATH ?? null,
  });
  stopOnSignals(logger, () => plane.close());
}

/** A repeat of the same signal this soon after it is an echo, not a second request: under `npm start` a
 * terminal's Ctrl-C reaches this process twice, once from the terminal and once forwarded by npm. */
const ECHO_WINDOW_MS = 1000;

/**
 * The first SIGTERM or SIGINT stops gracefully (see RunningControlPlane.close) and exits 0, or 1 if the
 * stop failed. A second one (another signal, or the same one again after the echo window) exits at once
 * with 128 + its number, as a process killed by it would.
 */
function stopOnSignals(logger: Logger, close: () => Promise<void>): void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      if (signal === first.signal && Date.now() - first.at < ECHO_WINDOW_MS) return;
      logger.warn('second signal: exiting at once', { signal });
      process.exit(128 + (osConstants.signals[signal] ?? 0));
    }
    first = { signal, at: Date.now() };
    logger.info('stopping', { signal });
    close().then(
      () => {
        logger.info('stopped', { signal });
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('unclean stop', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  // Configuration and start-up failures read best as one line; HANGAR_LOG_LEVEL=debug adds the stack.
  const debug = process.env.HANGAR_LOG_LEVEL === 'debug' && !(error instanceof ConfigError);
  const message = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`hangar: ${message}\n`);
  process.exit(1);
});
