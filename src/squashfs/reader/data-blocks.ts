// How a file's bytes are stored: its block list, read as a run of segments to copy as stored, to
// inflate, to leave as holes (sparse blocks, stored with size 0), and the tail in a fragment block.
// Consecutive stored blocks merge into one segment, which lies in one piece in the image.
import { DATA_UNCOMPRESSED, NO_FRAGMENT } from '../format.js';
import { ImageFormatError } from './format-error.js';
import type { FragmentTable } from './lookup-tables.js';

export type DataSegment =
  | { kind: 'stored'; fileOffset: number; length: number; imageOffset: number }
  | { kind: 'compressed'; fileOffset: number; length: number; imageOffset: number; storedLength: number }
  | { kind: 'hole'; fileOffset: number; length: number }
  | { kind: 'fragment'; fileOffset: number; length: number; fragment: number; offset: number };

export interface StoredFile {
  size: number;
  start: number;
  fragment: number;
  fragmentOffset: number;
  blockCount: number;
}

export interface DataLayout {
  blockSize: number;
  /** End of the filesystem in the image. */
  imageLength: number;
  fragments: FragmentTable;
}

/** The segments of `file`, whose block size words are the `blockCount` u32 at `wordsAt` in `words`. */
export function dataSegments(file: StoredFile, words: Buffer, wordsAt: number, layout: DataLayout): DataSegment[] {
  const { blockSize, imageLength } = layout;
  const segments: DataSegment[] = [];
  let imageOffset = file.start;
  let previous: DataSegment | undefined;
  for (let i = 0; i < file.blockCount; i++) {
    const word = words.readUInt32LE(wordsAt + i * 4);
    const fileOffset = i * blockSize;
    const length = Math.min(blockSize, file.size - fileOffset);
    const stored = word & ~DATA_UNCOMPRESSED;
    if (word === 0) {
      previous = { kind: 'hole', fileOffset, length };
      segments.push(previous);
      continue;
    }
    if (stored > blockSize || (word & DATA_UNCOMPRESSED && stored !== length)) throw new ImageFormatError(`block ${i} of a file has a stored size of ${stored}`);
    if (imageOffset + stored > imageLength) throw new ImageFormatError(`block ${i} of a file lies outside the image`);
    if (!(word & DATA_UNCOMPRESSED)) {
      previous = { kind: 'compressed', fileOffset, length, imageOffset, storedLength: stored };
      segments.push(previous);
    } else if (previous?.kind === 'stored') {
      previous.length += length;
    } else {
      previous = { kind: 'stored', fileOffset, length, imageOffset };
      segments.push(previous);
    }
    imageOffset += stored;
  }
  const tail = file.size - file.blockCount * blockSize;
  if (file.fragment !== NO_FRAGMENT && tail > 0) segments.push(fragmentSegment(file, tail, layout));
  return segments;
}

function fragmentSegment(file: StoredFile, tail: number, layout: DataLayout): DataSegment {
  const { fragments, blockSize } = layout;
  if (file.fragment >= fragments.sizeWords.length) throw new ImageFormatError(`a file names fragment ${file.fragment}, which does not exist`);
  const word = fragments.sizeWords[file.fragment]!;
  // An inflated fragment block is checked again once its real size is known.
  const available = word & DATA_UNCOMPRESSED ? word & ~DATA_UNCOMPRESSED : blockSize;
  if (file.fragmentOffset + tail > available) throw new ImageFormatError(`a file's tail lies outside fragment ${file.fragment}`);
  return { kind: 'fragment', fileOffset: file.blockCount * layout.blockSize, length: tail, fragment: file.fragment, offset: file.fragmentOffset };
}
