import { SpilledLines } from '../report/spilled-lines.js';
import { StreamOrder } from '../report/stream-order.js';

/** Where lines go: it may be full (a pipe whose reader is slow) and can be waited for. */
export interface Output {
  readonly blocked: boolean;
  flush(): Promise<void>;
}

/**
 * Output lines of a file's connections, put back in stream order: they come as
 * connections finish and wait as bytes (SpilledLines: a 4 MB buffer, then a temporary
 * file) until every earlier stream has gone, a filtered-out one as an empty line. Lines
 * leave only in drain() and end(), which wait whenever `output` is full: a long first
 * connection makes every line wait, and when it ends they would otherwise all go at
 * once, out of the temporary file and into the queue of a slow pipe. Callers call
 * drain() between reads of the input, so output back-pressure pauses the reading.
 */
export class LinesInOrder {
  private readonly held: SpilledLines;
  private readonly order: StreamOrder<string | Uint8Array>;

  constructor(
    /** Writes one line (a view valid only during the call: copy what you keep). */
    private readonly write: (line: string | Uint8Array) => void,
    private readonly output: Output,
    /** Bytes held in memory before the temporary file (SpilledLines' default if not given). */
    inMemory?: number,
  ) {
    this.held = new SpilledLines(inMemory);
    this.order = new StreamOrder(this.held);
  }

  /** The line of `stream`; '' for one left out, which still takes its turn. */
  add(stream: number, line: string | Uint8Array): void {
    this.order.add(stream, line);
  }

  /** Writes the lines whose turn has come. */
  drain(): Promise<void> {
    return this.writeAll(this.order.ready());
  }

  /** The input is over (or failed): writes everything still held, and frees the temporary file. */
  async end(): Promise<void> {
    try {
      await this.writeAll(this.order.rest());
    } finally {
      this.close();
    }
  }

  /** Forgets what is held (output that is discarded) and frees the temporary file. */
  close(): void {
    this.held.close();
  }

  private async writeAll(lines: Iterable<string | Uint8Array>): Promise<void> {
    for (const line of lines) {
      if (line.length > 0) this.write(line);
      if (this.output.blocked) await this.output.flush();
    }
    await this.output.flush();
  }
}
