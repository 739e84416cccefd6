/**
 * Errors of the Debian image fetcher. Every expected failure (no network, a
 * checksum that does not match, a package the archive does not have, a file
 * that is not what it claims to be) is an `ImageFetchError` whose message can
 * be shown to a user as it is, without a stack trace.
 */

export type ImageFetchErrorKind = "network" | "checksum" | "not-found" | "format" | "offline" | "tool";

export class ImageFetchError extends Error {
  constructor(
    message: string,
    readonly kind: ImageFetchErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ImageFetchError";
  }
}

/** The archive could not be reached, answered with an HTTP error, or stalled. */
export class NetworkError extends ImageFetchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "network", options);
    this.name = "NetworkError";
  }
}

/** Downloaded bytes do not have the size or SHA256 that the signed index promises. */
export class ChecksumError extends ImageFetchError {
  constructor(message: string) {
    super(message, "checksum");
    this.name = "ChecksumError";
  }
}

/** A package, a file index or a file inside a package is missing. */
export class PackageNotFoundError extends ImageFetchError {
  constructor(message: string) {
    super(message, "not-found");
    this.name = "PackageNotFoundError";
  }
}

/** A file is malformed (not an ar archive, a broken tar header, an odd index). */
export class ArchiveFormatError extends ImageFetchError {
  constructor(message: string) {
    super(message, "format");
    this.name = "ArchiveFormatError";
  }
}

/** `offline: true` was asked but nothing usable is cached. */
export class OfflineError extends ImageFetchError {
  constructor(message: string) {
    super(message, "offline");
    this.name = "OfflineError";
  }
}

/** A host tool (`xz`) is missing or failed. */
export class HostToolError extends ImageFetchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "tool", options);
    this.name = "HostToolError";
  }
}
