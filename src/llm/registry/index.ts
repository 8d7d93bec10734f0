export { AdapterRegistry, type DiscoveryResult } from './adapter-registry.js';
