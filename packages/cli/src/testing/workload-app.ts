/**
 * The real CDKTF app (`@automock/stacks`) with one test environment and the YAML workloads of the
 * directory named by `AUTOMOCK_TEST_WORKLOADS_DIR`, read when the app is planned or built (never
 * at import), for the tests of `deploy --workload` and what follows it. Backend endpoints come
 * from the harness (`AUTOMOCK_TEST_S3_ENDPOINT`, `AUTOMOCK_TEST_DYNAMODB_ENDPOINT`). Tests point
 * `AUTOMOCK_APP_MODULE` at this file after starting the harness.
 */
import { defineEnvironment, Environment } from '@automock/core';
import * as stacks from '@automock/stacks';

export { AutomockStack, previewWorkloadSource, yamlWorkload } from '@automock/stacks';

export const ENVIRONMENTS: readonly Environment[] = [
  defineEnvironment({
    name: 'test',
    accountId: '123456789012',
    region: 'us-east-1',
    taskPlacement: 'public',
    defaultTtlHours: 4,
    // The environment's longest TTL: previews and extensions are held to it.
    maxTtlHours: 48,
  }),
];

function options(o: stacks.BuildAppOptions): stacks.BuildAppOptions {
  const dir = process.env.AUTOMOCK_TEST_WORKLOADS_DIR;
  if (!dir) throw new Error('AUTOMOCK_TEST_WORKLOADS_DIR must name the workloads directory');
  const s3 = process.env.AUTOMOCK_TEST_S3_ENDPOINT;
  return {
    ...o,
    definitions: ENVIRONMENTS,
    declaredProjects: false,
    workloadsDir: dir,
    ...(s3
      ? { backendEndpoints: { s3, dynamodb: process.env.AUTOMOCK_TEST_DYNAMODB_ENDPOINT } }
      : {}),
  };
}

export function planApp(o: stacks.BuildAppOptions = {}) {
  return stacks.planApp(options(o));
}

export function buildApp(o: stacks.BuildAppOptions = {}) {
  return stacks.buildApp(options(o));
}

export function synthesizeApp(o: stacks.BuildAppOptions = {}) {
  return stacks.synthesizeApp(options(o));
}
