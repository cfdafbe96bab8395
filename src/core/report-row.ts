/**
 * One credential report row, as cells, made to fit the header. IAM allows commas in user names
 * (`ops,oncall`) and paths (`/team,x/`); a report written without CSV quoting (moto's is) splits
 * such a name, and the ARN that repeats it, into more cells than the header has. Such a row can
 * still be read: the extra commas lie in the `user` and `arn` cells, and only one way of joining
 * them gives an ARN that starts with `arn:` and whose last path segment is the user name. Pure.
 */

/** Where the report's header puts the cells this needs. */
export interface ReportRowColumns {
  /** How many columns the header has. */
  readonly count: number;
  /** The `user` column's index (-1: none). */
  readonly user: number;
  /** The `arn` column's index (-1: none). */
  readonly arn: number;
}

export type ReportRowCells =
  | { readonly kind: 'read'; readonly cells: readonly string[] }
  | {
      readonly kind: 'unreadable';
      /** The user the row is about, as far as it tells: its cells before the first `arn:` cell. */
      readonly userName: string | null;
      readonly reason: string;
    };

/**
 * The row's user name as far as the cells tell: IAM user names hold no `:`, so the name is every
 * cell from the `user` column up to the first cell starting with `arn:`.
 */
function userNameOf(cells: readonly string[], user: number): string | null {
  if (user < 0 || user >= cells.length) return null;
  let end = user + 1;
  while (end < cells.length && !cells[end]?.startsWith('arn:')) end++;
  const name = end < cells.length ? cells.slice(user, end).join(',') : (cells[user] ?? '');
  return name === '' ? null : name;
}

/** An ARN's last path segment: the user name in `arn:aws:iam::123456789012:user/team,x/ops,oncall`. */
function lastSegment(arn: string): string | null {
  const slash = arn.lastIndexOf('/');
  return slash < 0 ? null : arn.slice(slash + 1);
}

/**
 * The row's cells, one per header column. A row of `count + k` cells is read as its first cells
 * joined by commas for the user name and the next ones for the ARN, taking the one split whose ARN
 * starts with `arn:` and ends in that name (two cannot: IAM names hold no `/`, so both ARNs would
 * end in the same segment, and two different names cannot both equal it). Any other row that does
 * not fit is `unreadable`, with the reason and the user it seems to be about.
 */
export function fitReportRow(cells: readonly string[], columns: ReportRowColumns): ReportRowCells {
  const extra = cells.length - columns.count;
  if (extra === 0) return { kind: 'read', cells };
  const unreadable = (reason: string): ReportRowCells => ({
    kind: 'unreadable',
    userName: userNameOf(cells, columns.user),
    reason: `${cells.length} cells where the header has ${columns.count}${reason}`,
  });
  const { user, arn } = columns;
  if (extra < 0) return unreadable('');
  if (user < 0 || arn !== user + 1)
    return unreadable(', and no user and arn columns side by side to hold more');
  const end = arn + extra + 1;
  for (let userCells = 1; userCells <= extra + 1; userCells++) {
    const name = cells.slice(user, user + userCells).join(',');
    const fullArn = cells.slice(user + userCells, end).join(',');
    if (fullArn.startsWith('arn:') && lastSegment(fullArn) === name) {
      return { kind: 'read', cells: [...cells.slice(0, user), name, fullArn, ...cells.slice(end)] };
    }
  }
  return unreadable(', and no user name in them is followed by an ARN ending in that name');
}
