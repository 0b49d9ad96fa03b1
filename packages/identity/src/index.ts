export * from './UserPool';
