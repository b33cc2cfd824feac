// The entry point of the ES module bundle (dist/bundle/main.js): every command.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
