export * from './dynamodb';
export * from './ecr';
export * from './ecs';
export * from './elb';
export * from './iam';
export * from './lambda';
export * from './logs';
export * from './s3';
export * from './secrets';
export * from './security-group';
export * from './sns';
export * from './state';
export * from './tags';
export * from './vpc';
export * from './tasks';
export * from './sqs';
export * from './secrets-manager';
// ---- database tier (issue 14 A)
export * from './rds';
export * from './cognito';
// ---- issue 14 M: mail and the HTTP API
export * from './ses';
// ---- files (issue 14 E)
export * from './efs';
// ---- the HTTP API (issue 14, httpApi)
export * from './apigateway';
