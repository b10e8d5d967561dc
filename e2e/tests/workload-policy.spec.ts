// The workload policy in the browser: an admin sets a team's Pod Security level and Secrets and
// grants and revokes an exception; the preview names what the policy would refuse.
import { E2E } from '../../playwright.config';
import { expect, signIn, test } from '../fixtures/test';

test('an admin sets a team’s workload policy and grants, then revokes, an exception', async ({ page }) => {
  const slug = `policy-${Date.now().toString(36)}`;
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto('/admin');
  const teamForm = page.getByRole('form', { name: 'Create team' });
  await teamForm.getByLabel('Slug').fill(slug);
  await teamForm.getByLabel('Name').fill('Policy team');
  await teamForm.getByRole('button', { name: 'Add team' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: slug, exact: true }) });
  await row.getByRole('button', { name: 'Policy' }).click();

  const section = page.getByRole('region', { name: `Workload policy of ${slug}` });
  const settings = section.getByRole('form', { name: 'Pod Security and Secrets' });
  await expect(settings.getByLabel('Pod Security level')).toHaveValue('baseline');
  await settings.getByLabel('Pod Security level').selectOption('restricted');
  await settings.getByLabel('Allowed Secrets (comma-separated)').fill('wandb-api-key, gantry-sweep-x');
  await settings.getByRole('button', { name: 'Save level, Secrets and namespace' }).click();
  await expect(settings.getByText('Secrets named gantry-... are Gantry’s own')).toBeVisible();
  await settings.getByLabel('Allowed Secrets (comma-separated)').fill('wandb-api-key');
  await settings.getByRole('button', { name: 'Save level, Secrets and namespace' }).click();
  await expect(settings.getByLabel('Allowed Secrets (comma-separated)')).toHaveValue('wandb-api-key');
  await expect(settings.getByRole('alert')).toHaveCount(0);
  // A team never runs in the cluster's own namespaces; the field says why.
  await settings.getByLabel('Namespace (empty: gantry-<team>)').fill('kube-system');
  await settings.getByRole('button', { name: 'Save level, Secrets and namespace' }).click();
  await expect(settings.getByText('kube-* and default belong to the cluster, not to a team')).toBeVisible();
  await settings.getByLabel('Namespace (empty: gantry-<team>)').fill('');

  const grant = section.getByRole('form', { name: 'Grant an exception' });
  await grant.getByLabel('Rule').selectOption('pss.hostNamespaces');
  await grant.getByLabel('Why the team needs it').fill('NCCL over the node network');
  await grant.getByRole('button', { name: 'Grant exception' }).click();
  const exceptions = section.getByRole('table', { name: `Exceptions of ${slug}` });
  await expect(exceptions.getByRole('row').filter({ hasText: 'pss.hostNamespaces' })).toContainText(E2E.adminEmail);

  // Reloaded, the policy is what was saved.
  await page.reload();
  await page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: slug, exact: true }) })
    .getByRole('button', { name: 'Policy' })
    .click();
  await expect(section.getByLabel('Pod Security level')).toHaveValue('restricted');
  await section.getByRole('button', { name: 'Revoke pss.hostNamespaces' }).click();
  await expect(section.getByRole('table', { name: `Exceptions of ${slug}` })).toHaveCount(0);
});

test('the preview names what the workload policy would refuse, by path and rule', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', 'gantry-demo');
  await page.goto('/workflows/preview');
  await page.getByLabel('Workflow YAML').fill(`apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: escape- }
spec:
  entrypoint: main
  hostNetwork: true
  templates:
    - name: main
      container: { image: alpine:3.20, securityContext: { privileged: true } }
`);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const violations = page.getByTestId('preview-violations');
  await expect(violations).toContainText('spec.hostNetwork');
  await expect(violations).toContainText('(pss.hostNamespaces)');
  await expect(violations).toContainText('spec.templates[0].container.securityContext.privileged');
  await expect(violations).toContainText('(pss.privileged)');
});
