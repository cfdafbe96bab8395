/** World files: the accounts, users, keys and resources an emulator starts with. (Stub: being filled in.) */
import { addAccount, type EmulatorState } from './state.js';

export interface World {
  readonly accounts: readonly { readonly id: string; readonly name?: string }[];
}

export function applyWorld(state: EmulatorState, world: World): void {
  for (const account of world.accounts) addAccount(state, { accountId: account.id, name: account.name });
}
