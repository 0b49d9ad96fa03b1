export * from './ConfigBucket';
export * from './VersionStamp';
export * from './private-bucket';
export * from './DataBucket';
