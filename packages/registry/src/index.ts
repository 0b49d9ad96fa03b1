export * from './attributes';
export * from './deployment';
export * from './DeploymentRegistry';
export * from './expiry';
export * from './RegistryConflictError';
export * from './SlotAllocator';
