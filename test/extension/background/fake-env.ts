// Import first in every test of the extension's background and pages: an in-memory IndexedDB
// (fake-indexeddb) and WXT's fake browser as the `browser`/`chrome` globals, which `wxt/browser`
// reads when it is first loaded. (The shared vitest config does not use WxtVitest(), which would
// do the second part; this is the same thing for our files only.)
import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';

const globals = globalThis as { browser?: unknown; chrome?: unknown };
globals.browser = fakeBrowser;
globals.chrome = fakeBrowser;

export { fakeBrowser };
