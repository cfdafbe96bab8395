import type { JsonService } from './types.js';

export const secretsManagerService: JsonService = {
  protocol: 'json',
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  operations: {},
};
