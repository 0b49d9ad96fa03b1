export * from './configureS3Backend';
export * from './LockTable';
export * from './RegistryTable';
export * from './StateBackend';
export * from './StateBucket';
export * from './tableProps';
