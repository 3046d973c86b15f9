import { expect, it } from 'vitest';
import { parseDuration } from './duration.js';

it.each([
  ['500ms', 500], ['30s', 30_000], ['5m', 300_000], ['2h', 7_200_000], ['1.5s', 1500], [250, 250], ['250', 250],
  ['5 parsecs', undefined], ['-1s', undefined], [-5, undefined], ['', undefined], [null, undefined], ['1d', undefined],
])('parseDuration(%j) = %j', (input, ms) => expect(parseDuration(input)).toBe(ms));
