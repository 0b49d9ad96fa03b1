export * from './Reaper';
export * from './ReaperDestroyer';
export * from './reaperEnv';
export * from './reaperPolicies';
