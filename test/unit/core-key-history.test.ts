import { describe, expect, it } from 'vitest';
import {
  closesInactiveRecord,
  inactiveWindowStart,
  type KeyEvent,
  type KeyEventKind,
  openInactiveRecord,
} from '../../src/core/plan/key-history.js';

const D0 = new Date('2026-11-01T00:00:00Z');
const D1 = new Date('2026-11-02T00:00:00Z');
const D2 = new Date('2026-11-20T00:00:00Z');
const ev = (kind: KeyEventKind, at: Date): KeyEvent => ({ kind, at });
const inactive = (lastUsedDate: Date | null = null) => ({ status: 'Inactive' as const, lastUsedDate });
const active = { status: 'Active' as const, lastUsedDate: null };

describe('inactiveWindowStart: a journal date stands only while live state agrees', () => {
  it.each([
    { name: 'no record: a first sighting is needed', events: [], live: inactive(), start: null },
    { name: 'deactivated, still inactive', events: [ev('deactivated', D0)], live: inactive(), start: D0 },
    {
      name: 'a deactivation whose outcome was never written counts (it only delays a delete)',
      events: [ev('deactivation-unconfirmed', D0)],
      live: inactive(),
      start: D0,
    },
    { name: 'first seen inactive', events: [ev('seen-inactive', D0)], live: inactive(), start: D0 },
    {
      name: 'seen Active after the deactivation: the record is closed',
      events: [ev('deactivated', D0), ev('seen-active', D1)],
      live: inactive(),
      start: null,
    },
    {
      name: 'reactivated by an undo: the record is closed',
      events: [ev('deactivated', D0), ev('reactivated', D1)],
      live: inactive(),
      start: null,
    },
    {
      name: 'seen Active, then seen inactive again: the new sighting counts',
      events: [ev('deactivated', D0), ev('seen-active', D1), ev('seen-inactive', D2)],
      live: inactive(),
      start: D2,
    },
    {
      name: 'two records going inactive: the later one (it can only delay a delete)',
      events: [ev('seen-inactive', D0), ev('deactivated', D1)],
      live: inactive(),
      start: D1,
    },
    {
      name: 'used one second after the record: active since, so no record stands',
      events: [ev('deactivated', D0)],
      live: inactive(new Date(D0.getTime() + 1000)),
      start: null,
    },
    {
      name: 'last used at the record itself: the record stands',
      events: [ev('deactivated', D0)],
      live: inactive(D0),
      start: D0,
    },
    { name: 'Active now: no window', events: [ev('deactivated', D0)], live: active, start: null },
  ])('$name', ({ events, live, start }) => {
    // Act
    const got = inactiveWindowStart(events, live);

    // Assess
    expect(got).toEqual(start);
  });
});

describe('closesInactiveRecord', () => {
  it.each([
    { name: 'Active with an open record', events: [ev('deactivated', D0)], live: active, closes: true },
    {
      name: 'Active with an unconfirmed deactivation',
      events: [ev('deactivation-unconfirmed', D0)],
      live: active,
      closes: true,
    },
    {
      name: 'Active, record already closed',
      events: [ev('deactivated', D0), ev('seen-active', D1)],
      live: active,
      closes: false,
    },
    { name: 'Active, no record', events: [], live: active, closes: false },
    {
      name: 'Inactive with an open record',
      events: [ev('deactivated', D0)],
      live: inactive(),
      closes: false,
    },
  ])('$name', ({ events, live, closes }) => {
    expect(closesInactiveRecord(events, live)).toBe(closes);
  });

  it('openInactiveRecord is the journal alone: it ignores live state', () => {
    expect(openInactiveRecord([ev('deactivated', D0)])).toEqual(D0);
    expect(openInactiveRecord([ev('deactivated', D0), ev('seen-active', D1)])).toBeNull();
  });
});
