import { Writable } from "node:stream";

/** A stream that keeps what is written to it. */
export function capture(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  }) as Writable & { text: () => string };
  stream.text = () => Buffer.concat(chunks).toString("utf8");
  return stream;
}
