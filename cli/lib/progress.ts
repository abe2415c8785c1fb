/** A one-line indicator of a long wait; drawn only on a terminal, so logs and pipes stay clean. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: { write(chunk: string): unknown; readonly isTTY?: boolean }): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let frame = 0;
  let drawn = false;
  return {
    update(text) {
      // \r plus "clear to end of line" redraws in place without leaving a trail of shorter lines.
      stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
