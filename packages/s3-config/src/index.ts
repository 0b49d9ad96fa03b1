export * from './ConfigBucket';
