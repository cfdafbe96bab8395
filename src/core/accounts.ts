/**
 * Which accounts a multi-account run covers: the organization's accounts (or a given list), minus the
 * suspended ones, filtered by `--include-accounts` / `--exclude-accounts`. Pure: the listing comes
 * from the Organizations adapter, the decision is made here and said in words.
 */

/** An account as Organizations lists it (or as `--accounts` names it). */
export interface OrgAccount {
  readonly id: string;
  readonly name: string | null;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`; null when not listed by Organizations. */
  readonly state: string | null;
}

export interface AccountFilters {
  /** Only these account ids; null = every account. */
  readonly include: readonly string[] | null;
  readonly exclude: readonly string[];
}

export interface AccountSelection {
  readonly selected: readonly OrgAccount[];
  /** Accounts left out, each with why (suspended, excluded, not included). */
  readonly skipped: readonly { readonly account: OrgAccount; readonly reason: string }[];
}

/** Twelve digits: what an AWS account id is. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/**
 * Applies the filters, in the order the flags read: an account that is not active is skipped
 * (nothing can be assumed there), then `include` keeps only the named ids, then `exclude` removes.
 * The listing's order is kept and duplicates are dropped.
 */
export function selectAccounts(accounts: readonly OrgAccount[], filters: AccountFilters): AccountSelection {
  const include = filters.include === null ? null : new Set(filters.include);
  const exclude = new Set(filters.exclude);
  const seen = new Set<string>();
  const selected: OrgAccount[] = [];
  const skipped: { account: OrgAccount; reason: string }[] = [];
  for (const account of accounts) {
    if (seen.has(account.id)) continue;
    seen.add(account.id);
    if (account.state !== null && account.state !== 'ACTIVE') {
      skipped.push({ account, reason: `${account.state.toLowerCase().replace('_', ' ')}` });
    } else if (include !== null && !include.has(account.id)) {
      skipped.push({ account, reason: 'not in --include-accounts' });
    } else if (exclude.has(account.id)) {
      skipped.push({ account, reason: 'in --exclude-accounts' });
    } else {
      selected.push(account);
    }
  }
  return { selected, skipped };
}
