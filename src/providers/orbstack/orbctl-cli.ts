import { type ExecFileException, execFile } from 'node:child_process';
import type { z } from 'zod';
import { abortReason } from '../../lib/abortable-wait.js';
import { type OrbctlFailure, orbctlError } from './orbctl-errors.js';

export interface OrbctlCliOptions {
  /** The executable: a name looked up on PATH, or a path. */
  path: string;
  /** Per call; the process is killed when it runs longer. */
  timeoutMs: number;
  /** The environment orbctl runs with; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface OrbctlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A machine list of thousands of records must not be cut off by execFile's 1 MiB default. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs `orbctl` directly (execFile, never a shell: names and paths reach it exactly as given) with
 * a deadline, and reads its JSON answers with zod.
 */
export class OrbctlCli {
  constructor(private readonly options: OrbctlCliOptions) {}

  /**
   * Resolves with any exit status; rejects (through the error table) when orbctl cannot start, hangs or
   * crashes. When `signal` aborts, orbctl is not started, or is killed, and the run rejects with the
   * signal's reason: the caller stopped it, so no table row (timeout, crash) describes it.
   */
  run(args: readonly string[], signal?: AbortSignal): Promise<OrbctlResult> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.options.path,
        args,
        {
          encoding: 'utf8',
          env: this.options.env ?? process.env,
          timeout: this.options.timeoutMs,
          // A wedged orbctl that ignores SIGTERM must still not hold the caller past its deadline.
          killSignal: 'SIGKILL',
          maxBuffer: MAX_OUTPUT_BYTES,
          windowsHide: true,
          ...(signal !== undefined && { signal }),
        },
        (error, stdout, stderr) => {
          if (error !== null && signal?.aborted === true) return reject(abortReason(signal));
          if (error === null) return resolve({ stdout, stderr, exitCode: 0 });
          if (typeof error.code === 'number') return resolve({ stdout, stderr, exitCode: error.code });
          reject(this.error(args, this.failureOf(error, stderr)));
        },
      );
      // orbctl must never wait for an answer to a prompt nobody will see.
      child.stdin?.end();
    });
  }

  /** Runs a command that must succeed and print JSON of `schema`'s shape. */
  async json<T>(args: readonly string[], schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const result = await this.run(args, signal);
    if (result.exitCode !== 0) throw this.exitError(args, result);
    return this.parse(args, result.stdout, schema);
  }

  parse<T>(args: readonly string[], stdout: string, schema: z.ZodType<T>): T {
    let raw: unknown;
    try {
      raw = JSON.parse(stdout);
    } catch (cause) {
      throw this.error(args, { kind: 'malformed', detail: `not JSON: ${cause instanceof Error ? cause.message : String(cause)}` });
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
    throw this.error(args, { kind: 'malformed', detail: `unexpected JSON at ${where}` });
  }

  /** The table's error for a call that exited non-zero. */
  exitError(args: readonly string[], result: OrbctlResult): Error {
    return this.error(args, { kind: 'exit', exitCode: result.exitCode, stderr: result.stderr });
  }

  private error(args: readonly string[], failure: OrbctlFailure): Error {
    return orbctlError(this.options.path, args, failure);
  }

  private failureOf(error: ExecFileException, stderr: string): OrbctlFailure {
    if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
      return { kind: 'malformed', detail: `more than ${MAX_OUTPUT_BYTES} bytes of output` };
    }
    if (error.killed === true) return { kind: 'timeout', timeoutMs: this.options.timeoutMs };
    if (error.signal) return { kind: 'signal', signal: error.signal, stderr };
    return { kind: 'spawn', errno: typeof error.code === 'string' ? error.code : error.message };
  }
}
