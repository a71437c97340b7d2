// Wires the gmail site module to the shared runner; everything else lives in content/ and sites/gmail/.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { createRealDeps } from '../content/real-deps';
import { runSite } from '../content/runner';
import { site } from '../sites/gmail/index';

export default defineContentScript({
  matches: site.matches,
  runAt: 'document_idle',
  main(ctx) {
    runSite(ctx, site, createRealDeps(site.id));
  },
});
