import type { RestJsonService } from './types.js';

export const sesService: RestJsonService = {
  protocol: 'rest-json',
  signingName: 'ses',
  routes: [],
};
