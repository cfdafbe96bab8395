import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/emulator/clock.js';

const START = new Date('2026-11-22T12:00:00.750Z');
const START_SECOND = new Date('2026-11-22T12:00:00Z');
const DAY_MS = 86_400_000;

describe('createClock, frozen', () => {
  it('starts at the given time, truncated to the second, and stays there', () => {
    let wallMs = 0;
    const clock = createClock({ start: START }, () => wallMs);
    wallMs += 60_000;
    expect(clock.now()).toEqual(START_SECOND);
    expect(clock.now()).toEqual(START_SECOND);
  });

  it('is frozen by default', () => {
    let wallMs = 5_000;
    const clock = createClock({ start: START }, () => wallMs);
    wallMs += 10_000;
    expect(clock.now()).toEqual(START_SECOND);
  });

  it('starts at wall time when no start is given', () => {
    const clock = createClock({}, () => Date.parse('2030-01-02T03:04:05.678Z'));
    expect(clock.now()).toEqual(new Date('2030-01-02T03:04:05Z'));
  });

  it('advances by whole and fractional days, backwards too, returning the truncated time', () => {
    const clock = createClock({ start: START_SECOND });
    expect(clock.advance(1)).toEqual(new Date(START_SECOND.getTime() + DAY_MS));
    expect(clock.advance(0.5)).toEqual(new Date(START_SECOND.getTime() + 1.5 * DAY_MS));
    expect(clock.advance(-1.5)).toEqual(START_SECOND);
    expect(clock.now()).toEqual(START_SECOND);
  });

  it('truncates sub-second advances but keeps accumulating them', () => {
    const clock = createClock({ start: START_SECOND });
    const halfSecondInDays = 0.5 / 86_400;
    expect(clock.advance(halfSecondInDays)).toEqual(START_SECOND);
    expect(clock.now()).toEqual(START_SECOND);
    expect(clock.advance(halfSecondInDays)).toEqual(new Date(START_SECOND.getTime() + 1000));
  });

  it('sets an absolute time, truncated to the second', () => {
    const clock = createClock({ start: START_SECOND });
    expect(clock.set(new Date('2027-03-01T00:00:00.999Z'))).toEqual(new Date('2027-03-01T00:00:00Z'));
    expect(clock.now()).toEqual(new Date('2027-03-01T00:00:00Z'));
    expect(clock.advance(1)).toEqual(new Date('2027-03-02T00:00:00Z'));
  });
});

describe('createClock, ticking', () => {
  it('moves with the injected wall clock from its start', () => {
    // Prepare
    let wallMs = 1_000_000;
    const clock = createClock({ start: START_SECOND, frozen: false }, () => wallMs);
    // Act
    wallMs += 1_500;
    // Assess
    expect(clock.now()).toEqual(new Date(START_SECOND.getTime() + 1_000));
    wallMs += 500;
    expect(clock.now()).toEqual(new Date(START_SECOND.getTime() + 2_000));
  });

  it('keeps ticking after advance and set', () => {
    let wallMs = 0;
    const clock = createClock({ start: START_SECOND, frozen: false }, () => wallMs);
    wallMs += 10_000;
    expect(clock.advance(1)).toEqual(new Date(START_SECOND.getTime() + DAY_MS + 10_000));
    wallMs += 3_000;
    expect(clock.now()).toEqual(new Date(START_SECOND.getTime() + DAY_MS + 13_000));
    clock.set(new Date('2030-01-01T00:00:00Z'));
    wallMs += 2_000;
    expect(clock.now()).toEqual(new Date('2030-01-01T00:00:02Z'));
  });
});

describe('the times the clock gives', () => {
  it('drop milliseconds, rounding down', () => {
    const clock = createClock({ start: new Date('2026-01-01T00:00:00.999Z') });
    expect(clock.now()).toEqual(new Date('2026-01-01T00:00:00Z'));
  });
});
