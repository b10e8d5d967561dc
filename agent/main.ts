// gantry-agent entry point: `npx tsx agent/main.ts [--once] [flags]` (see ./README.md).
import { ConfigError, USAGE, parseAgentArgs } from './config';
import { createCollector } from './collect';
import { createAgentServer } from './server';

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseAgentArgs(argv);
  } catch (err) {
    console.error(
      err instanceof ConfigError || err instanceof TypeError ? `gantry-agent: ${err.message}\n\n${USAGE}` : err,
    );
    return 2;
  }
  if (config === 'help') {
    console.log(USAGE);
    return 0;
  }
  const collector = createCollector(config);
  const agent = createAgentServer(config, collector);

  if (config.once) {
    // CPU usage needs two /proc/stat readings; a short gap gives a current figure, not since-boot.
    await collector.collect();
    await new Promise((r) => setTimeout(r, 500));
    const status = await agent.collectNow();
    console.log(JSON.stringify(status, null, 2));
    return status.gpus.length > 0 ? 0 : 1;
  }

  const url = await agent.start();
  console.log(`gantry-agent on ${url} (node ${config.nodeName}, every ${config.intervalMs / 1000}s)`);
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  await agent.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
