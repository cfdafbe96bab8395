/**
 * The per-user scan the seed articles run (a Lambda or script looping over users, one call after
 * another): ListUsers, then for each user ListAccessKeys, GetAccessKeyLastUsed for each key and
 * GetLoginProfile. It judges nothing; it reads what such a scan reads, for timing. Prints
 * `{ wallMs, cpuMs, processMs, maxRssMiB, users, keys, calls, callsByOperation }` as one JSON line.
 * Usage: node bench/per-user-scan.mjs <endpoint>
 */
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { countCalls } from './calls.mjs';

const [endpoint = ''] = process.argv.slice(2);
const iam = new IAMClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
});
const calls = countCalls([iam]);
const started = performance.now();
const cpuAtStart = process.cpuUsage();
let users = 0;
let keys = 0;
for await (const page of paginateListUsers({ client: iam }, {})) {
  for (const user of page.Users ?? []) {
    users++;
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: user.UserName }));
    for (const key of listed.AccessKeyMetadata ?? []) {
      keys++;
      await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    }
    try {
      await iam.send(new GetLoginProfileCommand({ UserName: user.UserName }));
    } catch (error) {
      if (/** @type {{ name?: string }} */ (error).name !== 'NoSuchEntityException') throw error;
    }
  }
}
process.stdout.write(
  `${JSON.stringify({
    wallMs: Math.round(performance.now() - started),
    cpuMs: Math.round((process.cpuUsage(cpuAtStart).user + process.cpuUsage(cpuAtStart).system) / 1000),
    processMs: Math.round(performance.now()),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    users,
    keys,
    calls: calls.total(),
    callsByOperation: calls.byOperation(),
  })}\n`,
);
iam.destroy();
