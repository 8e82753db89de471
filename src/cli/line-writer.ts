/**
 * Lines for a stream that may be slower than they come (serve's request log piped into a slow
 * reader): while the stream's buffer is full, lines are counted and dropped rather than queued,
 * and once it drains one line says how many went missing. Memory stays bounded however fast
 * requests arrive.
 */
export interface LineWriter {
  /** Writes `line` and a newline, or counts it as dropped while the stream is full. */
  write(line: string): void;
  /** Says how many lines were dropped, if any are still unsaid, and stops listening. */
  close(): void;
}

export function lineWriter(stream: NodeJS.WritableStream): LineWriter {
  let blocked = false;
  let dropped = 0;
  const put = (line: string): void => {
    if (stream.write(`${line}\n`)) return;
    blocked = true;
    stream.once('drain', onDrain);
  };
  const droppedLine = (): string => {
    const line = `(${dropped} log ${dropped === 1 ? 'line' : 'lines'} dropped: the output was not keeping up)`;
    dropped = 0;
    return line;
  };
  function onDrain(): void {
    blocked = false;
    if (dropped > 0) put(droppedLine());
  }
  return {
    write(line) {
      if (blocked) dropped++;
      else put(line);
    },
    close() {
      stream.off('drain', onDrain);
      if (dropped > 0) stream.write(`${droppedLine()}\n`);
    },
  };
}
