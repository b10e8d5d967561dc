import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { assertSafeText, findUnsafeText, JobId, mayHoldUnsafeText, parseInput } from './validate';

describe('JobId', () => {
  const Input = z.object({ id: JobId });

  it('takes positive integers and their plain decimal spelling', () => {
    expect(parseInput(Input, { id: '16' })).toEqual({ id: 16 });
    expect(parseInput(Input, { id: 42 })).toEqual({ id: 42 });
    expect(parseInput(Input, { id: '999999999999999' })).toEqual({ id: 999_999_999_999_999 });
  });

  it.each([
    '0x10',
    '0o20',
    '0b10000',
    '1e1',
    ' 16',
    '16 ',
    '+16',
    '016',
    '16.0',
    '-1',
    '0',
    '',
    '1_000',
    '9999999999999999',
    'Infinity',
  ])('refuses %j as a job id, naming the field', (id) => {
    try {
      parseInput(Input, { id });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).fields).toEqual([{ field: 'id', message: 'Not a job id' }]);
    }
  });

  it('refuses numbers that are not positive integers', () => {
    for (const id of [0, -3, 1.5, Number.NaN, 2 ** 60]) expect(Input.safeParse({ id }).success).toBe(false);
  });
});

describe('findUnsafeText', () => {
  it('names every string holding NUL or a lone surrogate by its path, keys included', () => {
    const value = {
      name: 'ok\u0000',
      spec: { args: ['fine', 'bad\ud800'], env: { ['K\u0000']: 'v' } },
      emoji: '🚀 \ud83d\ude80',
      n: 3,
    };
    expect(findUnsafeText(value)).toEqual([
      { field: 'name', message: 'Text must not contain NUL characters' },
      { field: 'spec.args[1]', message: 'Text must not contain unpaired UTF-16 surrogates' },
      { field: 'spec.env.K\u0000', message: 'Field names must not contain NUL characters' },
    ]);
  });

  it('finds a lone low surrogate, a high one at the end, and a bare string', () => {
    expect(findUnsafeText(['\udc00x', 'x\ud83d'])).toHaveLength(2);
    expect(findUnsafeText('\u0000')).toEqual([{ field: '(body)', message: 'Text must not contain NUL characters' }]);
  });

  it('leaves well-formed text alone', () => {
    expect(findUnsafeText({ a: 'ünïcödé 漢字 🚀', b: ['\t\n'], c: null, d: true })).toEqual([]);
  });

  it('throws 400 INVALID from assertSafeText', () => {
    expect(() => assertSafeText({ a: '\u0000' })).toThrowError(AppError);
  });
});

describe('mayHoldUnsafeText', () => {
  it('spots the escapes JSON needs for NUL and surrogates, in either case', () => {
    expect(mayHoldUnsafeText(JSON.stringify({ a: '\u0000' }))).toBe(true);
    expect(mayHoldUnsafeText(JSON.stringify({ a: '\ud800' }))).toBe(true);
    expect(mayHoldUnsafeText('{"a":"\\uDC00"}')).toBe(true);
    expect(mayHoldUnsafeText(JSON.stringify({ a: 'plain', b: 'é🚀' }))).toBe(false);
    expect(mayHoldUnsafeText('{"a":"\\u00e9"}')).toBe(false);
  });
});
