import { Writable } from 'node:stream';

/** A Writable that keeps everything written to it as text (a command's stdout or stderr in tests). */
export class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}
