export { type CostEstimate, type CostEstimateOptions, estimateCostFromPrices } from './cost-estimate.js';
export { globMatcher, isGlob } from './model-glob.js';
export { PRICE_FIELDS, type PriceField, type PriceRule, PriceRuleSchema } from './price-rule.js';
export { type PriceEntry, type PricingEstimateOptions, PricingTable } from './pricing-table.js';
export { OPENAI_USAGE_CONVENTION, type UsageConvention, usageConvention } from './usage-conventions.js';
