import { describe, expect, it } from 'vitest';
import { parseGroupMap, readGroupsClaim, resolveGroupAccess } from './oidc-groups';

describe('OIDC_GROUP_MAP parsing', () => {
  it('reads comma and newline separated group=team:role entries, * meaning no team', () => {
    expect(parseGroupMap('gantry-admins=*:admin, ml-vision=vision:researcher\n/keycloak/nlp=nlp:viewer\n')).toEqual({
      ok: true,
      mappings: [
        { group: 'gantry-admins', team: '*', role: 'admin' },
        { group: 'ml-vision', team: 'vision', role: 'researcher' },
        { group: '/keycloak/nlp', team: 'nlp', role: 'viewer' },
      ],
    });
    expect(parseGroupMap('')).toEqual({ ok: true, mappings: [] });
  });

  it('names every bad entry', () => {
    const parsed = parseGroupMap('ok=vision:viewer,broken,x=vision:owner,y=Bad Team:viewer');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors).toHaveLength(3);
      expect(parsed.errors[0]).toContain('"broken"');
      expect(parsed.errors[1]).toContain('role must be one of viewer, researcher, admin');
    }
  });
});

describe('group access', () => {
  const map = parseGroupMap(
    'gantry-admins=*:admin,vision-team=vision:researcher,readers=vision:viewer,nlp=nlp:researcher',
  );
  const mappings = map.ok ? map.mappings : [];

  it('the highest matched role wins and teams are the matched teams', () => {
    expect(resolveGroupAccess(['readers', 'vision-team', 'unrelated'], mappings, 'viewer')).toEqual({
      role: 'researcher',
      teams: ['vision'],
      mapped: true,
    });
    expect(resolveGroupAccess(['gantry-admins', 'nlp'], mappings, 'none')).toEqual({
      role: 'admin',
      teams: ['nlp'],
      mapped: true,
    });
  });

  it('without a match the default role applies, and none means no access', () => {
    expect(resolveGroupAccess(['other'], mappings, 'viewer')).toEqual({ role: 'viewer', teams: [], mapped: false });
    expect(resolveGroupAccess([], mappings, 'none')).toEqual({ role: null, teams: [], mapped: false });
  });

  it('group names compare exactly', () => {
    expect(resolveGroupAccess(['Gantry-Admins'], mappings, 'viewer').role).toBe('viewer');
  });

  it('reads array and string group claims', () => {
    expect(readGroupsClaim(['a', 'b', 3, ''])).toEqual(['a', 'b']);
    expect(readGroupsClaim('a b,c')).toEqual(['a', 'b', 'c']);
    expect(readGroupsClaim(undefined)).toEqual([]);
    expect(readGroupsClaim({ a: 1 })).toEqual([]);
  });
});
