export * from './app';
export * from './automock-stack';
export * from './bootstrap-stack';
export * from './environment-outputs';
export * from './environment-stack';
export * from './environments';
export * from './policy';
export * from './providers';
