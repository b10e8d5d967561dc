import { z } from 'zod';
import { apiTokens } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { displayPrefix, generateToken, hashToken } from './token-format';
import { toTokenView, type TokenView } from './token-view';

const CreateTokenInput = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(80, 'At most 80 characters'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
type CreateTokenInput = z.infer<typeof CreateTokenInput>;

/** Creates a personal API token. The plain token is returned here once and never stored. */
export async function createToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ token: string } & TokenView> {
  requireRole(ctx, 'viewer');
  const data = parseInput(CreateTokenInput, input);
  const token = generateToken();
  const expiresAt = data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null;
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      userId: ctx.actor.id,
      name: data.name,
      prefix: displayPrefix(token),
      tokenHash: hashToken(token),
      expiresAt,
    })
    .returning();
  return { token, ...toTokenView(row) };
}
