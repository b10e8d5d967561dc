'use client';
// A team's workload policy for admins: its Pod Security level, the Secrets its workloads may use
// and the exceptions it was granted (lib/domain/policy/README.md). Every change is audited.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { teamKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { Table, Td } from '@/components/ui/table';
import type { TeamPolicyView } from '@/lib/server/teams/get-team-policy';

export function TeamPolicy({ slug }: { slug: string }) {
  const qc = useQueryClient();
  const base = `/api/admin/teams/${encodeURIComponent(slug)}/policy`;
  const policy = useQuery({ queryKey: teamKeys.policy(slug), queryFn: () => apiFetch<TeamPolicyView>(base) });
  const onSuccess = (view: TeamPolicyView) => qc.setQueryData(teamKeys.policy(slug), view);
  const update = useMutation({
    mutationFn: (patch: Record<string, unknown>) => apiFetch<TeamPolicyView>(base, { method: 'PATCH', json: patch }),
    onSuccess,
  });
  const grant = useMutation({
    mutationFn: (input: { rule: string; reason: string }) =>
      apiFetch<TeamPolicyView>(`${base}/exceptions`, { method: 'POST', json: input }),
    onSuccess,
  });
  const revoke = useMutation({
    mutationFn: (rule: string) =>
      apiFetch<TeamPolicyView>(`${base}/exceptions/${encodeURIComponent(rule)}`, { method: 'DELETE' }),
    onSuccess,
  });
  if (policy.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        {policy.error.message}
      </p>
    );
  if (!policy.data) return <p className="text-sm">Loading the policy of {slug}…</p>;
  const view = policy.data;
  const fieldError = (m: typeof update | typeof grant, f: string) =>
    m.error instanceof ApiError ? m.error.fieldMessage(f) : undefined;

  function onSettings(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const allowedSecrets = String(f.get('allowedSecrets') ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);
    // An empty namespace field goes back to gantry-<team>.
    const namespace = String(f.get('namespace') ?? '').trim() || null;
    update.mutate({ podSecurity: f.get('podSecurity'), allowedSecrets, namespace });
  }

  function onGrant(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    grant.mutate(
      { rule: String(f.get('rule')), reason: String(f.get('reason') ?? '') },
      { onSuccess: () => form.reset() },
    );
  }

  const granted = new Set(view.exceptions.map((x) => x.rule));
  return (
    <section
      aria-label={`Workload policy of ${slug}`}
      className="mt-4 space-y-4 rounded-md border border-slate-200 p-4 dark:border-slate-700"
    >
      <h3 className="text-sm font-semibold">Workload policy of {slug}</h3>
      <form
        onSubmit={onSettings}
        className="grid grid-cols-1 gap-3 sm:grid-cols-4"
        aria-label="Pod Security and Secrets"
        noValidate
      >
        <SelectField
          label="Pod Security level"
          name="podSecurity"
          defaultValue={view.podSecurity}
          key={`level-${view.podSecurity}`}
        >
          <option value="baseline">baseline</option>
          <option value="restricted">restricted</option>
        </SelectField>
        <TextField
          label="Allowed Secrets (comma-separated)"
          name="allowedSecrets"
          defaultValue={view.allowedSecrets.join(', ')}
          key={`secrets-${view.allowedSecrets.join(',')}`}
          placeholder="wandb-api-key, s3-credentials"
          error={
            update.error instanceof ApiError
              ? update.error.fields.find((f) => f.field.startsWith('allowedSecrets'))?.message
              : undefined
          }
        />
        <TextField
          label="Namespace (empty: gantry-<team>)"
          name="namespace"
          defaultValue={view.namespaceMapped ? view.namespace : ''}
          key={`namespace-${view.namespace}`}
          placeholder={view.namespace}
          error={fieldError(update, 'namespace')}
        />
        <div className="flex items-end">
          <Button type="submit" variant="secondary" disabled={update.isPending} className="w-full">
            Save level, Secrets and namespace
          </Button>
        </div>
        {update.error instanceof ApiError && update.error.fields.length === 0 && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-4">
            {update.error.message}
          </p>
        )}
      </form>
      {view.exceptions.length > 0 && (
        <Table caption={`Exceptions of ${slug}`} head={['Rule', 'Reason', 'Granted by', '']}>
          {view.exceptions.map((x) => (
            <tr key={x.rule}>
              <Td className="font-mono">{x.rule}</Td>
              <Td>{x.reason}</Td>
              <Td>{x.createdBy ?? '—'}</Td>
              <Td>
                <Button
                  variant="ghost"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(x.rule)}
                  aria-label={`Revoke ${x.rule}`}
                >
                  Revoke
                </Button>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <form
        onSubmit={onGrant}
        className="grid grid-cols-1 gap-3 sm:grid-cols-3"
        aria-label="Grant an exception"
        noValidate
      >
        <SelectField label="Rule" name="rule" error={fieldError(grant, 'rule')}>
          {view.rules
            .filter((r) => !granted.has(r.rule))
            .map((r) => (
              <option key={r.rule} value={r.rule}>
                {r.rule}: {r.description}
              </option>
            ))}
        </SelectField>
        <TextField
          label="Why the team needs it"
          name="reason"
          placeholder="NCCL over the node network"
          error={fieldError(grant, 'reason')}
        />
        <div className="flex items-end">
          <Button type="submit" variant="secondary" disabled={grant.isPending} className="w-full">
            Grant exception
          </Button>
        </div>
        {grant.error instanceof ApiError && grant.error.fields.length === 0 && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-4">
            {grant.error.message}
          </p>
        )}
      </form>
    </section>
  );
}
