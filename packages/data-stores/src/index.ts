export * from './PostgresDatabase';
export * from './SharedFileSystem';
