import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { findChromium } from './tests/helpers/chromium.ts';

// Two projects: the pure core runs in Node (cpu / wasm backends); the same
// core runs in headless Chromium, where WebGL2 is software-rendered but real.
// `npm test` checks for a Chromium first (scripts/check-chromium.ts) and says how to get one.
const chromium = findChromium();
const chromiumArgs = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  // WebGPU on SwiftShader (the test page is served from localhost, a secure context), so the fixture runs on
  // the webgpu backend too; without these flags headless Chromium has navigator.gpu but gives no adapter.
  '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader',
];

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores − 1), which runs every file one after
    // another although the browser and e2e files mostly wait on Chromium. Two workers let Node files run
    // meanwhile: the whole run took 253 s instead of 315 s here (three workers: 251 s).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.node.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The browser tests read the fixtures in tests/fixtures and the models in public/, both inside the project.
        optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'] },
        test: {
          name: 'browser',
          include: ['tests/**/*.browser.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({
              launchOptions: { executablePath: chromium.found ? chromium.path : '/usr/bin/chromium', args: chromiumArgs },
            }),
          },
        },
      },
      {
        // The built app in headless Chromium (playwright-core), served by `vite preview`;
        // the tests build it, start the server and stop it themselves.
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          // Trains the stand-in model if missing and builds the app once for every e2e file.
          globalSetup: ['tests/e2e/setup.ts'],
          // One file at a time: each serves the one build on its own port (one stops its server to test
          // offline use), and the files would otherwise share two cores between several browsers.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
