import type { Writable } from 'node:stream';
import type { ConnectionReport } from '../diagnosis/report.js';
import { LineWriter } from '../pipeline/output.js';
import type { FileEnd, Sink } from '../pipeline/sink.js';

/**
 * A sink that writes as it goes to one output (stdout unless given): blocked while the
 * output holds more than it can take, drained at each file's end and at the end.
 */
export abstract class WrittenSink implements Sink {
  protected readonly out: LineWriter;

  constructor(protected readonly target: Writable = process.stdout) {
    this.out = new LineWriter(target);
  }

  abstract connection(report: ConnectionReport, file: string): void;

  get blocked(): boolean {
    return this.out.blocked;
  }

  flush(): Promise<void> {
    return this.out.flush();
  }

  fileEnd(_file: string, _end: FileEnd): Promise<void> {
    return this.out.flush();
  }

  end(): Promise<void> {
    return this.out.flush();
  }
}
