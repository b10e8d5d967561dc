import Link from 'next/link';

export default function ShareNotFound() {
  return (
    <main className="mx-auto max-w-xl px-4 py-24 text-center">
      <h1 className="text-2xl font-semibold">This share link does not exist</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        It may have been revoked by the person who shared it, or mistyped.
      </p>
      <Link href="/" className="mt-6 inline-block text-sm text-indigo-700 hover:underline dark:text-indigo-300">
        Go to Gantry
      </Link>
    </main>
  );
}
