/**
 * PostgreSQL major versions Amazon RDS creates instances of, copied (facts only) from AWS's
 * documentation on 2026-12-01:
 * - "Extension versions for Amazon RDS for PostgreSQL"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-extensions.html)
 *   lists RDS for PostgreSQL 18 (18.1) down to 9.6;
 * - RDS's 2026 minor-version notice (end of standard support of 14.14-14.17, 15.9-15.12,
 *   16.5-16.8 and 17.1-17.4 on 2026-05-31, upgraded to 14.20, 15.15, 16.11 and 17.7 or higher)
 *   keeps 14, 15, 16 and 17 in standard support.
 * 13 and older are left out: 11 and 12 left RDS standard support on 2024-02-29 and 2025-02-28
 * (AWS's database blog), 13 a year after 12 by the same yearly cadence (not confirmed here), and a
 * version in RDS Extended Support is billed extra. Check the release calendar
 * (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html)
 * before adding a version.
 */
export const RDS_POSTGRES_MAJOR_VERSIONS = ['14', '15', '16', '17', '18'] as const;

/** The version a database names none. */
export const RDS_POSTGRES_DEFAULT_VERSION = '17';

/**
 * Whether `v` is a supported major (`16`) or a minor of one (`16.11`). A major lets RDS pick the
 * newest minor and upgrade minors in the maintenance window.
 */
export function isSupportedPostgresVersion(v: string): boolean {
  const m = /^(\d+)(\.\d+)?$/.exec(v);
  return m !== null && (RDS_POSTGRES_MAJOR_VERSIONS as readonly string[]).includes(m[1]!);
}
