export * from './Network';
