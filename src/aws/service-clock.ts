/**
 * "Now" as the service sees it. Keywarden judges ages against the same clock that stamped the keys'
 * creation and last use: AWS's (or the emulator's, whose clock a user may have moved). Every client
 * reports the `Date` header of each response; until one has arrived, `calibrate` makes a call that
 * needs no permission (sts:GetCallerIdentity).
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { MetadataBearer, Pluggable } from '@smithy/types';
import { callAws } from '../sdk/errors.js';

export class ServiceClock {
  /** Service time minus local time, in ms; null until a response has been seen. */
  private offsetMs: number | null = null;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** True once a response's Date header has set the clock. */
  get calibrated(): boolean {
    return this.offsetMs !== null;
  }

  /** The service's time now (the local clock until calibrated). */
  now(): Date {
    return new Date(this.localNow() + (this.offsetMs ?? 0));
  }

  /** Records a response's `Date` header (RFC 7231, whole seconds), as received now. */
  observe(dateHeader: string): void {
    const serviceMs = Date.parse(dateHeader);
    if (!Number.isNaN(serviceMs)) this.offsetMs = serviceMs - this.localNow();
  }

  /** Makes `client` report the Date header of every response (errors included) to this clock. */
  watch<I extends object, O extends MetadataBearer>(client: {
    readonly middlewareStack: { use(pluggable: Pluggable<I, O>): void };
  }): void {
    client.middlewareStack.use({
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            const result = await next(args);
            const headers = (result.response as { headers?: Record<string, string | undefined> }).headers;
            const date = headers?.date ?? headers?.Date;
            if (date !== undefined) this.observe(date);
            return result;
          },
          // Inside the SDK's deserializer: the raw response, before an error status becomes an exception.
          { step: 'deserialize', priority: 'low', name: 'keywardenServiceClock' },
        );
      },
    });
  }

  /** Sets the clock from one cheap call when no response has been seen yet. */
  async calibrate(sts: STSClient): Promise<void> {
    if (this.calibrated) return;
    await callAws('sts:GetCallerIdentity', null, () => sts.send(new GetCallerIdentityCommand({})));
  }
}
