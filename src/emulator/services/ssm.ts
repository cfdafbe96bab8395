import type { JsonService } from './types.js';

export const ssmService: JsonService = {
  protocol: 'json',
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  operations: {},
};
