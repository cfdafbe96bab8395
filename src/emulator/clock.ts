/**
 * The emulator's clock. Tests freeze it and move it with `advance`; the sandbox lets it tick with
 * wall time from an offset. Every time the emulator records (creation, last use) comes from here,
 * truncated to whole seconds as AWS stores them.
 */
export interface EmulatorClock {
  now(): Date;
  /** Moves the clock forward (or back, with a negative value) by whole or fractional days. */
  advance(days: number): Date;
  set(date: Date): Date;
}

export interface ClockOptions {
  /** Start time; defaults to the wall clock at creation. */
  readonly start?: Date;
  /** When true (default) the clock does not move unless told to. When false it ticks with wall time. */
  readonly frozen?: boolean;
}

const DAY_MS = 86_400_000;

export function createClock(options: ClockOptions = {}, wallNow: () => number = Date.now): EmulatorClock {
  const frozen = options.frozen ?? true;
  let base = truncateToSecond(options.start ?? new Date(wallNow())).getTime();
  let wallAtBase = wallNow();
  const current = (wall: number) => (frozen ? base : base + (wall - wallAtBase));
  return {
    now: () => truncateToSecond(new Date(current(wallNow()))),
    advance(days: number) {
      const wall = wallNow();
      base = current(wall) + days * DAY_MS;
      wallAtBase = wall;
      return truncateToSecond(new Date(base));
    },
    set(date: Date) {
      base = date.getTime();
      wallAtBase = wallNow();
      return truncateToSecond(new Date(base));
    },
  };
}

function truncateToSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
