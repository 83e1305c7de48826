import type { ConnectionReport } from '../diagnosis/report.js';
import { QuietSink, type FileEnd } from '../pipeline/sink.js';
import { TriageBuilder } from './triage.js';
import { sparklineRoom, triageText } from './triage-text.js';

/** `triage`: one capture's problems grouped, as text for a terminal of `width` or as JSON. */
export class TriageSink extends QuietSink {
  private readonly builder = new TriageBuilder();
  /** The file's end, once read: a damaged capture gets its failure line instead of a triage. */
  ended: FileEnd | null = null;

  connection(c: ConnectionReport): void {
    this.builder.add(c);
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    this.ended = end;
  }

  /** The triage of everything delivered; throws on a time it cannot print (a clock out of range). */
  render(file: string, format: 'text' | 'json', width: number | null): string {
    if (format === 'json') return JSON.stringify({ file, ...this.builder.result() }, null, 2) + '\n';
    return triageText(file, this.builder.result({ columns: sparklineRoom(width) }), width).join('\n') + '\n';
  }
}
