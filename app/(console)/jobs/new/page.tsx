import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SubmitForm } from '@/components/jobs/submit-form';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Submit a job' };

export default async function NewJobPage() {
  await requirePageCtx('researcher');
  return (
    <>
      <PageHeader
        title="Submit a job"
        description="Ask “Will it fit?” first: the scheduler answers where and when it would run, without queueing anything."
      />
      <Suspense>
        <SubmitForm />
      </Suspense>
    </>
  );
}
