// Prints `tests: N passed, N failed, N skipped` from vitest's summary lines.
import { readFileSync } from 'node:fs';
const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const line = text.split('\n').reverse().find((l) => /^\s*Tests\s/.test(l)) ?? '';
const num = (word) => Number((line.match(new RegExp(`(\\d+) ${word}`)) ?? [])[1] ?? 0);
const skipped = num('skipped') + num('todo');
console.log(`tests: ${num('passed')} passed, ${num('failed')} failed, ${skipped} skipped`);
