// Each sweep dataset has one Secret in the workflows' namespace holding its results token; step
// pods read it through secretKeyRef, so the token never appears in a Workflow object.
export const SWEEP_SECRET_KEY = 'token';

export function nameSweepSecret(datasetId: string): string {
  return `gantry-sweep-${datasetId}`;
}
