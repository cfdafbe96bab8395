import { describe, expect, it } from 'vitest';
import { type OrgAccount, selectAccounts } from '../../src/core/accounts.js';

const account = (id: string, state: string | null = 'ACTIVE'): OrgAccount => ({ id, name: null, state });
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

describe('selectAccounts', () => {
  it.each([
    { name: 'every active account, in listing order', list: [account(B), account(A)], f: {}, want: [B, A] },
    { name: 'a suspended account is skipped', list: [account(A), account(B, 'SUSPENDED')], f: {}, want: [A] },
    { name: 'an account pending closure is skipped', list: [account(A, 'PENDING_CLOSURE')], f: {}, want: [] },
    { name: 'an account named by --accounts (no state) is kept', list: [account(A, null)], f: {}, want: [A] },
    {
      name: 'include keeps only the named',
      list: [account(A), account(B), account(C)],
      f: { include: [C, A] },
      want: [A, C],
    },
    { name: 'exclude removes', list: [account(A), account(B)], f: { exclude: [A] }, want: [B] },
    {
      name: 'exclude wins over include',
      list: [account(A), account(B)],
      f: { include: [A, B], exclude: [B] },
      want: [A],
    },
    { name: 'a duplicate is listed once', list: [account(A), account(A)], f: {}, want: [A] },
  ])('$name', ({ list, f, want }) => {
    const got = selectAccounts(list, { include: f.include ?? null, exclude: f.exclude ?? [] });
    expect(got.selected.map((a) => a.id)).toEqual(want);
  });

  it('says why each account was left out', () => {
    const got = selectAccounts([account(A, 'SUSPENDED'), account(B), account(C)], {
      include: [B, C],
      exclude: [C],
    });
    expect(got.skipped.map((s) => `${s.account.id}: ${s.reason}`)).toEqual([
      `${A}: suspended`,
      `${C}: in --exclude-accounts`,
    ]);
  });
});
