export * from './Network';
export * from './WorkloadEndpoints';
