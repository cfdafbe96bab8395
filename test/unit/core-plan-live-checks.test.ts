import { describe, expect, it } from 'vitest';
import { checkCleanupKey, checkCleanupKeyUse } from '../../src/core/actions/cleanup-key.js';
import { checkCreateKey } from '../../src/core/actions/create-key.js';
import { checkDeactivateKey } from '../../src/core/actions/deactivate-key.js';
import { checkDeleteKeyStatus, checkDeleteKeyUse } from '../../src/core/actions/delete-key.js';
import { checkDeleteLoginProfile } from '../../src/core/actions/delete-login-profile.js';
import { checkNoteActive } from '../../src/core/actions/note-active.js';
import { checkNoteInactive } from '../../src/core/actions/note-inactive.js';
import { checkReactivateKey } from '../../src/core/actions/reactivate-key.js';
import {
  checkCallWindow,
  checkStoreSecret,
  type LiveCheck,
  type LiveKey,
} from '../../src/core/plan/live-checks.js';
import type {
  CleanupKeyAction,
  CreateKeyAction,
  DeactivateKeyAction,
  DeleteKeyAction,
  DeleteLoginProfileAction,
  NoteActiveAction,
  NoteInactiveAction,
  ReactivateKeyAction,
  Stage,
} from '../../src/core/plan/types.js';

const ACCOUNT = '111122223333';
const PLANNED_USE = '2026-12-01T10:00:00.000Z';
/** A use in the same second as the plan saw (IAM stores whole seconds), and one a second later. */
const SAME_SECOND = new Date('2026-12-01T10:00:00.900Z');
const LATER = new Date('2026-12-01T10:00:01.000Z');

const base = (subject: string, type: string, stage: Stage) => ({
  id: `${ACCOUNT}/alice/${subject}/${type}/${stage}`,
  chainId: `${ACCOUNT}/alice/${subject}/${stage}`,
  accountId: ACCOUNT,
  userName: 'alice',
  stage,
  rule: 'KEY_ROTATION' as const,
  reason: 'Because.',
});

const live = (accessKeyId: string, status: LiveKey['status'] = 'Active'): LiveKey => ({
  accessKeyId,
  status,
  createDate: null,
});

/** The verdict as the operator reads it: `ok`, or the skip reason. */
const verdict = (check: LiveCheck) => (check.ok ? 'ok' : check.reason);

describe('checkCreateKey', () => {
  const create: CreateKeyAction = {
    ...base('AKIAOLD', 'create-key', 'rotate'),
    type: 'create-key',
    replacesAccessKeyId: 'AKIAOLD',
    secretName: 'keywarden/alice',
    expect: { status: 'Active', lastUsedDate: null, accessKeyCount: 1 },
  };
  it.each([
    { name: 'the key as planned', keys: [live('AKIAOLD')], action: create, want: 'ok' },
    {
      name: 'the key is gone',
      keys: [],
      action: create,
      want: 'access key AKIAOLD no longer exists, so it needs no replacement',
    },
    {
      name: 'the key is now Inactive',
      keys: [live('AKIAOLD', 'Inactive')],
      action: create,
      want: 'access key AKIAOLD is now Inactive; only an Active key is rotated',
    },
    {
      name: 'another key appeared',
      keys: [live('AKIAOLD'), live('AKIAOTHER')],
      action: create,
      want: 'user now has 2 access keys (the plan expected 1); plan again',
    },
    {
      name: 'two keys, as planned: still the IAM limit',
      keys: [live('AKIAOLD'), live('AKIAOTHER')],
      action: { ...create, expect: { ...create.expect, accessKeyCount: 2 } },
      want: 'user already has 2 access keys, the IAM limit; no key can be created',
    },
  ])('$name', ({ keys, action, want }) => {
    expect(verdict(checkCreateKey(action, keys))).toBe(want);
  });
});

describe("checkCallWindow: a key is created only inside its call's window", () => {
  const answerBy = new Date('2026-12-01T10:02:00.000Z');
  const late =
    "the live re-check ran past 2026-12-01T10:02:00.000Z, the end of this call's window, so the key is not created now; the next run rotates it";
  it.each([
    { name: 'a millisecond before the end', now: new Date(answerBy.getTime() - 1), want: 'ok' },
    { name: 'at the end: no time is left for the call', now: answerBy, want: late },
    { name: 'past the end', now: new Date(answerBy.getTime() + 1), want: late },
  ])('$name', ({ now, want }) => {
    expect(verdict(checkCallWindow(answerBy, now))).toBe(want);
  });
});

describe('checkStoreSecret', () => {
  it.each([
    { name: 'the new key still exists', keys: [live('AKIAOLD'), live('AKIANEW')], want: 'ok' },
    {
      name: 'the new key is gone',
      keys: [live('AKIAOLD')],
      want: 'the new access key AKIANEW no longer exists; nothing stored',
    },
  ])('$name', ({ keys, want }) => {
    expect(verdict(checkStoreSecret('AKIANEW', keys))).toBe(want);
  });
});

