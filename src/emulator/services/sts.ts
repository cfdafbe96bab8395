import type { QueryService } from './types.js';

export const stsService: QueryService = {
  protocol: 'query',
  signingName: 'sts',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {},
};
