/**
 * The module every Deno step imports before its own script: it defines the step globals.
 * Inputs arrive as a JSON module beside it (no read permission needed); outputs leave through a
 * private file (one JSON line per `output()` call), never through stdout, so nothing the script
 * prints, whatever data it echoes, can pose as an output.
 */
export function denoPrelude(outputFile: string): string {
  return `import data from "./inputs.json" with { type: "json" };
const OUTPUT_FILE = ${JSON.stringify(outputFile)};
const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
function inputs() { return clone(data); }
function output(key, value) {
  if (typeof key !== "string" || key === "" || UNSAFE.has(key)) throw new TypeError("output(key, value): key must be a non-empty string, got " + String(key));
  const json = JSON.stringify({ k: key, v: value === undefined ? null : value });
  if (json === undefined) throw new TypeError("output(" + key + "): value is not JSON");
  Deno.writeTextFileSync(OUTPUT_FILE, json + "\\n", { append: true });
}
function log(...args) { console.error(...args); }
async function readFile(path) { return await Deno.readTextFile(path); }
const Wfe = Object.freeze({ getData: inputs, setOutput: output, log, readFile });
Object.assign(globalThis, { inputs, output, log, readFile, Wfe });
`;
}

/** TypeScript declarations of the globals, for editors (`/// <reference path>` or a `.d.ts`). */
export const DENO_GLOBALS_DTS = `declare function inputs(): any;
declare function output(key: string, value: unknown): void;
declare function log(...args: unknown[]): void;
declare function readFile(path: string): Promise<string>;
declare const Wfe: { getData(): any; setOutput(key: string, value: unknown): void; log(...args: unknown[]): void; readFile(path: string): Promise<string> };
`;