describe('checkDeactivateKey', () => {
  const deactivate: DeactivateKeyAction = {
    ...base('AKIAOLD', 'deactivate-key', 'deactivate'),
    type: 'deactivate-key',
    accessKeyId: 'AKIAOLD',
    expect: { status: 'Active', lastUsedDate: PLANNED_USE, replacementAccessKeyId: 'AKIANEW' },
  };
  const revoke = {
    ...deactivate,
    expect: { ...deactivate.expect, lastUsedDate: null, replacementAccessKeyId: null },
  };
  it.each([
    {
      name: 'as planned',
      action: deactivate,
      keys: [live('AKIAOLD'), live('AKIANEW')],
      used: SAME_SECOND,
      want: 'ok',
    },
    {
      name: 'the key is gone',
      action: deactivate,
      keys: [live('AKIANEW')],
      used: null,
      want: 'access key AKIAOLD no longer exists',
    },
    {
      name: 'the key is already Inactive',
      action: deactivate,
      keys: [live('AKIAOLD', 'Inactive'), live('AKIANEW')],
      used: null,
      want: 'access key AKIAOLD is already Inactive',
    },
    {
      name: 'used a second after the plan saw it',
      action: deactivate,
      keys: [live('AKIAOLD'), live('AKIANEW')],
      used: LATER,
      want: 'access key AKIAOLD was used since the plan (last used 2026-12-01T10:00:01.000Z, the plan saw 2026-12-01T10:00:00.000Z); plan again',
    },
    {
      name: 'used at all, when the plan saw it never used',
      action: revoke,
      keys: [live('AKIAOLD')],
      used: SAME_SECOND,
      want: 'access key AKIAOLD was used since the plan (last used 2026-12-01T10:00:00.900Z, the plan saw never); plan again',
    },
    {
      name: 'the replacement is gone',
      action: deactivate,
      keys: [live('AKIAOLD')],
      used: null,
      want: 'its replacement AKIANEW no longer exists; the user would be left without a key',
    },
    {
      name: 'the replacement is Inactive',
      action: deactivate,
      keys: [live('AKIAOLD'), live('AKIANEW', 'Inactive')],
      used: null,
      want: 'its replacement AKIANEW is Inactive; the user would be left without a working key',
    },
    {
      name: 'no replacement needed (revoked as unused)',
      action: revoke,
      keys: [live('AKIAOLD')],
      used: null,
      want: 'ok',
    },
  ])('$name', ({ action, keys, used, want }) => {
    expect(verdict(checkDeactivateKey(action, keys, used))).toBe(want);
  });
});

describe('checkDeleteKeyStatus and checkDeleteKeyUse: never an active key, never one used since', () => {
  const del: DeleteKeyAction = {
    ...base('AKIAOLD', 'delete-key', 'delete'),
    type: 'delete-key',
    accessKeyId: 'AKIAOLD',
    expect: { status: 'Inactive', lastUsedDate: PLANNED_USE },
  };
  it.each([
    { name: 'Inactive as planned', keys: [live('AKIAOLD', 'Inactive')], want: 'ok' },
    { name: 'the key is gone', keys: [], want: 'access key AKIAOLD no longer exists' },
    {
      name: 'the key is Active again',
      keys: [live('AKIAOLD')],
      want: 'access key AKIAOLD is Active again; only an Inactive key is deleted',
    },
  ])('status: $name', ({ keys, want }) => {
    expect(verdict(checkDeleteKeyStatus(del, keys))).toBe(want);
  });
  it.each([
    { name: 'never used', used: null, want: 'ok' },
    { name: 'the use the plan saw (same second)', used: SAME_SECOND, want: 'ok' },
    {
      name: 'used a second later',
      used: LATER,
      want: 'access key AKIAOLD was used since the plan (last used 2026-12-01T10:00:01.000Z, the plan saw 2026-12-01T10:00:00.000Z); plan again',
    },
  ])('use: $name', ({ used, want }) => {
    expect(verdict(checkDeleteKeyUse(del, used))).toBe(want);
  });
});

describe('checkDeleteLoginProfile', () => {
  const del: DeleteLoginProfileAction = {
    ...base('password', 'delete-login-profile', 'revoke-unused'),
    type: 'delete-login-profile',
    expect: { loginProfileCreateDate: PLANNED_USE, passwordLastUsed: null },
  };
  it.each([
    { name: 'the password the plan saw, never used', createDate: SAME_SECOND, used: null, want: 'ok' },
    {
      name: 'no password any more',
      createDate: null,
      used: null,
      want: 'the user no longer has a console password',
    },
    {
      name: 'the password was set again',
      createDate: LATER,
      used: null,
      want: 'the console password was set again (login profile created 2026-12-01T10:00:01.000Z, the plan saw 2026-12-01T10:00:00.000Z); plan again',
    },
    {
      name: 'the password was used',
      createDate: SAME_SECOND,
      used: LATER,
      want: 'the console password was used since the plan (last used 2026-12-01T10:00:01.000Z, the plan saw never); plan again',
    },
  ])('$name', ({ createDate, used, want }) => {
    expect(verdict(checkDeleteLoginProfile(del, { createDate, passwordLastUsed: used }))).toBe(want);
  });
});

