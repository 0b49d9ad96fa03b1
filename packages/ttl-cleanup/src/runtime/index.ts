// The handler side (AWS SDK clients): the reaper run and the destroyer, the package's './runtime'
// entry point. Kept out of index.ts so that synthesising the Reaper construct never loads the SDK
// clients.
export * from './destroyer/runDestroyer';
export * from './runReaper';
