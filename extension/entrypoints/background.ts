// The service worker: the lead store, the compiled rules and the answers to content scripts and
// extension pages (extension/background/worker.ts). The embedded rules bundle is built from
// rules/ at build time by the embedded-rules Vite plugin (wxt.config.ts).
import embeddedBundle from 'virtual:leadpact/embedded-rules';
import { defineBackground } from 'wxt/utils/define-background';
import { startWorker } from '../background/worker';

export default defineBackground(() => {
  startWorker({ embeddedBundle });
});
