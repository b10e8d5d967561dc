// Any /api path no route answers: 404 problem JSON (not Next's HTML page), for every method.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { problemResponse } from '@/lib/http/problem';

function notFound(req: NextRequest): Response {
  const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
  return problemResponse(
    {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No API route here; see the README for the API',
      requestId,
    },
    { 'x-request-id': requestId },
  );
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
