export * from './batches';
export * from './cli';
export * from './stack-matrix';
export * from './workflow-files';
