/** The GitHub repository whose Actions workflows plan and apply this app (see README, "Pull requests and deploys"). */
export interface GithubCiConfig {
  /** User or organisation, exactly as GitHub spells it (IAM compares the token's subject case-sensitively). */
  readonly owner: string;
  /** Repository name, exactly as GitHub spells it. */
  readonly repository: string;
  /**
   * Owner and repository ids, when the repository uses GitHub's immutable OIDC subjects
   * (`repo:OWNER@ID/REPO@ID:…`; repositories created after 2026-07-15). `gh api repos/OWNER/REPO
   * --jq '{ownerId: .owner.id, repositoryId: .id}'` prints them.
   * @default - name-only subjects
   */
  readonly immutableIds?: { readonly ownerId: number; readonly repositoryId: number };
  /**
   * The branch apply jobs run on; apply roles accept no other.
   * @default 'main'
   */
  readonly mainBranch?: string;
  /**
   * GitHub environments that must have required reviewers (`automock doctor` checks them): the
   * apply job of these environments waits for a person.
   * @default ['prod']
   */
  readonly protectedEnvironments?: readonly string[];
  /**
   * Accounts that already have the GitHub OIDC identity provider (an account holds one per
   * issuer): their bootstrap stacks use it instead of creating it. List an account here when it
   * has environments in more than one region, for every bootstrap stack but one, or when the
   * provider was made outside this app.
   * @default []
   */
  readonly existingOidcProviderAccounts?: readonly string[];
}

/**
 * This repository. Replace owner and repository with yours before the first `automock bootstrap`:
 * the roles it creates trust exactly this repository.
 */
export const GITHUB_CI: GithubCiConfig = {
  owner: 'example-org',
  repository: 'automock-infrastructure',
  mainBranch: 'main',
  protectedEnvironments: ['prod'],
  existingOidcProviderAccounts: [],
};
