export * from './clients';
export * from './finalize';
export * from './record';
export * from './retry';
export * from './sweep';
export * from './orphans';
