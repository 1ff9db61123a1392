export { exportFormat, exportFormats, exportMediaTypes, formulaSafe, isoTimestamp, type ExportFormat } from './format';
export { exportChunkSize, planExport, type ExportPlan, type ExportReader, type ExportRequest, type ExportSource } from './plan';
