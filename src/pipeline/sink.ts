import type { CaptureEnd } from '../capture/capture-end.js';
import type { ConnectionReport } from '../diagnosis/report.js';
import type { FilterCount } from './filter.js';
import type { TrackerStats } from '../track/tracker.js';

/**
 * Where the pipeline (run.ts) delivers: every output format, the library's results and
 * the checks of `assert` are sinks. A sink receives plain reports, already diagnosed and
 * filtered, in the order asked for, then each file's end; it never sees threads,
 * workers or packing. What a sink may use of the speed machinery to write its output
 * (large chunks with back-pressure, output that waits in a temporary file) it takes
 * from output.ts, and nothing else.
 */
export interface Sink {
  /** A connection the filter kept, in stream order (or finish order, when asked). */
  connection(report: ConnectionReport, file: string): void;
  /**
   * True while the sink's output holds more than it can take (a slow pipe): the
   * pipeline stops delivering and awaits flush() before it goes on.
   */
  readonly blocked: boolean;
  /** Lets written output drain; the pipeline awaits it between reads of the input, so a slow consumer slows the reading. */
  flush(): Promise<void>;
  /**
   * A file read to its end, or failed after delivering every connection seen before the
   * damage. A sink may add a warning about its own output to `end.warnings` (its rows
   * waited in memory, no temporary file being possible): a wrapper that reports the
   * file's warnings reads them after.
   */
  fileEnd(file: string, end: FileEnd): Promise<void>;
  /** Every file is done. */
  end(): Promise<void>;
  /**
   * For a sink that writes NDJSON as the pipeline's --jobs workers do: a file of a
   * worker's lines (open at `fd`, `size` bytes) to write out as they are, instead of
   * each report read back.
   */
  copyLines?(fd: number, size: number): Promise<void>;
}

/** What a file's read leaves besides its connections. */
export interface FileEnd {
  /** One line each: the capture was cut short, link types not decoded, overflow, ... */
  warnings: string[];
  /** The capture's first packet (seconds since the epoch), or null: `--time relative` counts from it, as Wireshark's frame.time_relative does. */
  firstPacket: number | null;
  /** Connections reported, and how many of them the filter kept. */
  count: FilterCount;
  /** Null when the capture was read to its end; else why it stopped (a CaptureError, typed across threads too). */
  failure: Error | null;
  /** Known only when the file was read on this thread (the library's result). */
  captureEnd?: CaptureEnd | null;
  stats?: TrackerStats;
}

/** For sinks with no output of their own: never blocked, nothing to drain. */
export abstract class QuietSink implements Sink {
  readonly blocked: boolean = false;
  abstract connection(report: ConnectionReport, file: string): void;
  async flush(): Promise<void> {}
  async fileEnd(_file: string, _end: FileEnd): Promise<void> {}
  async end(): Promise<void> {}
}
