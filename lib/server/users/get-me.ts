import type { Ctx } from '../context';
import { notFound } from '../errors';
import { loadUsers } from './list-users';
import type { UserView } from './user-view';

export async function getMe({ ctx }: { ctx: Ctx }): Promise<UserView> {
  const [me] = await loadUsers(ctx, [ctx.actor.id]);
  if (!me) throw notFound('User');
  return me;
}
