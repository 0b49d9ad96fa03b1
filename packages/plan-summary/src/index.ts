export * from './cli';
export * from './comment';
export * from './gather';
export * from './github';
export * from './plan-json';
export * from './summary-table';
export * from './command-line';
