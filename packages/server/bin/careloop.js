#!/usr/bin/env node
// Runs on Node 24 from node_modules/.bin (the `node` dev dependency): TypeScript is run directly.
import { main } from '../src/interfaces/cli/main.ts';

await main(process.argv);
