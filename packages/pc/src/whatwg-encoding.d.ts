/**
 * TextEncoder and TextDecoder are globals in every runtime this package
 * targets (browsers, Node >= 11, workers), but TypeScript's ES2022 library
 * does not declare them. These declarations have the same shape as lib.dom's,
 * so a program that also loads lib.dom or @types/node merges them cleanly.
 */
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecodeOptions {
  stream?: boolean;
}
interface TextDecoder {
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: TextDecoderOptions): TextDecoder };
