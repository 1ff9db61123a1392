export { recordActivity, utcDay, type ActivityUse } from './activity';
export { rollUpMetrics } from './rollup';
export { getMetrics } from './overview';
export { metricsDto, metricsQuery, metricsRanges, type MetricsDay, type MetricsDto, type MetricsRange } from './schemas';
