import { describe, expect, it } from 'vitest';
import { check, restrictBase, type Obj } from './policy.test-util';

describe('restricted level', () => {
  it('names every setting a container leaves out', () => {
    const violations = check(() => {}, { level: 'restricted' });
    const at = 'spec.templates[1].container.securityContext';
    expect(violations.filter((v) => v.path.startsWith(at)).map((v) => [v.rule, v.path])).toEqual([
      ['pss.privilegeEscalation', `${at}.allowPrivilegeEscalation`],
      ['pss.runAsNonRoot', `${at}.runAsNonRoot`],
      ['pss.seccompRestricted', `${at}.seccompProfile.type`],
      ['pss.capabilitiesRestricted', `${at}.capabilities.drop`],
    ]);
  });

  it('reads pod settings from the template over templateDefaults over the workflow', () => {
    const ok = (wf: Obj) => {
      restrictBase(wf);
      delete wf.spec.securityContext;
      wf.spec.templateDefaults = {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      };
    };
    expect(check(ok, { level: 'restricted' })).toEqual([]);
    // A template's own pod securityContext replaces the workflow's, as Argo does.
    const replaced = check(
      (wf) => {
        restrictBase(wf);
        wf.spec.templates[1].securityContext = { fsGroup: 1000 };
      },
      { level: 'restricted' },
    );
    expect(replaced.map((v) => v.rule)).toEqual(['pss.runAsNonRoot', 'pss.seccompRestricted']);
  });

  it('reports hostPath as a restricted volume type there', () => {
    const violations = check(
      (wf) => {
        restrictBase(wf);
        wf.spec.volumes.push({ name: 'root', hostPath: { path: '/' } });
      },
      { level: 'restricted' },
    );
    expect(violations.map((v) => v.rule)).toEqual(['pss.volumeTypes']);
  });
});
