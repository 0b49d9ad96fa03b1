export * from './EnvironmentBoundary';
export * from './GithubOidcAccess';
export * from './environment-policies';
export * from './resource-actions';
export * from './service-scopes';
