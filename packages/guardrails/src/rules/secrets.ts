/** Words that make an environment variable name look like it carries a secret. */
export const SECRET_NAME_WORDS = ['PASSWORD', 'PASSWD', 'TOKEN', 'SECRET', 'KEY'] as const;

/**
 * Suffixes that mark a variable as pointing at a secret rather than holding one
 * (`DB_PASSWORD_SECRET_ARN`, `TLS_KEY_PATH`): these are allowed.
 */
export const SECRET_REFERENCE_SUFFIXES = ['_ARN', '_PATH', '_FILE'] as const;

/** The names among `names` that look like secrets. */
export function secretLookingNames(names: readonly string[]): string[] {
  return names.filter((n) => {
    const upper = n.toUpperCase();
    if (SECRET_REFERENCE_SUFFIXES.some((s) => upper.endsWith(s))) return false;
    return SECRET_NAME_WORDS.some((w) => upper.includes(w));
  });
}
