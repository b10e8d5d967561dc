export * from './users';
export * from './tokens';
export * from './audit';
export * from './worker';
export * from './benchmarks';
export * from './telemetry';
export * from './jobs';
export * from './workflows';
