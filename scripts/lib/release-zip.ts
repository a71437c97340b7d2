// Deterministic zips for `leadpact release`. WXT's zips (JSZip) stamp every entry with the time of
// the build and list files in file-system order, so two builds of the same commit differ. We keep
// WXT's choice of files and rewrite the archive: entries sorted by name, no directory entries,
// every entry stamped with SOURCE_DATE_EPOCH, the same attributes and compression level.
import { unzipSync, zipSync, type Zippable } from 'fflate';

/** Zip times are DOS local times from 1980; the earliest one a zip can hold. */
const dosEpochSeconds = Date.UTC(1980, 0, 1, 0, 0, 0) / 1000;

export class ZipReadError extends Error {
  override name = 'ZipReadError';
}

/** The files of a zip by name (directory entries dropped). */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new ZipReadError(`not a readable zip (${error instanceof Error ? error.message : String(error)})`);
  }
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(entries).sort(compareNames)) {
    if (name.endsWith('/')) continue;
    files.set(name, entries[name]!);
  }
  return files;
}

/** Byte order, not locale order: the same on every machine. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * fflate writes the DOS time from the Date's local-time fields; shift the instant so those fields
 * read as the UTC time of `epochSeconds`, whatever the machine's time zone.
 */
function dosStamp(epochSeconds: number): Date {
  const utc = new Date(Math.max(epochSeconds, dosEpochSeconds) * 1000);
  const shifted = new Date(utc.getTime() + utc.getTimezoneOffset() * 60_000);
  // Across a daylight-saving change the offset at the shifted instant can differ by an hour.
  return new Date(utc.getTime() + shifted.getTimezoneOffset() * 60_000);
}

/** A zip of `files` with sorted entries, one fixed time stamp and fixed Unix attributes. */
export function writeDeterministicZip(files: ReadonlyMap<string, Uint8Array>, epochSeconds: number): Uint8Array {
  const mtime = dosStamp(epochSeconds);
  const tree: Zippable = {};
  for (const name of [...files.keys()].sort(compareNames)) {
    // A flat map of full paths: fflate joins nested keys with "/", and a flat key keeps its slashes.
    tree[name] = [files.get(name)!, { level: 9, mtime, os: 3, attrs: 0o100644 << 16 }];
  }
  return zipSync(tree);
}

/** `bytes` rewritten deterministically (see the file comment). */
export function normalizeZip(bytes: Uint8Array, epochSeconds: number): Uint8Array {
  return writeDeterministicZip(readZip(bytes), epochSeconds);
}

/** The DOS time and date fields a zip entry stamped at `epochSeconds` (UTC) carries. */
export function dosStampOf(epochSeconds: number): { time: number; date: number } {
  const at = new Date(Math.max(epochSeconds, dosEpochSeconds) * 1000);
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/**
 * The central directory of a zip, in stored order: each entry's name and DOS time stamp. Read
 * here rather than through fflate (which does not expose the stamps) to check a zip as written.
 */
export function zipDirectory(bytes: Uint8Array): { name: string; time: number; date: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new ZipReadError('no end of central directory record');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: { name: string; time: number; date: number }[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new ZipReadError(`central directory entry ${i} is damaged`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      time: view.getUint16(at + 12, true),
      date: view.getUint16(at + 14, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
