import { PROJECT_OUTPUT } from '@automock/core';

/** Where a deployed mock answers. */
export interface ProjectUrls {
  readonly mockserver?: string;
  readonly dashboard?: string;
  /** The project's CloudWatch dashboard (requests, 5XX, latency, CPU, memory, tasks). */
  readonly metrics?: string;
}

/**
 * The MockServer, its dashboard and the CloudWatch dashboard URLs among a project stack's outputs ({@link PROJECT_OUTPUT});
 * outputs of stacks written without that contract are searched for a URL.
 */
export function urlsFrom(outputs: Readonly<Record<string, string>>): ProjectUrls {
  const mockserver =
    outputs[PROJECT_OUTPUT.url] ??
    outputs.url ??
    Object.entries(outputs).find(
      ([k, v]) => /url$/i.test(k) && !/dashboard/i.test(k) && /^https?:/.test(v),
    )?.[1];
  const dashboard =
    outputs[PROJECT_OUTPUT.dashboardUrl] ??
    (mockserver ? `${mockserver.replace(/\/$/, '')}/mockserver/dashboard` : undefined);
  const metrics = outputs[PROJECT_OUTPUT.metricsDashboardUrl];
  return { mockserver, dashboard, ...(metrics ? { metrics } : {}) };
}
