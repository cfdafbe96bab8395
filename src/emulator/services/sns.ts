import type { QueryService } from './types.js';

export const snsService: QueryService = {
  protocol: 'query',
  signingName: 'sns',
  xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  operations: {},
};
