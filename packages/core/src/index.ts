export * from './backend';
export * from './cidr';
export * from './environment';
export * from './errors';
export * from './hash';
export * from './naming';
export * from './sizes';
export * from './tags';
