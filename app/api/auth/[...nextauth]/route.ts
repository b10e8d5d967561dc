// GET/POST /api/auth/* - next-auth sign-in, sign-out, session and CSRF endpoints
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth';

const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req as never, ctx as never, authOptions());
export { handler as GET, handler as POST };
