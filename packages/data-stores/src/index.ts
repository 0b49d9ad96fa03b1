export * from './PostgresDatabase';