describe('checkCleanupKey and checkCleanupKeyUse: a key found by time is left alone once used', () => {
  const cleanup = (requireNeverUsed: boolean): CleanupKeyAction => ({
    id: `${ACCOUNT}/alice/AKIANEW/cleanup-key/rotate`,
    type: 'cleanup-key',
    accountId: ACCOUNT,
    userName: 'alice',
    accessKeyId: 'AKIANEW',
    reason: 'Nobody holds it.',
    createKeyActionId: `${ACCOUNT}/alice/AKIAOLD/create-key/rotate`,
    requireNeverUsed,
  });
  it.each([
    { name: 'the key exists (Active)', keys: [live('AKIANEW')], want: 'ok' },
    { name: 'the key exists (Inactive)', keys: [live('AKIANEW', 'Inactive')], want: 'ok' },
    {
      name: 'the key is gone',
      keys: [live('AKIAOLD')],
      want: 'access key AKIANEW no longer exists; nothing to clean up',
    },
  ])('lookup: $name', ({ keys, want }) => {
    expect(verdict(checkCleanupKey(cleanup(true), keys))).toBe(want);
  });
  it.each([
    { name: 'found by time, never used', requireNeverUsed: true, used: null, want: 'ok' },
    {
      name: 'found by time, used: someone holds it',
      requireNeverUsed: true,
      used: LATER,
      want: 'access key AKIANEW was used (last 2026-12-01T10:00:01.000Z), so someone holds it; it is left alone, check who created it',
    },
    { name: 'known by id (its store failed), used or not', requireNeverUsed: false, used: LATER, want: 'ok' },
  ])('use: $name', ({ requireNeverUsed, used, want }) => {
    expect(verdict(checkCleanupKeyUse(cleanup(requireNeverUsed), used))).toBe(want);
  });
});

describe('checkReactivateKey', () => {
  const reactivate: ReactivateKeyAction = {
    id: `${ACCOUNT}/alice/AKIAOLD/reactivate-key/undo`,
    type: 'reactivate-key',
    accountId: ACCOUNT,
    userName: 'alice',
    accessKeyId: 'AKIAOLD',
    reason: 'Undo.',
    undoes: `${ACCOUNT}/alice/AKIAOLD/deactivate-key/deactivate`,
  };
  it.each([
    { name: 'Inactive: reactivated', keys: [live('AKIAOLD', 'Inactive')], want: 'ok' },
    { name: 'gone', keys: [], want: 'access key AKIAOLD no longer exists; it cannot be reactivated' },
    { name: 'already Active', keys: [live('AKIAOLD')], want: 'access key AKIAOLD is already Active' },
  ])('$name', ({ keys, want }) => {
    expect(verdict(checkReactivateKey(reactivate, keys))).toBe(want);
  });
});

describe('checkNoteInactive and checkNoteActive: only what IAM shows now is journaled', () => {
  const noteInactive: NoteInactiveAction = {
    ...base('AKIAOLD', 'note-inactive', 'inactive-seen'),
    type: 'note-inactive',
    accessKeyId: 'AKIAOLD',
    expect: { status: 'Inactive', lastUsedDate: null },
    deleteFrom: PLANNED_USE,
  };
  const noteActive: NoteActiveAction = {
    ...base('AKIAOLD', 'note-active', 'active-seen'),
    type: 'note-active',
    accessKeyId: 'AKIAOLD',
    closes: PLANNED_USE,
  };
  it.each([
    { name: 'still Inactive', keys: [live('AKIAOLD', 'Inactive')], want: 'ok' },
    { name: 'gone', keys: [], want: 'access key AKIAOLD no longer exists' },
    { name: 'Active again', keys: [live('AKIAOLD')], want: 'access key AKIAOLD is Active again' },
  ])('note-inactive: $name', ({ keys, want }) => {
    expect(verdict(checkNoteInactive(noteInactive, keys))).toBe(want);
  });
  it.each([
    { name: 'still Active', keys: [live('AKIAOLD')], want: 'ok' },
    { name: 'gone', keys: [], want: 'access key AKIAOLD no longer exists' },
    {
      name: 'Inactive again',
      keys: [live('AKIAOLD', 'Inactive')],
      want: 'access key AKIAOLD is Inactive again',
    },
  ])('note-active: $name', ({ keys, want }) => {
    expect(verdict(checkNoteActive(noteActive, keys))).toBe(want);
  });
});
