import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.js';

/** The built CLI as users run it (npm test builds it first). */
export const BIN = join(REPO, 'dist', 'src', 'cli', 'main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Piped to standard input (else it is closed at once). */
  stdinFile?: string;
  /** The environment (default: this one, without colour). */
  env?: NodeJS.ProcessEnv;
}

/** Runs `teardown ARGS` with its output piped, as a CI job or a script runs it. */
export function teardown(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = options.env ?? { ...process.env, NO_COLOR: '1' };
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream: a character split between two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {}); // a command that exits before reading it all
    if (options.stdinFile === undefined) child.stdin.end();
    else createReadStream(options.stdinFile).pipe(child.stdin);
  });
}

/**
 * Runs `teardown ARGS` in a real pseudo-terminal `columns` wide (python3's pty, on
 * every machine the tests run on): what a person at a terminal sees, colour included,
 * standard error mixed in as a terminal mixes it.
 */
export function teardownInTerminal(columns: number, args: string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    // Neither COLUMNS nor (unless asked) NO_COLOR from the test's own environment: the terminal decides.
    const { COLUMNS: _columns, NO_COLOR: noColour, ...rest } = env ?? process.env;
    if (env !== undefined && noColour !== undefined) rest.NO_COLOR = noColour;
    const child = spawn('python3', [join(REPO, 'test', 'helpers', 'pty-run.py'), String(columns), process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: rest });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
