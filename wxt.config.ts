import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// The extension lives in extension/ (DESIGN 2); the engine under extension/engine is shared with the CLI.
export default defineConfig({
  srcDir: 'extension',
  entrypointsDir: 'entrypoints',
  outDir: '.output',
  imports: false,
  vite: () => ({
    plugins: [preact()],
  }),
  manifest: {
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
  },
});
