/** Environment variable names the construct sets. */
export const REAPER_ENV = {
  env: 'AUTOMOCK_ENV',
  registryTable: 'REGISTRY_TABLE',
  stateBucket: 'STATE_BUCKET',
  lockTable: 'LOCK_TABLE',
  topicArn: 'TOPIC_ARN',
  cluster: 'DESTROYER_CLUSTER',
  taskDefinition: 'DESTROYER_TASK_DEFINITION',
  containerName: 'DESTROYER_CONTAINER',
  subnets: 'DESTROYER_SUBNETS',
  securityGroups: 'DESTROYER_SECURITY_GROUPS',
  assignPublicIp: 'DESTROYER_PUBLIC_IP',
  timeoutMinutes: 'DESTROYER_TIMEOUT_MINUTES',
  dryRun: 'DRY_RUN',
  reserveMs: 'DEADLINE_RESERVE_MS',
} as const;
