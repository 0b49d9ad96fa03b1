export * from './aws-limits';
export * from './aws-names';
export * from './backend';
export * from './cidr';
export * from './environment';
export * from './errors';
export * from './hash';
export * from './naming';
export * from './sizes';
export * from './stack-contract';
export * from './tags';
export * from './expectations';
export {
  withSchemaVerdictMemo,
  type SchemaVerdict,
  type SchemaVerdictMemo,
} from './json-schema-check';
export * from './project';
export * from './prices';
export * from './cost';
export * from './regions';
export * from './routing';
export * from './access';
export * from './images';
export * from './iam';
export * from './workload/section';
export * from './workload/sections';
export * from './workload/schema';
export * from './workload/workload';
export * from './workload/services';
export * from './workload/schedule-expression';
export * from './workload/tasks';
export * from './workload/data-common';
export * from './workload/tables';
export * from './workload/secrets';
export * from './workload/queues';
export * from './workload/topics';
export * from './workload/buckets';
export * from './workload/repositories';
export * from './workload/endpoints';
export * from './workload/references';
export * from './workload/outputs';
// ---- database tier (issue 14 A)
export * from './workload/rds-postgres-versions';
export * from './workload/database';
export * from './workload/pgadmin';
export * from './workload/identity';
export * from './workload/preview';
// ---- issue 14 M: mail and the HTTP API
export * from './workload/mail';
export * from './workload/files';
export * from './workload/http-api';
