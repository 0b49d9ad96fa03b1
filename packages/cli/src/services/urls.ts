/** Where a deployed mock answers. */
export interface ProjectUrls {
  readonly mockserver?: string;
  readonly dashboard?: string;
}

/** The MockServer and dashboard URLs among a project stack's outputs. */
export function urlsFrom(outputs: Readonly<Record<string, string>>): ProjectUrls {
  const mockserver =
    outputs.mockserver_url ??
    outputs.url ??
    Object.entries(outputs).find(
      ([k, v]) => /url$/i.test(k) && !/dashboard/i.test(k) && /^https?:/.test(v),
    )?.[1];
  const dashboard =
    outputs.dashboard_url ??
    (mockserver ? `${mockserver.replace(/\/$/, '')}/mockserver/dashboard` : undefined);
  return { mockserver, dashboard };
}
