export * from './Reaper';
export * from './reaperEnv';
export * from './reaperPolicies';
