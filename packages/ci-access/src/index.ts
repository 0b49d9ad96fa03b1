export * from './GithubOidcAccess';
export * from './policy-document';
