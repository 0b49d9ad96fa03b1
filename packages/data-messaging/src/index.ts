export * from './grants';
export * from './Table';
export * from './Secret';
export * from './Queue';
export * from './Topic';
