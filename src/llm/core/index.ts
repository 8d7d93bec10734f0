export * from './adapter-contract.js';
export * from './canonical-types.js';
export * from './runtime-errors.js';
export * from './warning-collector.js';
