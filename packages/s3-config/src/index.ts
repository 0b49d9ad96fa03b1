export * from './ConfigBucket';
export * from './VersionStamp';
