/**
 * What a terminal shows of rendered text, measured independently of the renderer's own helpers:
 * color codes are stripped (Node's own parser) and take no columns.
 */
import { stripVTControlCharacters } from 'node:util';

export const stripAnsi = (text: string): string => stripVTControlCharacters(text);

/** Columns `text` takes on a terminal. */
export const visibleWidth = (text: string): number => stripVTControlCharacters(text).length;
