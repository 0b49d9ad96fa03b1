/** Words that make an environment variable name look like it carries a secret. */
export const SECRET_NAME_WORDS = ['PASSWORD', 'PASSWD', 'TOKEN', 'SECRET', 'KEY'] as const;

/**
 * Suffixes that mark a variable as pointing at something rather than holding a secret
 * (`DB_PASSWORD_SECRET_ARN`, `TLS_KEY_PATH`, `CONFIG_OBJECT_KEY` = where a file is in S3): these
 * are allowed.
 */
export const SECRET_REFERENCE_SUFFIXES = [
  '_ARN',
  '_PATH',
  '_FILE',
  '_OBJECT_KEY',
  '_S3_KEY',
] as const;

/** The names among `names` that look like secrets. */
export function secretLookingNames(names: readonly string[]): string[] {
  return names.filter((n) => {
    const upper = n.toUpperCase();
    if (SECRET_REFERENCE_SUFFIXES.some((s) => upper.endsWith(s))) return false;
    return SECRET_NAME_WORDS.some((w) => upper.includes(w));
  });
}
