import { cache } from 'react';
import { publicCtx } from '@/lib/http/session';
import { findSharedRanking } from '@/lib/server/shares/find-shared-ranking';

/** One lookup per request, shared by the page, its metadata and its OpenGraph image. */
export const loadSharedRanking = cache((token: string) => findSharedRanking({ ctx: publicCtx(), input: { token } }));
