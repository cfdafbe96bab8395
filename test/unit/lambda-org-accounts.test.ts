/**
 * org-accounts' filters: the CLI's --ous / --include-accounts / --exclude-accounts as environment
 * variables (the stack's parameters) or as fields of an execution's input (read by the handler's
 * event schema), which win; every mistake one line naming the variable or the field. The selection
 * itself is the core's selectAccounts, shared with the CLI.
 */
import { describe, expect, it } from 'vitest';
import { selectAccounts } from '../../src/core/accounts.js';
import { HandlerConfigError } from '../../src/engine/errors.js';
import { organizationFilters } from '../../src/engine/organization-accounts.js';
import { HandlerEventError, parseEvent } from '../../src/lambda/define-handler.js';
import { OrgAccountsEvent } from '../../src/lambda/org-accounts.js';

/** The filters of an invocation with `event`, as the handler reads them. */
const orgFilters = (env: NodeJS.ProcessEnv, event: unknown) =>
  organizationFilters(env, parseEvent(OrgAccountsEvent, event));

const OU = 'ou-ab12-cdef3456';
const ROOT = 'r-ab12';

describe('orgFilters', () => {
  it('has no filter by default: every account', () => {
    expect(orgFilters({}, {})).toEqual({ ous: [], include: null, exclude: [] });
  });

  it('reads comma-separated lists from the environment, as the stack sets them (empty: none)', () => {
    const env = {
      KEYWARDEN_ORG_OUS: `${OU}, ${ROOT}`,
      KEYWARDEN_INCLUDE_ACCOUNTS: '111111111111,222222222222',
      KEYWARDEN_EXCLUDE_ACCOUNTS: '',
    };
    expect(orgFilters(env, {})).toEqual({
      ous: [OU, ROOT],
      include: ['111111111111', '222222222222'],
      exclude: [],
    });
  });

  it("takes an execution input's lists (arrays or strings) over the environment's", () => {
    const env = { KEYWARDEN_EXCLUDE_ACCOUNTS: '111111111111', KEYWARDEN_ORG_OUS: OU };
    expect(orgFilters(env, { excludeAccounts: ['333333333333'], ous: ROOT })).toEqual({
      ous: [ROOT],
      include: null,
      exclude: ['333333333333'],
    });
  });

  it('ignores the fields of an EventBridge scheduled event', () => {
    const event = {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111111111111',
      detail: {},
    };
    expect(orgFilters({}, event)).toEqual({ ous: [], include: null, exclude: [] });
  });

  it('names the variable with a bad value', () => {
    const fail = () => orgFilters({ KEYWARDEN_INCLUDE_ACCOUNTS: '1111,222222222222' }, {});
    expect(fail).toThrow(HandlerConfigError);
    expect(fail).toThrow('KEYWARDEN_INCLUDE_ACCOUNTS: "1111" is not a 12-digit account id');
  });

  it('names the event field with a bad value', () => {
    expect(() => orgFilters({}, { ous: ['ou-nope'] })).toThrow(HandlerEventError);
    expect(() => orgFilters({}, { ous: ['ou-nope'] })).toThrow(
      'ous: "ou-nope" is not an OU id (ou-…) or root id (r-…)',
    );
    expect(() => orgFilters({}, { excludeAccounts: 42 })).toThrow(
      'excludeAccounts: must be a comma-separated string or a list of strings (got 42)',
    );
  });

  it('feeds the same selection as the CLI: suspended skipped, then include, then exclude', () => {
    const filters = orgFilters({ KEYWARDEN_EXCLUDE_ACCOUNTS: '333333333333' }, {});
    const selection = selectAccounts(
      [
        { id: '111111111111', name: 'a', state: 'ACTIVE' },
        { id: '222222222222', name: 'b', state: 'SUSPENDED' },
        { id: '333333333333', name: 'c', state: 'ACTIVE' },
      ],
      { include: filters.include, exclude: filters.exclude },
    );
    expect(selection.selected.map((a) => a.id)).toEqual(['111111111111']);
    expect(selection.skipped.map((s) => [s.account.id, s.reason])).toEqual([
      ['222222222222', 'suspended'],
      ['333333333333', 'in --exclude-accounts'],
    ]);
  });
});
