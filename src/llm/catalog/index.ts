export { bundledCatalog } from './bundled-catalog.js';
export { exportCatalogJson, sortKeys } from './catalog-export.js';
export { mergeRemoteModels } from './catalog-merge.js';
export { findModel, resolveModelProvider } from './model-resolution.js';
