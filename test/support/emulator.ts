/** Test support: start an emulator on loopback with a frozen clock and build SDK client config for it. */
import { afterAll, beforeAll } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/server.js';

/** The fixed instant every test world is built around. */
export const FIXED_NOW = new Date('2026-11-22T12:00:00Z');

export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ clock: { start: FIXED_NOW, frozen: true }, ...options });
}

/** Starts one emulator for the enclosing `describe` and stops it afterwards. */
export function useEmulator(options: EmulatorOptions = {}): { readonly current: Emulator } {
  const holder: { current: Emulator } = { current: undefined as unknown as Emulator };
  beforeAll(async () => {
    holder.current = await startTestEmulator(options);
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}

/**
 * SDK v3 client config for the emulator. `maxAttempts: 1` unless a test asks for retries, so injected
 * faults are seen exactly. Unknown key ids act as the world's default account.
 */
export function clientConfig(
  emulator: Emulator,
  options: {
    accessKeyId?: string;
    secretAccessKey?: string;
    sessionToken?: string;
    region?: string;
    maxAttempts?: number;
  } = {},
) {
  return {
    endpoint: emulator.url,
    region: options.region ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 1,
    credentials: {
      accessKeyId: options.accessKeyId ?? 'AKIDTESTDEFAULT',
      secretAccessKey: options.secretAccessKey ?? 'test-secret',
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
  };
}
