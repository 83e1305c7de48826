import { once } from 'node:events';
import { open, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { openCaptureBytes } from '../../../capture/reader.js';
import { run } from '../../../pipeline/run.js';
import { LineWriter } from '../../../pipeline/output.js';
import { AnnotateSink } from '../../../sinks/annotate.js';
import type { CommentQueue } from '../../../sinks/annotate.js';
import { copyWithComments, type CopyResult } from '../../../sinks/annotate-copy.js';
import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { holdStdin, isOneOf } from '../../second-read.js';
import { cannotWriteLine, EXIT_BAD_INPUT, EXIT_OK, failureLine, sayFileEnd, warningLine } from '../../fail.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import { ownVersion } from '../../version.js';

export interface AnnotateArgs extends DecodeArgs, TrackerArgs {
  file: string;
  output: string;
  quiet: boolean;
}

/**
 * Reads the capture twice: once to analyse it (every connection's comments wait in a
 * temporary file, AnnotateSink), once to copy it with the comments added, each read in
 * as the copy reaches its connection. Standard input is kept in a temporary file for
 * the second read.
 */
export async function annotateHandler(args: AnnotateArgs): Promise<number> {
  const held = args.file === '-' ? await holdStdin() : null;
  const input = held?.path ?? args.file;
  const sink = new AnnotateSink();
  try {
    if (args.output !== '-' && (await isOneOf(args.output, [input]))) {
      process.stderr.write(failureLine(args.file, new Error('-o names the capture itself: annotate writes a copy, give it another name')) + '\n');
      return EXIT_BAD_INPUT;
    }
    await run([input], { decode: decodeOptions(args), tracker: trackerOptions(args) }, sink);
    if (sayFileEnd(args.file, sink.ended!, args.quiet) !== EXIT_OK) return EXIT_BAD_INPUT;

    let target: Writable = process.stdout;
    if (args.output !== '-') {
      try {
        target = (await open(args.output, 'w')).createWriteStream();
      } catch (err) {
        process.stderr.write(cannotWriteLine(args.output, err) + '\n');
        return EXIT_BAD_INPUT;
      }
    }
    let copied: CopyResult;
    try {
      copied = await copyTo(input, target, sink.queue());
    } catch (err) {
      if (args.output !== '-') await rm(args.output, { force: true });
      process.stderr.write(cannotWriteLine(args.output, err) + '\n');
      return EXIT_BAD_INPUT;
    }
    if (!args.quiet) {
      const where = args.output === '-' ? 'standard output' : args.output;
      process.stderr.write(`teardown: ${where}: ${copied.frames} frames, ${sink.connections} connections, ${copied.comments} comments on ${copied.commentedFrames} frames (Wireshark: frame.comment contains "teardown")\n`);
      if (copied.unplaced > 0) {
        process.stderr.write(warningLine(args.file, `${copied.unplaced} comments not written: their frames are Simple Packet Blocks, which hold no comments, or not in the file as read the second time`) + '\n');
      }
    }
    return EXIT_OK;
  } finally {
    sink.close();
    await held?.release();
  }
}

/** The copy with comments, written to `target` and, for a file, closed. */
async function copyTo(input: string, target: Writable, comments: CommentQueue): Promise<CopyResult> {
  // A write that fails (a full disk) fails the flush that waits on it, or is kept here.
  let failed: Error | null = null;
  target.on('error', (err) => (failed = err));
  const out = new LineWriter(target);
  const window = await openCaptureBytes(input);
  const copied = await copyWithComments(window, comments, out, `tcp-teardown ${ownVersion()} annotate`).finally(() => window.close());
  await out.flush();
  if (target !== process.stdout) {
    target.end();
    await once(target, 'close');
  }
  if (failed !== null) throw failed;
  // Comments whose frames the copy did not reach (none unless the file changed between the reads) have no place either.
  copied.unplaced += comments.missed + comments.left;
  return copied;
}
