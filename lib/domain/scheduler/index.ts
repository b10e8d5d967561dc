// Public surface of the admission policy. Pure: no clock, no I/O, no framework imports.
export * from './schema';
export * from './decisions';
export { decideAdmissions } from './admit';
export { explainFit, type FitExplanation } from './explain';
