import { jvmHeapMiB } from '@automock/core';

/**
 * What a MockServer container is given, deployed (`MockServerService`) or run on a laptop
 * (`automock local`): one definition, so a local run behaves like the deployed mock. No cdktf
 * here: the CLI loads this without the construct library (`@automock/ecs-service/mockserver-settings`).
 */

/**
 * MockServer's image, by tag: the current release (9.4.0, 2026-11-20). Pin its digest with the
 * environment's `images.mockserver` (see the README: no digest is built in).
 */
export const MOCKSERVER_IMAGE = 'mockserver/mockserver:9.4.0';
export const MOCKSERVER_PORT = 1080;
/**
 * MockServer's readiness endpoint: 503 until the initialisation file is loaded, then 200. The
 * liveness endpoints (`PUT /mockserver/status`, `livenessHttpGetPath`) answer 200 as soon as the
 * port binds, before any expectation is loaded, so they must not gate traffic.
 */
export const MOCKSERVER_READINESS_PATH = '/mockserver/ready';
/** The image's user: `USER nonroot` of its distroless base, uid and gid 65532. */
export const MOCKSERVER_USER = '65532:65532';
/** Where the shared volume is mounted in both containers. */
export const CONFIG_MOUNT_PATH = '/config';

/** Where MockServer reads the project's expectations: the config volume, under the object's name. */
export function initializationJsonPath(expectationsKey: string): string {
  return `${CONFIG_MOUNT_PATH}/${expectationsKey.split('/').pop()}`;
}

/** Inputs of {@link mockServerEnvironment}. */
export interface MockServerEnvironmentOptions {
  /** Path of the expectations file inside the container ({@link initializationJsonPath}). */
  readonly initializationJsonPath: string;
  /** Memory of the task (or container) in MiB; the JVM heap is sized from it. */
  readonly memoryMiB: number;
  /** Content hash of the expectations (core's `ValidatedExpectations.hash`). */
  readonly expectationsVersion: string;
  /** The project's own variables; they cannot replace the ones that follow them. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
}

/** MockServer's environment variables, in the order the task definition lists them. */
export function mockServerEnvironment(o: MockServerEnvironmentOptions): Record<string, string> {
  return {
    MOCKSERVER_LOG_LEVEL: 'INFO',
    // MockServer's hardening advice: answer 404 to unmatched requests instead of proxying
    // them to whatever their Host header names (from inside the VPC).
    MOCKSERVER_ATTEMPT_TO_PROXY_IF_NO_MATCHING_EXPECTATION: 'false',
    ...o.environment,
    MOCKSERVER_SERVER_PORT: String(MOCKSERVER_PORT),
    MOCKSERVER_INITIALIZATION_JSON_PATH: o.initializationJsonPath,
    // A file MockServer cannot load stops the task (the circuit breaker rolls back)
    // instead of serving no expectations while the health checks pass.
    MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR: 'true',
    // An explicit -Xmx overrides the image's -XX:MaxRAMPercentage=75.0 entry-point flag.
    JAVA_TOOL_OPTIONS: `-Xmx${jvmHeapMiB(o.memoryMiB)}m`,
    // Not read by MockServer: a new value changes the task definition, so a content
    // change rolls the tasks and they load the new file.
    AUTOMOCK_EXPECTATIONS_VERSION: o.expectationsVersion,
  };
}
