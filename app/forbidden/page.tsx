import Link from 'next/link';

export const dynamic = 'force-dynamic';

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const { need } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <h1 className="text-2xl font-bold">You do not have access to this page</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-400">
          {need ? `It needs the ${need} role.` : 'Your role does not allow it.'} Ask an administrator if you need it.
        </p>
        <Link href="/" className="mt-6 inline-block text-indigo-700 underline dark:text-indigo-300">
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
