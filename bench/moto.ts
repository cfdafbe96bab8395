/**
 * A moto server (the third-party AWS emulator the moto e2e tests use) seeded with one generated
 * account by test/support/moto_world.py, created in moto's backend directly ("via": "backend")
 * because 5,000 users through its API take minutes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { World, WorldAccount } from '../src/emulator/world-types.js';

const SCRIPT = fileURLToPath(new URL('../test/support/moto_world.py', import.meta.url));
const PYTHON = process.env.KEYWARDEN_TEST_PYTHON ?? 'python3';

export interface BenchMoto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * The first account of a generated world as moto can hold it: no root user, and each login profile
 * dated with its user (moto has no login-profile creation time of its own). Password changes stay.
 */
export function motoAccount(world: World): WorldAccount {
  const account = world.accounts[0];
  if (account === undefined) throw new Error('the world has no account');
  return {
    id: account.id,
    users: (account.users ?? []).map((u) =>
      u.loginProfile ? { ...u, loginProfile: { ...u.loginProfile, createdDaysAgo: u.createdDaysAgo } } : u,
    ),
  };
}

export function startBenchMoto(now: Date, account: WorldAccount): Promise<BenchMoto> {
  const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.once('exit', (code) => reject(new Error(`moto_world.py exited (${code}):\n${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const ready = JSON.parse(stdout.slice(0, newline)) as { endpoint: string };
      resolve({
        endpoint: ready.endpoint,
        stop: async () => {
          child.stdin.end();
          await exited;
        },
      });
    });
    child.stdin.write(`${JSON.stringify({ now: now.toISOString(), account, via: 'backend' })}\n`);
  });
}
