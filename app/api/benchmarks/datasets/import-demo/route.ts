// POST /api/benchmarks/datasets/import-demo - import a published table from the reference folder
import { NextResponse } from 'next/server';
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { importDemoDataset } from '@/lib/server/benchmarks/import-demo-dataset';

export const POST = route({ auth: 'user', role: 'researcher', schemas: { body: JsonBody } }, async ({ ctx, body }) => {
  const dataset = await importDemoDataset({ ctx, input: body });
  return NextResponse.json(dataset, { status: dataset.created ? 201 : 200 });
});
