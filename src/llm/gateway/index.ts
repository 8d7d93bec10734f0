export * from './routing-policy.js';
export * from './model-scores.js';
export * from './latency-tracker.js';
export * from './route-model.js';
export * from './output-schema-check.js';
export * from './escalation-runner.js';
export * from './gateway-telemetry.js';
