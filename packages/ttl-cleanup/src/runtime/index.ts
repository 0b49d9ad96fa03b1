// The handler side (AWS SDK clients): the sweep, the reaper run, finalisation and the destroyer.
// Kept out of index.ts so that synthesising the Reaper construct never loads the SDK clients;
// the CLI imports '@automock/ttl-cleanup/dist/runtime'.
export * from './destroyer/runDestroyer';
export * from './runReaper';
