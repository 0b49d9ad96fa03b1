export * from './GithubOidcAccess';
export * from './deploy-permissions';
export * from './policy-document';
