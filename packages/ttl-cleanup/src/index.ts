export * from './finalize';
export * from './reaper';
export * from './retry';
export * from './sweep';
export * from './destroyer/runDestroyer';
