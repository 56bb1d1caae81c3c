#!/usr/bin/env node
// The package's bin, `prolific-webhook-secret-rotation`: see docs/cli.md.
import { runCli } from './run.js';

// On Node 20 the SDK warns, on every run, that its versions published after January 2027 need Node 22. This
// package pins its SDK version, so a person can do nothing about it here; it would only bury the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
