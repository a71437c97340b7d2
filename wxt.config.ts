import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { embeddedRulesPlugin, sampleLeadsAsset } from './scripts/lib/embedded-rules-plugin';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

// The extension lives in extension/ (DESIGN 2); the engine under extension/engine is shared with the CLI.
export default defineConfig({
  srcDir: 'extension',
  entrypointsDir: 'entrypoints',
  outDir: '.output',
  // WXT 0.21 looks for public files in <root>/public; ours (managed_schema.json) live beside the source.
  // Without this the manifest names a schema the build lacks and Chrome refuses to load the extension.
  publicDir: 'extension/public',
  imports: false,
  vite: () => ({
    // The embedded default: the rules bundle from rules/ (virtual module) and the sample leads.
    plugins: [preact(), embeddedRulesPlugin({ repoRoot })],
  }),
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push(sampleLeadsAsset(repoRoot));
    },
  },
  manifest: ({ browser, manifestVersion }) => ({
    name: 'Leadpact',
    description: 'Lead score, grade, persona, stage and SLA clock where reps work.',
    permissions: ['storage', 'alarms'],
    host_permissions: [
      'https://mail.google.com/*',
      'https://outlook.office.com/*',
      'https://outlook.live.com/*',
      'https://outlook.office365.com/*',
      'https://www.linkedin.com/*',
    ],
    // The remote rules URL's origin (and the CRM's) is asked for at run time in the options page.
    ...(manifestVersion === 2 ? { optional_permissions: ['https://*/*'] } : { optional_host_permissions: ['https://*/*'] }),
    // Enterprise policy (chrome.storage.managed); Firefox reads policies.json without a schema key.
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed_schema.json' } }),
    // Firefox wants a stable add-on id and a data-collection statement (web-ext lint); Chrome would
    // only warn about the unknown key, so it goes into the Firefox manifest alone.
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'leadpact@leadpact.example', data_collection_permissions: { required: ['none'] } } } }
      : {}),
  }),
});
