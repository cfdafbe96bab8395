import type { JsonService } from './types.js';

export const organizationsService: JsonService = {
  protocol: 'json',
  signingName: 'organizations',
  targetPrefix: 'AWSOrganizationsV20161128',
  operations: {},
};
