// Any /api path no route answers: 404 problem JSON (not Next's HTML page), for every method.
import { route } from '@/lib/http/route';
import { AppError } from '@/lib/server/errors';

const noRoute = route({ auth: 'public' }, () => {
  throw new AppError('NOT_FOUND', 'No API route here; see the README for the API');
});

export const GET = noRoute;
export const HEAD = noRoute;
export const POST = noRoute;
export const PUT = noRoute;
export const PATCH = noRoute;
export const DELETE = noRoute;
export const OPTIONS = noRoute;
