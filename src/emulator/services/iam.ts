import type { QueryService } from './types.js';

export const iamService: QueryService = {
  protocol: 'query',
  signingName: 'iam',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  operations: {},
};
