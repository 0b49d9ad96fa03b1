export * from './finalize';
export * from './retry';
export * from './sweep';
